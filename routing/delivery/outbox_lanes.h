// OutboxLanes: which pending outbox rows may be attempted now, and what an attempt's result
// means for its row. Pure and std-only (no I/O, no clock of its own: times are passed in), so
// the ordering and retry rules are unit-tested without sockets; the delivery thread
// (adapters/delivery/outbox_dispatcher.h) owns one instance and is its only user.
//
// Rules:
// - A lane is (partner, lane_key). Its rows go strictly in outbox-id order, one at a time: the
//   next row is not attempted until the previous one is delivered or dead. So messages about
//   one exchange never overtake each other.
// - Lanes are independent: a lane waiting out its backoff holds nothing else up. At most
//   `max_lanes_per_partner` lanes of one partner and `max_in_flight` lanes in all are in flight,
//   so a partner that hangs cannot take every slot from the others.
// - A failed attempt is retried after an exponential backoff with jitter (backoffMs); after
//   `max_attempts` attempts, or at once for a permanent refusal, the row is dead.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "hub/core/outbox.h"
#include "hub/core/outbox_store.h"
#include "hub/core/partner_directory.h"

namespace xj::routing {

// What one attempt came to, as the transport saw it.
enum class AttemptKind {
  kDelivered,  // 2xx, or the broker's PUBACK
  kRetry,      // 5xx, 408, 429, timeout, connection refused or reset, broker unavailable
  kPermanent,  // any other answer: retrying cannot help (dead at once)
};
struct AttemptResult {
  AttemptKind kind = AttemptKind::kRetry;
  std::string detail;          // e.g. "http 503", "timeout", "connect: Connection refused"
  int64_t retry_after_ms = 0;  // the receiver's Retry-After, a floor for the next delay
};

// The HTTP status's meaning for a webhook delivery: 2xx delivered; 408 and 429 (and 5xx)
// retried; every other status (3xx: redirects are not followed; 4xx: the receiver refuses the
// message itself, e.g. a bad signature or an unknown exchange) is permanent.
AttemptKind classifyHttpStatus(long status);

// Delay before attempt n+1 after n failed attempts (n >= 1): d = min(max, initial * 2^(n-1)),
// then "equal jitter": d/2 + uniform(0, d/2) from `random` (any 64-bit value), so retries of many
// lanes spread out but none comes back sooner than half the step.
int64_t backoffMs(const DeliveryPolicy& policy, int failed_attempts, uint64_t random);

class OutboxLanes {
 public:
  explicit OutboxLanes(DeliveryPolicy policy) : policy_(policy) {}

  // A pending row (new, replayed, or read back after a restart), due at `due_ms` (monotonic
  // ms). A row already known is ignored, so overlapping sources are harmless.
  void add(OutboxRecord record, int64_t due_ms);

  // Heads of lanes that are due at `now_ms` and within the caps, oldest first, at most `max`;
  // they are now in flight.
  std::vector<OutboxRecord> takeReady(int64_t now_ms, size_t max);

  // When the earliest lane waiting for its backoff becomes due; nullopt when none waits.
  std::optional<int64_t> nextDueMs() const;

  // The result of the in-flight attempt of row `id`: what to write to its row. The lane moves
  // on (delivered, dead) or waits (retry). `now_ms` monotonic, `now_wall_ms` Unix ms for the
  // stored next attempt; `at` RFC 3339.
  OutboxOutcome complete(int64_t id, const AttemptResult& result, int64_t now_ms,
                         int64_t now_wall_ms, const std::string& at, uint64_t random);

  struct PartnerDepth {
    int64_t pending = 0;
    std::string oldest_created_at;  // RFC 3339 of the oldest pending row
  };
  // Pending rows (including those in flight) by partner.
  std::map<std::string, PartnerDepth> depth() const;

  size_t inFlight() const { return in_flight_; }
  size_t pending() const { return rows_; }
  bool known(int64_t id) const { return where_.count(id) != 0; }

  // Rows of `partner` held (in flight included), and the highest id among them (0: none).
  size_t rowsOf(const std::string& partner) const;
  int64_t maxIdOf(const std::string& partner) const;
  // Forgets the rows of `partner` with id > `above` that are not in flight (they stay pending in
  // the store and are read back later, in id order); returns the highest id forgotten (0: none).
  // Used to keep in memory only a prefix, by id, of a partner's pending rows, so that a row read
  // back later can never be overtaken by a later row of its lane.
  int64_t forgetAbove(const std::string& partner, int64_t above);

 private:
  using LaneKey = std::pair<std::string, std::string>;  // (partner, lane_key)
  struct Entry {
    OutboxRecord record;
    int64_t due_ms = 0;  // monotonic ms before which it is not attempted
  };
  using ReadyKey = std::pair<int64_t, std::pair<int64_t, LaneKey>>;  // (due, (head id, lane))
  struct Lane {
    std::map<int64_t, Entry> rows;  // by id: the head is begin()
    bool in_flight = false;
    bool blocked = false;                 // in its partner's blocked list
    std::optional<ReadyKey> ready_entry;  // its entry in ready_, if any
  };
  struct PartnerState {
    size_t in_flight = 0;
    std::vector<LaneKey> blocked;            // due lanes waiting for a partner slot, in order
    std::map<int64_t, std::string> created;  // pending row id -> created_at
  };

  // Puts an idle lane with rows into ready_ at its head's due time (again, if the head changed).
  void schedule(const LaneKey& key, Lane& lane);
  void release(const std::string& partner);  // a slot of `partner` came free

  DeliveryPolicy policy_;
  std::map<LaneKey, Lane> lanes_;
  std::set<ReadyKey> ready_;
  std::map<std::string, PartnerState> partners_;
  std::map<int64_t, LaneKey> where_;  // row id -> its lane
  size_t in_flight_ = 0;
  size_t rows_ = 0;
};

}  // namespace xj::routing
