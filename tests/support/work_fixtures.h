// Building blocks for the policy and contract tests: person keys, messages as the intake plans
// them, and running a write job the way the store's writer does (apply, then done). Test-only.
#pragma once

#include <memory>
#include <string>

#include "hub/core/message.h"
#include "hub/core/write_job.h"

namespace xj::testing {

// A person key as PersonKeyer makes them (64 lower-case hex characters), one per `c` in 0-9a-f.
inline std::string personKey(char c) { return std::string(64, c); }

// A message the intake routed to `queues` (the first is the township's), received at `at`.
inline IngestRecord plannedMessage(MessageKind kind, const std::string& id, const std::string& at,
                                   std::vector<std::string> queues = {"451229205"}) {
  IngestRecord r;
  r.kind = kind;
  r.source = kind == MessageKind::kTicket     ? "hotline"
             : kind == MessageKind::kReferral ? "charity-a"
                                              : "medical-insurance";
  r.message_id = id;
  r.township = "451229205";
  r.occurred_at = at;
  r.received_at = at;
  r.body_hash = "hash-" + id;
  r.payload = "{\"subject\":{\"village\":\"v1\",\"id_number\":\"ID-" + id + "\"}}";
  WorkPlan& p = r.plan;
  p.route_rule = "rule-1";
  p.route_version = "v1";
  p.queues = std::move(queues);
  p.township_queue = p.queues.empty() ? "451229205" : p.queues.front();
  p.item_category = "dibao";
  p.urgency = "normal";
  p.accepted_on = at.substr(0, 10);
  p.case_deadline = "2026-12-10";
  p.case_working_days = 5;
  p.alert_deadline = "2026-12-08";
  p.alert_working_days = 2;
  return r;
}

// Runs `job` as the writer does for a batch of one that commits when apply succeeds.
inline Status runJob(WriteJob& job, WorkTransaction& tx) {
  Status s = job.apply(tx);
  job.done(s.isOk() ? Status::ok() : s);
  return s;
}
inline Status runJob(const std::unique_ptr<WriteJob>& job, WorkTransaction& tx) {
  return runJob(*job, tx);
}

}  // namespace xj::testing
