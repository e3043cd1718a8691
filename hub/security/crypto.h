// Small wrappers over OpenSSL used for tokens and body hashes. Pure functions; any thread.
#pragma once

#include <string>
#include <string_view>

namespace xj::security {

std::string sha256Hex(std::string_view data);
// SHA-256 of a whole file, read in blocks (a backup may be larger than memory); empty when the
// file cannot be read.
std::string sha256FileHex(const std::string& path);
// `n` random bytes from the OS CSPRNG, hex-encoded (2n characters).
std::string randomHex(size_t n);
// Compares in time that depends only on the lengths, not on where the inputs differ.
bool constantTimeEqual(std::string_view a, std::string_view b);
// HMAC-SHA256 of `data` under `key`, hex-encoded.
std::string hmacSha256Hex(std::string_view key, std::string_view data);
// A mosquitto password-file hash of `password`: "$7$ITER$SALT$HASH", PBKDF2-HMAC-SHA512 with a
// fresh 12-byte salt, base64 (what mosquitto_passwd 2.x writes and mosquitto 2.x checks).
std::string mosquittoPasswordHash(std::string_view password, int iterations = 1000);

}  // namespace xj::security
