// PolicyJobs: the hub's WriteJobFactory (hub/core/write_job_factory.h). Every write the store's
// ports take becomes one of the jobs of this folder, which run the policies of routing/queues,
// routing/exchange and routing/platform inside the writer's transaction. The store runs them
// without knowing what they decide.
//
// Owned by whoever opens the store (the composition root) and given to it; immutable after
// construction, so any thread may build jobs at once.
#pragma once

#include "hub/core/write_job_factory.h"
#include "routing/work/outbound_bodies.h"

namespace xj::routing {

class PolicyJobs final : public WriteJobFactory {
 public:
  // `bodies` writes what leaves the hub (adapters/envelope/outbound_codec.h; it must outlive
  // every job). `progress_due` counts a partner's next progress report (the directory and
  // calendar in force, read at each use); empty: no progress deadlines.
  explicit PolicyJobs(const OutboundBodies& bodies, ProgressDueCounter progress_due = {})
      : bodies_(bodies), progress_due_(std::move(progress_due)) {}

  std::unique_ptr<WriteJob> ingest(IngestRecord record,
                                   MessageStore::IngestCallback done) const override;
  std::unique_ptr<WriteJob> itemAction(ItemActionRequest req,
                                       std::function<void(ActionResult)> done) const override;
  std::unique_ptr<WriteJob> sweep(
      std::string today, std::string escalation_queue, std::string at,
      std::string undated_created_before,
      std::function<void(std::optional<SweepResult>)> done) const override;
  std::unique_ptr<WriteJob> recountDeadlines(
      DeadlineCounter count, std::string at,
      std::function<void(std::optional<int>)> done) const override;
  std::unique_ptr<WriteJob> exchangeCommand(
      ExchangeCommand cmd, std::function<void(ExchangeCommandResult)> done) const override;
  std::unique_ptr<WriteJob> outboxOutcomes(std::vector<OutboxOutcome> outcomes,
                                           std::function<void(bool committed)> done) const override;
  std::unique_ptr<WriteJob> outboxReplay(
      int64_t outbox_id, std::string actor, std::string at,
      std::function<void(ReplayResult, std::optional<OutboxRecord>)> done) const override;
  std::unique_ptr<WriteJob> requestedReplays(std::string at,
                                             std::function<void(int)> done) const override;
  std::unique_ptr<WriteJob> outbound(OutboundMessage message,
                                     std::function<void(Result<int64_t>)> done) const override;

 private:
  const OutboundBodies& bodies_;
  const ProgressDueCounter progress_due_;
};

}  // namespace xj::routing
