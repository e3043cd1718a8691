// TlsWatch: says weeks ahead that the HTTPS certificate is running out, and loudly once it has.
// Time is the hub's Clock (tests set it), counted to the notAfter of the certificate in force
// (the TlsContextHolder's, so a SIGHUP reload is seen at once).
//
//   /metrics  xianjie_tls_certificate_expiry_seconds  seconds from the hub's now to the
//                                                     certificate's notAfter; negative once past
//   log       tls_certificate_expiring (warn)   once per hub-clock day (UTC) and certificate,
//                                               from http.tls.expiry_warn_days before the end
//             tls_certificate_expired (error)   likewise after it
//
// An expired certificate is still served: clients that verify refuse it (and say why), those
// told to accept it keep working, and nothing stops silently. Replace the files and SIGHUP.
//
// Any thread: check() runs on the sweep timer, after a reload and on a test's clock change.
#pragma once

#include <mutex>
#include <string>

#include "adapters/http/tls_context.h"
#include "hub/core/clock.h"
#include "hub/core/metrics.h"

namespace xj {

class TlsWatch {
 public:
  TlsWatch(const Clock& clock, const http::TlsContextHolder& tls, int warn_days,
           MetricsRegistry& metrics);

  // Logs the warning of the day if one is due and not yet logged for this day and certificate.
  void check();

 private:
  long long secondsLeft() const;

  const Clock& clock_;
  const http::TlsContextHolder& tls_;
  const int warn_days_;
  std::mutex mu_;
  std::string warned_;  // "<day>/<serial>" of the last warning
};

}  // namespace xj
