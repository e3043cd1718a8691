// Domain types of an inbound message as the store sees it. Plain values; any thread.
// No wire types here: adapters translate JSON/MQTT <-> these.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hub/core/names.h"
#include "hub/core/work.h"

namespace xj {

// The hub's id of a stored message as the API shows it: "xj-" + its sequence, zero-padded.
inline std::string hubIdOf(int64_t seq) {
  std::string digits = std::to_string(seq);
  return "xj-" + std::string(digits.size() < 10 ? 10 - digits.size() : 0, '0') + digits;
}

// What the hub promises back: only ever produced from committed rows.
struct Receipt {
  std::string hub_id;      // the hub's own id, "xj-" + zero-padded sequence
  std::string message_id;  // the sender's id (idempotency key within its source)
  std::string source;
  MessageKind kind = MessageKind::kTicket;
  std::string received_at;  // RFC 3339 UTC
  std::string status;       // accepted; then routed, linked (repeat call), merged (signal), alerted
};

// One validated message, ready for the writer. `payload` is the normalised JSON document and
// `body_hash` its SHA-256 (hex): the same id with the same hash is a repeat, else a conflict.
struct IngestRecord {
  MessageKind kind = MessageKind::kTicket;
  std::string source;
  std::string message_id;
  std::string township;
  std::string occurred_at;
  std::string received_at;
  std::string body_hash;
  std::string payload;
  WorkPlan plan;  // routing, pre-screen and deadlines, stored in the same transaction
};

// What the intake (routing/intake) needs from a valid envelope besides the record: filled by the
// envelope codec (adapters/envelope) from the wire.
struct MessageFacts {
  std::string id_number;                // normalised (upper-case X); empty if none
  std::string phone_digits;             // the subject's phone, else the caller's; digits only
  std::string urgency;                  // tickets
  std::string ticket_category;          // tickets
  std::string signal;                   // notifications
  std::string household_json;           // subject.household, re-serialised; empty if none
  std::vector<std::string> member_ids;  // valid, normalised ID numbers of household members
};

enum class IngestOutcome {
  kAccepted,     // newly committed
  kDuplicate,    // same id, same body: the original receipt
  kConflict,     // same id, different body
  kUnavailable,  // storage failed or is shutting down; nothing was stored
};

struct IngestResult {
  IngestOutcome outcome = IngestOutcome::kUnavailable;
  Receipt receipt;     // valid for kAccepted and kDuplicate (and kConflict: the stored one)
  std::string detail;  // for kUnavailable: why (no personal data)
};

}  // namespace xj
