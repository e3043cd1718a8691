#include "hub/tls_watch.h"

#include "hub/core/log.h"
#include "hub/core/time_format.h"

namespace xj {

namespace {
constexpr long long kDay = 24 * 3600;
}

TlsWatch::TlsWatch(const Clock& clock, const http::TlsContextHolder& tls, int warn_days,
                   MetricsRegistry& metrics)
    : clock_(clock), tls_(tls), warn_days_(warn_days) {
  // A collector rather than a gauge: the figure prints as a whole number of seconds, not "%g".
  metrics.collector([this] {
    return "# HELP xianjie_tls_certificate_expiry_seconds Seconds from the hub's clock to the "
           "HTTPS certificate's notAfter (negative once past)\n"
           "# TYPE xianjie_tls_certificate_expiry_seconds gauge\n"
           "xianjie_tls_certificate_expiry_seconds " +
           std::to_string(secondsLeft()) + "\n";
  });
}

long long TlsWatch::secondsLeft() const {
  auto left = tls_.get()->not_after - clock_.now();
  return std::chrono::duration_cast<std::chrono::seconds>(left).count();
}

void TlsWatch::check() {
  auto tls = tls_.get();
  auto now = clock_.now();
  long long left = std::chrono::duration_cast<std::chrono::seconds>(tls->not_after - now).count();
  if (left > warn_days_ * kDay) return;
  long long day = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
  day = day >= 0 ? day / kDay : (day - kDay + 1) / kDay;
  {
    std::lock_guard lock(mu_);
    std::string key = std::to_string(day) + "/" + tls->serial;
    if (warned_ == key) return;
    warned_ = key;
  }
  const std::string not_after = formatRfc3339(tls->not_after);
  if (left > 0)
    log::warn("tls_certificate_expiring",
              {{"days_left", std::to_string(left / kDay)},
               {"not_after", not_after},
               {"subject", tls->subject},
               {"serial", tls->serial},
               {"what", "replace http.tls.cert_file and key_file, then SIGHUP"}});
  else
    log::error("tls_certificate_expired",
               {{"not_after", not_after},
                {"subject", tls->subject},
                {"serial", tls->serial},
                {"what",
                 "EXPIRED and still served: clients that verify refuse the hub until "
                 "http.tls.cert_file and key_file are replaced and the hub gets SIGHUP"}});
}

}  // namespace xj
