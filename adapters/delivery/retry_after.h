// retryAfterMs: the floor a receiver's `Retry-After` header value puts under the next attempt
// (RFC 9110 section 10.2.3). Pure: no clock of its own, no I/O; any thread.
//
// Two forms are understood: delay-seconds ("120") and an HTTP date in IMF-fixdate form
// ("Sun, 06 Nov 1994 08:49:37 GMT"), whose floor is the date minus `now_unix_s`, never negative.
// Either is capped at a day (the outbox lanes cap it again at an hour). Anything else (empty,
// negative, the obsolete date forms, trailing garbage) is ignored: 0, the hub's own backoff.
#pragma once

#include <cstdint>
#include <string_view>

namespace xj::webhook {

// `value` is the header's field value (surrounding spaces and CR LF allowed).
int64_t retryAfterMs(std::string_view value, int64_t now_unix_s);

}  // namespace xj::webhook
