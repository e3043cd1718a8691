// OutboxStore: the port through which the delivery dispatcher reads the outbox and records what
// became of each attempt, and staff list and replay dead letters. The SQLite store implements it
// beside MessageStore and WorkStore, with the same threading contract: calls enqueue and return
// at once (false when the bounded queue is full or the store is stopping); callbacks run on a
// store thread (the writer or a reader) and must only copy and hand over. Nothing here runs SQL
// on the caller's thread, so the delivery thread never touches SQLite.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "hub/core/outbox.h"
#include "hub/core/status.h"

namespace xj {

// One partner's pending rows in the store (for /metrics: the dispatcher holds only some).
struct OutboxDepth {
  std::string partner;
  int64_t pending = 0;
  std::string oldest_created_at;  // RFC 3339
};

class OutboxStore {
 public:
  virtual ~OutboxStore() = default;

  // Called on the writer thread right after each commit that made outbox rows pending (new rows
  // enqueued through WorkTransaction, replays), with those rows. Never for a rolled-back batch.
  // Set once, before the dispatcher starts; it must only copy and hand over.
  virtual void setOutboxListener(std::function<void(std::vector<OutboxRecord>)> listener) = 0;

  // Pending rows with id > after_id, oldest first (the dispatcher's resume after a restart).
  virtual bool pendingOutbound(
      int64_t after_id, int limit,
      std::function<void(std::optional<std::vector<OutboxRecord>>)> done) = 0;
  // One partner's pending rows with id > after_id, oldest first (the dispatcher reads back what
  // it did not keep in memory).
  virtual bool pendingOutboundOf(
      std::string partner, int64_t after_id, int limit,
      std::function<void(std::optional<std::vector<OutboxRecord>>)> done) = 0;
  // Pending rows by partner, from the store (a reader).
  virtual bool pendingDepth(std::function<void(std::optional<std::vector<OutboxDepth>>)> done) = 0;
  // Staff listing: rows in `state` (any state when empty) with id > after_id, oldest first.
  virtual bool listOutbound(std::optional<OutboxState> state, int64_t after_id, int limit,
                            std::function<void(std::optional<std::vector<OutboxRecord>>)> done) = 0;

  // Writes the outcomes of attempts, in one transaction (guarded: only a pending row changes).
  virtual bool recordOutcomes(std::vector<OutboxOutcome> outcomes,
                              std::function<void(bool committed)> done) = 0;
  // dead -> pending with attempts from zero, written to the replay log with `actor`; the row is
  // then handed to the listener like a new one.
  virtual bool replayOutbound(
      int64_t id, std::string actor, std::string at,
      std::function<void(ReplayResult, std::optional<OutboxRecord>)> done) = 0;
  // Applies the replays that `xianjie outbox replay` asked for (written to the replay log by the
  // CLI, which has no running dispatcher to tell); `done` gets how many became pending.
  virtual bool applyReplayRequests(std::string at, std::function<void(int)> done) = 0;
  // An outbox row with no domain change behind it: the fault-injection endpoint's
  // `enqueue_outbound` (tests, before the exchange endpoints) and the delivery benchmark.
  virtual bool submitOutbound(OutboundMessage message,
                              std::function<void(Result<int64_t>)> done) = 0;
};

}  // namespace xj
