// The write jobs of the outbox's bookkeeping (OutboxStore): what delivery attempts came to, a
// staff replay of a dead row, the replays the CLI asked for, and a row with no domain change
// behind it. They decide nothing; they are jobs like every other write so that the writer has
// one shape to run.
//
// Thread: built on any thread; run by the store's writer (write_job.h).
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "hub/core/outbox.h"
#include "hub/core/write_job.h"

namespace xj::routing {

std::unique_ptr<WriteJob> outboxOutcomesJob(std::vector<OutboxOutcome> outcomes,
                                            std::function<void(bool committed)> done);
std::unique_ptr<WriteJob> outboxReplayJob(
    int64_t outbox_id, std::string actor, std::string at,
    std::function<void(ReplayResult, std::optional<OutboxRecord>)> done);
std::unique_ptr<WriteJob> requestedReplaysJob(std::string at, std::function<void(int)> done);
// A used idempotency key refuses this job alone (kConflict), not the batch.
std::unique_ptr<WriteJob> outboundJob(OutboundMessage message,
                                      std::function<void(Result<int64_t>)> done);

}  // namespace xj::routing
