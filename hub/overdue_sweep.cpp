#include "hub/overdue_sweep.h"

#include "hub/core/log.h"

namespace xj {

namespace {
constexpr const char* kEscalations = "xianjie_exchange_escalations_total";
constexpr const char* kEscalationsHelp =
    "Exchanges escalated to the county queue, by partner and reason (answer, progress)";
}  // namespace

OverdueSweep::OverdueSweep(const routing::WorkService& service, MetricsRegistry& metrics)
    : service_(service), metrics_(metrics) {
  metrics.collector([this] { return overdueMetrics(); });
  // Its series come with the first escalation; the family is on /metrics before that.
  metrics.declare(kEscalations, kEscalationsHelp, "counter");
}

std::string OverdueSweep::overdueMetrics() {
  std::lock_guard lock(overdue_mu_);
  std::string out =
      "# HELP xianjie_items_overdue Open items past their deadline, by queue and township\n"
      "# TYPE xianjie_items_overdue gauge\n";
  for (const auto& [key, n] : last_.overdue_by_queue_township)
    out += "xianjie_items_overdue{queue=\"" + key.first + "\",township=\"" + key.second + "\"} " +
           std::to_string(n) + "\n";
  // (xianjie_exchanges and xianjie_exchanges_overdue come from the store, refreshed at every
  // change of an exchange.)
  return out;
}

bool OverdueSweep::run(const std::string& today,
                       std::function<void(std::optional<SweepResult>)> done) {
  return service_.sweep(today, [this, done = std::move(done)](std::optional<SweepResult> r) {
    if (r) record(*r);
    if (done) done(std::move(r));
  });
}

void OverdueSweep::record(const SweepResult& r) {
  if (r.escalated) log::info("sweep_escalated", {{"items", std::to_string(r.escalated)}});
  if (!r.exchange_escalations.empty()) {
    log::info("sweep_exchanges_escalated",
              {{"answer", std::to_string(r.exchanges_overdue)},
               {"progress", std::to_string(r.exchanges_progress_overdue)}});
    countEscalations(r);
  }
  std::lock_guard lock(overdue_mu_);
  last_ = r;
}

// Once per overdue period (answer: no accept or reject in time; progress: no progress report
// within the partner's progress_every_working_days).
void OverdueSweep::countEscalations(const SweepResult& r) {
  std::lock_guard lock(escalation_mu_);
  for (const auto& [partner, reason] : r.exchange_escalations) {
    auto& c = escalations_[{partner, reason}];
    if (!c)
      c = &metrics_.counter(kEscalations, kEscalationsHelp,
                            "partner=\"" + partner + "\",reason=\"" + reason + "\"");
    c->inc();
  }
}

}  // namespace xj
