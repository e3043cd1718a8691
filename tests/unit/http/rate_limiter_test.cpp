// The per-token bucket: a burst at once, then the rate; each key its own bucket; time is input.
#include <catch2/catch.hpp>

#include "adapters/http/rate_limiter.h"

using xj::http::RateLimiter;

TEST_CASE("the rate limiter admits a burst, then the rate, per key", "[rate_limiter]") {
  RateLimiter limiter(10, 5);  // 10 a second, 5 at once
  auto t0 = RateLimiter::Clock::time_point{} + std::chrono::hours(1);
  for (int i = 0; i < 5; ++i) CHECK(limiter.take("a", t0, nullptr));
  int retry = 0;
  CHECK_FALSE(limiter.take("a", t0, &retry));
  CHECK(retry == 1);
  // Another key has its own bucket.
  CHECK(limiter.take("b", t0, nullptr));
  // 100 ms later one request's worth has refilled, and only one.
  auto t1 = t0 + std::chrono::milliseconds(100);
  CHECK(limiter.take("a", t1, nullptr));
  CHECK_FALSE(limiter.take("a", t1, nullptr));
  // A long pause refills to the burst, never beyond.
  auto t2 = t1 + std::chrono::seconds(60);
  for (int i = 0; i < 5; ++i) CHECK(limiter.take("a", t2, nullptr));
  CHECK_FALSE(limiter.take("a", t2, nullptr));
  // A clock that reads earlier (two threads' readings out of order) takes nothing back.
  CHECK_FALSE(limiter.take("a", t2 - std::chrono::seconds(1), nullptr));
}

TEST_CASE("a rate of 0 admits everything", "[rate_limiter]") {
  RateLimiter off(0, 1);
  auto t = RateLimiter::Clock::time_point{};
  for (int i = 0; i < 1000; ++i) REQUIRE(off.take("a", t, nullptr));
}
