// TokenExpiryWatch: says ahead of time that API tokens are about to end, so that an ending token
// is a warning and a rotation (`xianjie token rotate`), never a partner's surprise outage.
//
//   /metrics  xianjie_tokens_expiring   unrevoked tokens that end within
//                                       tokens.expiry_warning_days of the hub's clock
//   log       token_expiring (warn)     once per hub-clock day per such token: its public id,
//                                       organisation, role and days left (never the secret)
//
// Any thread: check() runs on the sweep timer (an I/O thread) and on a test's clock change.
#pragma once

#include <chrono>
#include <mutex>
#include <string>

#include "hub/core/clock.h"
#include "hub/core/metrics.h"
#include "hub/security/token_registry.h"

namespace xj {

class TokenExpiryWatch {
 public:
  TokenExpiryWatch(const Clock& clock, const security::TokenRegistry& tokens, int warning_days,
                   MetricsRegistry& metrics);

  // Logs the day's warnings if not yet logged for this hub-clock day.
  void check();

 private:
  std::chrono::seconds window() const { return std::chrono::hours(24) * warning_days_; }

  const Clock& clock_;
  const security::TokenRegistry& tokens_;
  int warning_days_;
  std::mutex mu_;
  std::string logged_day_;  // the hub-clock day (UTC date) whose warnings were logged
};

}  // namespace xj
