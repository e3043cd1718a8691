#include "adapters/envelope/receipt_codec.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "adapters/envelope/problems_json.h"

namespace xj::envelope {
namespace {

const char* statusName(ReceiptStatus s) {
  switch (s) {
    case ReceiptStatus::kAccepted:
      return "accepted";
    case ReceiptStatus::kConflict:
      return "conflict";
    case ReceiptStatus::kRejected:
      return "rejected";
    case ReceiptStatus::kUnavailable:
      return "unavailable";
  }
  return "unavailable";
}

template <class Writer>
void string(Writer& w, const char* key, const std::string& value) {
  w.Key(key);
  w.String(value.c_str(), static_cast<rapidjson::SizeType>(value.size()));
}

}  // namespace

std::string encodeReceipt(const WireReceipt& r) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  w.StartObject();
  w.Key("id");
  if (r.id.empty()) {
    w.Null();
  } else {
    w.String(r.id.c_str(), static_cast<rapidjson::SizeType>(r.id.size()));
  }
  w.Key("status");
  w.String(statusName(r.status));
  if (r.stored) {
    string(w, "hub_id", r.stored->hub_id);
    string(w, "source", r.stored->source);
    string(w, "kind", std::string(toString(r.stored->kind)));
    string(w, "received_at", r.stored->received_at);
  }
  if (r.duplicate) {
    w.Key("duplicate");
    w.Bool(true);
  }
  if (!r.message.empty()) string(w, "message", r.message);
  writeProblems(w, r.problems);
  w.EndObject();
  return {buf.GetString(), buf.GetSize()};
}

WireReceipt receiptFor(const IngestResult& r) {
  WireReceipt out;
  out.id = r.receipt.message_id;
  switch (r.outcome) {
    case IngestOutcome::kAccepted:
      out.status = ReceiptStatus::kAccepted;
      out.stored = &r.receipt;
      break;
    case IngestOutcome::kDuplicate:
      out.status = ReceiptStatus::kAccepted;
      out.stored = &r.receipt;
      out.duplicate = true;
      out.message = "already accepted: the original receipt";
      break;
    case IngestOutcome::kConflict:
      out.status = ReceiptStatus::kConflict;
      out.stored = &r.receipt;
      out.message = "this id was already used for a different message";
      break;
    case IngestOutcome::kUnavailable:
      out.status = ReceiptStatus::kUnavailable;
      out.message = "not stored: send it again later";
      break;
  }
  return out;
}

}  // namespace xj::envelope
