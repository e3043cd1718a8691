#include "hub/token_expiry_watch.h"

#include "hub/core/log.h"
#include "hub/core/time_format.h"

namespace xj {

TokenExpiryWatch::TokenExpiryWatch(const Clock& clock, const security::TokenRegistry& tokens,
                                   int warning_days, MetricsRegistry& metrics)
    : clock_(clock), tokens_(tokens), warning_days_(warning_days) {
  metrics.gauge("xianjie_tokens_expiring",
                "Unrevoked API tokens that end within tokens.expiry_warning_days (rotate them)",
                [this] {
                  return static_cast<double>(tokens_.expiringWithin(clock_.now(), window()).size());
                });
}

void TokenExpiryWatch::check() {
  const auto now = clock_.now();
  const std::string day = formatRfc3339(now).substr(0, 10);
  {
    std::lock_guard lock(mu_);
    if (day == logged_day_) return;
    logged_day_ = day;
  }
  for (const auto& id : tokens_.expiringWithin(now, window())) {
    auto p = tokens_.active(id, now);
    if (!p) continue;
    auto ends = tokens_.endsAt(id);
    const auto hours = std::chrono::duration_cast<std::chrono::hours>(ends - now).count();
    log::warn("token_expiring", {{"token", id},
                                 {"org", p->org},
                                 {"role", std::string(toString(p->role))},
                                 {"days_left", std::to_string(hours / 24)},
                                 {"ends", formatRfc3339(ends)}});
  }
}

}  // namespace xj
