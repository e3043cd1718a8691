// The outbox: every message that leaves the hub (a referral out, a status change, an outcome, a
// platform upload) is first written as a row, in the same transaction as the change causing it,
// and only then delivered by the partner's channel (the delivery dispatcher, THREADS.md). So a
// change is never stored without its message, nor a message sent about a change that was rolled
// back. Std-only; plain values, safe to copy between threads.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace xj {

// One message to leave the hub, written in the same transaction as the change causing it.
struct OutboundMessage {
  std::string partner;          // partner org from the partner directory; "platform" for the
                                // designated information platform upload
  std::string lane_key;         // ordering key: same (partner, lane_key) => delivered in order
                                // (the exchange id, e.g. "ex-42"; the person key for uploads)
  std::string kind;             // "exchange.referral" | "exchange.status" | "exchange.outcome"
                                // | "platform.category_change"
  std::string idempotency_key;  // unique per message, e.g. "ex-42-7" (exchange id, timeline seq)
  std::string body_json;        // the payload, already minimised by the caller
  std::string created_at;       // RFC 3339
};

// Where an outbox row is. Every row ends `delivered` or `dead`; until then it is `pending`
// (waiting for its turn, its next attempt, or in flight). A dead row goes back to `pending` only
// by a staff replay.
enum class OutboxState { kPending, kDelivered, kDead };

inline const char* toString(OutboxState s) {
  switch (s) {
    case OutboxState::kPending:
      return "pending";
    case OutboxState::kDelivered:
      return "delivered";
    case OutboxState::kDead:
      return "dead";
  }
  return "pending";
}

inline std::optional<OutboxState> parseOutboxState(const std::string& s) {
  if (s == "pending") return OutboxState::kPending;
  if (s == "delivered") return OutboxState::kDelivered;
  if (s == "dead") return OutboxState::kDead;
  return std::nullopt;
}

// A stored outbox row as the dispatcher and the staff listing see it.
struct OutboxRecord {
  int64_t id = 0;
  OutboundMessage message;
  OutboxState state = OutboxState::kPending;
  int attempts = 0;             // delivery attempts made so far
  int64_t next_attempt_ms = 0;  // Unix ms before which no attempt is made (backoff)
  std::string last_error;       // the last failed attempt's outcome, e.g. "http 500", "timeout"
  std::string updated_at;       // RFC 3339
  std::string delivered_at;     // RFC 3339, when delivered
};

// What one attempt came to, to be written to its row. `state` kPending means "failed, try again
// at next_attempt_ms"; kDelivered and kDead are final.
struct OutboxOutcome {
  int64_t id = 0;
  OutboxState state = OutboxState::kPending;
  int attempts = 0;
  int64_t next_attempt_ms = 0;
  std::string error;  // empty when delivered
  std::string at;     // RFC 3339
};

enum class ReplayResult { kReplayed, kNotFound, kNotDead, kFailed };

// What a staff replay of a dead row came to, and the row made pending again (kReplayed).
struct OutboxReplay {
  ReplayResult result = ReplayResult::kFailed;
  std::optional<OutboxRecord> row;
};

}  // namespace xj
