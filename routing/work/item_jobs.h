// The write jobs of the queues (WorkStore): a staff action on an item, the overdue sweep (items
// and exchanges), and the recount of provisional deadlines when a holiday notice is loaded. Each
// runs its policy (routing/queues/work_policy.h) and keeps the answer until the commit.
//
// Thread: built on any thread; run by the store's writer (write_job.h).
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "hub/core/exchange.h"
#include "hub/core/work.h"
#include "hub/core/write_job.h"
#include "routing/work/outbound_bodies.h"

namespace xj::routing {

// `bodies` (which must outlive the job) writes what a partner or the platform is told.
std::unique_ptr<WriteJob> itemActionJob(ItemActionRequest req,
                                        std::function<void(ActionResult)> done,
                                        const OutboundBodies& bodies);

// `progress_due` counts the partners' next progress reports (exchange_policy.h).
std::unique_ptr<WriteJob> sweepJob(std::string today, std::string escalation_queue, std::string at,
                                   std::string undated_created_before,
                                   ProgressDueCounter progress_due,
                                   std::function<void(std::optional<SweepResult>)> done);

std::unique_ptr<WriteJob> recountDeadlinesJob(DeadlineCounter count, std::string at,
                                              std::function<void(std::optional<int>)> done);

}  // namespace xj::routing
