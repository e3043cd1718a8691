// The signature on every outbound delivery (webhook headers; MQTT 5 user properties), and the
// verifier a receiver runs (the tests' webhook sink runs this one; README "Verifying a delivery"
// gives the recipe for a charity's own code).
//
//   X-Xianjie-Timestamp: <Unix seconds when the attempt was made>
//   X-Xianjie-Signature: v1=<hex HMAC-SHA256(secret, timestamp + "." + body)>
//   Idempotency-Key:     <unique per message, the same on every retry>
//
// The timestamp is inside the MAC, so an attacker who captured a delivery cannot replay it later
// than the window (300 s) with a fresh timestamp; within the window the idempotency key makes a
// replay harmless. Pure functions; any thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "hub/core/status.h"

namespace xj::security {

inline constexpr int64_t kSignatureWindowSeconds = 300;

// "v1=" + hex HMAC-SHA256(secret, timestamp + "." + body).
std::string signDelivery(std::string_view secret, int64_t timestamp, std::string_view body);

// Checks a delivery as a receiver must: the timestamp is an integer within `window_s` of `now_s`
// (either side: a clock far ahead is as suspect as one behind), and one of the comma-separated
// "v1=..." signatures matches (several are allowed while a secret is rotated), compared in
// constant time. kInvalid with the reason otherwise (no secret or body in the message).
Status verifyDelivery(std::string_view secret, std::string_view timestamp_header,
                      std::string_view signature_header, std::string_view body, int64_t now_s,
                      int64_t window_s = kSignatureWindowSeconds);

}  // namespace xj::security
