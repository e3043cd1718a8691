// OverdueSweep: the overdue sweep and what it reports. A sweep marks items past their
// working-day deadline and escalates them (one store writer job, asked of the work service, which
// decides the escalation queue and the cut-off of undated items); each sweep, the periodic one
// and a test's fake-clock one, refreshes the overdue counts in /metrics and counts the
// exchanges it escalated (xianjie_exchange_escalations_total, by partner and reason).
//
// Threads: run() from an I/O thread (the sweep timer, the faults endpoint); its result arrives
// on the store writer; the /metrics collector runs on a request's thread. The last result and
// the escalation counters are each under their own mutex, never held during a store call.
#pragma once

#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <utility>

#include "hub/core/metrics.h"
#include "hub/core/work.h"
#include "routing/work/work_service.h"

namespace xj {

class OverdueSweep {
 public:
  // Registers the overdue collector with `metrics` at once (its place in /metrics).
  OverdueSweep(const routing::WorkService& service, MetricsRegistry& metrics);

  // Sweeps as of `today` (YYYY-MM-DD, China time) with the routes in force; `done` (may be
  // empty) gets the result on the writer. False when the store refused the job (full, stopped).
  bool run(const std::string& today, std::function<void(std::optional<SweepResult>)> done);

 private:
  std::string overdueMetrics();
  void record(const SweepResult& r);
  void countEscalations(const SweepResult& r);

  const routing::WorkService& service_;
  MetricsRegistry& metrics_;
  std::mutex overdue_mu_;
  SweepResult last_;  // under overdue_mu_
  std::mutex escalation_mu_;
  std::map<std::pair<std::string, std::string>, Counter*> escalations_;  // under escalation_mu_
};

}  // namespace xj
