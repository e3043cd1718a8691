// WriteJobFactory: what each write of the store's ports (MessageStore::submit, WorkStore's
// actions, sweeps, recounts and exchange commands, OutboxStore's outcomes, replays and
// submits) becomes as a WriteJob (write_job.h). Implemented above the store by routing/work,
// which holds the policies; given to the store when it opens, so that the store runs jobs
// without knowing what they decide.
//
// Thread: any (the store calls it on the caller's thread, or a reader's for the CLI's replays);
// the methods are const and build a new job each time.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "hub/core/exchange.h"
#include "hub/core/message_store.h"
#include "hub/core/outbox.h"
#include "hub/core/work.h"
#include "hub/core/write_job.h"

namespace xj {

class WriteJobFactory {
 public:
  virtual ~WriteJobFactory() = default;

  // Stores the message (a resend or a conflicting reuse of its id answers what is stored) and
  // applies its plan. Failure answers kUnavailable with "storage full" or "storage error".
  virtual std::unique_ptr<WriteJob> ingest(IngestRecord record,
                                           MessageStore::IngestCallback done) const = 0;
  // A staff action on an item; failure answers a default ActionResult (kUnavailable).
  virtual std::unique_ptr<WriteJob> itemAction(ItemActionRequest req,
                                               std::function<void(ActionResult)> done) const = 0;
  // The overdue sweep (WorkStore::sweep); failure answers nullopt.
  virtual std::unique_ptr<WriteJob> sweep(
      std::string today, std::string escalation_queue, std::string at,
      std::string undated_created_before,
      std::function<void(std::optional<SweepResult>)> done) const = 0;
  // The recount of provisional deadlines; `done` gets how many changed (nullopt on failure).
  virtual std::unique_ptr<WriteJob> recountDeadlines(
      DeadlineCounter count, std::string at,
      std::function<void(std::optional<int>)> done) const = 0;
  // A referral out or a side's report; failure answers a default result (kUnavailable).
  virtual std::unique_ptr<WriteJob> exchangeCommand(
      ExchangeCommand cmd, std::function<void(ExchangeCommandResult)> done) const = 0;

  // The outbox's bookkeeping: attempts' outcomes, a staff replay, the CLI's replays, a bare row.
  virtual std::unique_ptr<WriteJob> outboxOutcomes(
      std::vector<OutboxOutcome> outcomes, std::function<void(bool committed)> done) const = 0;
  virtual std::unique_ptr<WriteJob> outboxReplay(
      int64_t outbox_id, std::string actor, std::string at,
      std::function<void(ReplayResult, std::optional<OutboxRecord>)> done) const = 0;
  virtual std::unique_ptr<WriteJob> requestedReplays(std::string at,
                                                     std::function<void(int)> done) const = 0;
  // A used idempotency key answers kConflict for this job alone; failure answers kUnavailable.
  virtual std::unique_ptr<WriteJob> outbound(OutboundMessage message,
                                             std::function<void(Result<int64_t>)> done) const = 0;
};

}  // namespace xj
