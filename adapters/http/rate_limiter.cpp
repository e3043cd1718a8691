#include "adapters/http/rate_limiter.h"

#include <algorithm>
#include <cmath>

namespace xj::http {

bool RateLimiter::take(const std::string& key, Clock::time_point now, int* retry_after_s) {
  if (rate_ <= 0) return true;
  std::lock_guard lock(mu_);
  auto [it, fresh] = buckets_.try_emplace(key);
  Bucket& b = it->second;
  if (fresh) {
    b.level = burst_;
  } else {
    const double elapsed = std::chrono::duration<double>(now - b.at).count();
    if (elapsed > 0) b.level = std::min(burst_, b.level + elapsed * rate_);
  }
  b.at = std::max(b.at, now);
  if (b.level >= 1) {
    b.level -= 1;
    return true;
  }
  if (retry_after_s) *retry_after_s = std::max(1, static_cast<int>(std::ceil((1 - b.level) / rate_)));
  return false;
}

}  // namespace xj::http
