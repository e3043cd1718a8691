// RateLimiter: a token bucket per key (a bearer token's id): `rate` requests a second on average,
// `burst` at once. A request over it is answered 429 with Retry-After (the seconds until one
// request's worth has refilled), so one principal's runaway client cannot take the hub's
// capacity from everyone else's. Steady time (never the wall clock: a clock step must not open or
// shut the gate).
//
// Threads: take() from any I/O thread (one mutex; a map lookup and a few arithmetic operations).
// Keys are token ids, bounded by the token table, so the map is bounded too.
#pragma once

#include <chrono>
#include <mutex>
#include <string>
#include <unordered_map>

namespace xj::http {

class RateLimiter {
 public:
  using Clock = std::chrono::steady_clock;
  // rate <= 0: no limit (take() always admits).
  RateLimiter(double rate, double burst) : rate_(rate), burst_(burst < 1 ? 1 : burst) {}

  // True: admitted (one request taken from the key's bucket). False: `retry_after_s` is set to
  // the whole seconds (at least 1) until the bucket holds one request again.
  bool take(const std::string& key, Clock::time_point now, int* retry_after_s);

 private:
  struct Bucket {
    double level = 0;  // requests available
    Clock::time_point at{};
  };
  const double rate_;
  const double burst_;
  std::mutex mu_;
  std::unordered_map<std::string, Bucket> buckets_;
};

}  // namespace xj::http
