// The receiver's Retry-After as the outbox reads it (README "Partners and delivery"): seconds or
// an IMF-fixdate HTTP date are a floor (the date's distance from now, never negative), capped at
// a day; anything else is ignored.
#include <catch2/catch.hpp>

#include "adapters/delivery/retry_after.h"

using xj::webhook::retryAfterMs;

namespace {
// Sun, 06 Nov 1994 08:49:37 GMT (RFC 9110's example) as Unix seconds.
constexpr int64_t kExample = 784'111'777;
}  // namespace

TEST_CASE("Retry-After in seconds is a floor in milliseconds, capped at a day", "[retry_after]") {
  CHECK(retryAfterMs("2", kExample) == 2000);
  CHECK(retryAfterMs(" 120\r\n", kExample) == 120'000);
  CHECK(retryAfterMs("0", kExample) == 0);
  CHECK(retryAfterMs("86400", kExample) == 86'400'000);
  CHECK(retryAfterMs("86401", kExample) == 86'400'000);
  CHECK(retryAfterMs("99999999999999999999999999", kExample) == 86'400'000);
}

TEST_CASE("Retry-After as an HTTP date is the time until it, never negative", "[retry_after]") {
  CHECK(retryAfterMs("Sun, 06 Nov 1994 08:49:37 GMT", kExample - 30) == 30'000);
  CHECK(retryAfterMs(" Sun, 06 Nov 1994 08:49:37 GMT\r\n", kExample - 5) == 5000);
  CHECK(retryAfterMs("Sun, 06 Nov 1994 08:49:37 GMT", kExample) == 0);
  CHECK(retryAfterMs("Sun, 06 Nov 1994 08:49:37 GMT", kExample + 3600) == 0);
  // Across a year end and a leap day.
  CHECK(retryAfterMs("Thu, 01 Jan 2026 00:00:10 GMT", 1'767'225'600) == 10'000);
  CHECK(retryAfterMs("Thu, 29 Feb 2024 00:00:01 GMT", 1'709'164'800) == 1000);
  // Far in the future: capped like the seconds form.
  CHECK(retryAfterMs("Sun, 06 Nov 1994 08:49:37 GMT", kExample - 10 * 86'400) == 86'400'000);
}

TEST_CASE("a Retry-After that is neither form is ignored", "[retry_after]") {
  for (const char* garbage :
       {"", "   ", "soon", "-5", "2 seconds", "1.5", "0x10", "Sunday, 06-Nov-94 08:49:37 GMT",
        "Sun Nov  6 08:49:37 1994", "Sun, 06 Nov 1994 08:49:37 UTC",
        "Sun, 06 Foo 1994 08:49:37 GMT", "Sun, 32 Nov 1994 08:49:37 GMT",
        "Sun, 06 Nov 1994 24:49:37 GMT", "Sun, 06 Nov 1994 08:49:37 GMT trailing"}) {
    INFO(garbage);
    CHECK(retryAfterMs(garbage, kExample - 60) == 0);
  }
}
