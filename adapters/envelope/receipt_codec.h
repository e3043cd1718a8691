// The receipt: what the hub answers for a message, in one JSON shape for HTTP (the body of a 202,
// a 200 for a resend, a 409) and MQTT (the receipt published after the commit) alike:
//
//   {"id", "status", "hub_id", "source", "kind", "received_at", "duplicate", "message",
//    "problems"}
//
// `id` is the sender's id (null when the message could not be read far enough to find it);
// `status` is accepted, conflict, rejected or unavailable; hub_id, source, kind and received_at
// are those of the stored message (accepted, and conflict: the message that holds the id);
// `duplicate: true` marks a resend answered with the original receipt (status accepted);
// `message` is a short English sentence; `problems` lists every problem as {path, problem}.
// Absent keys are omitted. The status is the receipt's, never the message's later status
// (routed, linked, ...): GET /v1/messages/{id} shows that. Pure; any thread.
#pragma once

#include <string>

#include "hub/core/message.h"
#include "hub/core/problem.h"

namespace xj::envelope {

enum class ReceiptStatus { kAccepted, kConflict, kRejected, kUnavailable };

struct WireReceipt {
  std::string id;  // the sender's id; empty: null
  ReceiptStatus status = ReceiptStatus::kUnavailable;
  const Receipt* stored = nullptr;  // the stored message's, for accepted and conflict
  bool duplicate = false;
  std::string message;
  Problems problems;
};

std::string encodeReceipt(const WireReceipt& r);

// The receipt for a store outcome: accepted (duplicate for a resend), conflict or unavailable.
// `r` must outlive the returned value (it points at r.receipt).
WireReceipt receiptFor(const IngestResult& r);

}  // namespace xj::envelope
