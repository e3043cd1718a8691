#include "routing/work/policy_jobs.h"

#include "routing/work/exchange_job.h"
#include "routing/work/ingest_job.h"
#include "routing/work/item_jobs.h"
#include "routing/work/outbox_jobs.h"

namespace xj::routing {

std::unique_ptr<WriteJob> PolicyJobs::ingest(IngestRecord record,
                                             MessageStore::IngestCallback done) const {
  return ingestJob(std::move(record), std::move(done), bodies_);
}

std::unique_ptr<WriteJob> PolicyJobs::itemAction(ItemActionRequest req,
                                                 std::function<void(ActionResult)> done) const {
  return itemActionJob(std::move(req), std::move(done), bodies_);
}

std::unique_ptr<WriteJob> PolicyJobs::sweep(
    std::string today, std::string escalation_queue, std::string at,
    std::string undated_created_before,
    std::function<void(std::optional<SweepResult>)> done) const {
  return sweepJob(std::move(today), std::move(escalation_queue), std::move(at),
                  std::move(undated_created_before), progress_due_, std::move(done));
}

std::unique_ptr<WriteJob> PolicyJobs::recountDeadlines(
    DeadlineCounter count, std::string at, std::function<void(std::optional<int>)> done) const {
  return recountDeadlinesJob(std::move(count), std::move(at), std::move(done));
}

std::unique_ptr<WriteJob> PolicyJobs::exchangeCommand(
    ExchangeCommand cmd, std::function<void(ExchangeCommandResult)> done) const {
  return exchangeJob(std::move(cmd), progress_due_, std::move(done), bodies_);
}

std::unique_ptr<WriteJob> PolicyJobs::outboxOutcomes(std::vector<OutboxOutcome> outcomes,
                                                     std::function<void(bool)> done) const {
  return outboxOutcomesJob(std::move(outcomes), std::move(done));
}

std::unique_ptr<WriteJob> PolicyJobs::outboxReplay(
    int64_t outbox_id, std::string actor, std::string at,
    std::function<void(ReplayResult, std::optional<OutboxRecord>)> done) const {
  return outboxReplayJob(outbox_id, std::move(actor), std::move(at), std::move(done));
}

std::unique_ptr<WriteJob> PolicyJobs::requestedReplays(std::string at,
                                                       std::function<void(int)> done) const {
  return requestedReplaysJob(std::move(at), std::move(done));
}

std::unique_ptr<WriteJob> PolicyJobs::outbound(OutboundMessage message,
                                               std::function<void(Result<int64_t>)> done) const {
  return outboundJob(std::move(message), std::move(done));
}

}  // namespace xj::routing
