#include "adapters/envelope/exchange_event_codec.h"

#include <rapidjson/document.h>

#include "hub/security/crypto.h"
#include "routing/exchange/exchange.h"

namespace xj::envelope {
namespace {

// An event id is named like a message id: 1 to 64 letters, digits and . _ - :
bool isEventId(const std::string& id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
          c == '_' || c == '-' || c == ':'))
      return false;
  return true;
}
const char* kEventIdRule = "must be 1 to 64 letters, digits and . _ - :";

// The event's fields, each with its length, so that no two different events hash alike.
std::string eventHash(const std::string& event, const std::string& status,
                      const ExchangeCommand& cmd) {
  std::string canon;
  for (const std::string* f : {&event, &status, &cmd.reason, &cmd.outcome, &cmd.note})
    canon += std::to_string(f->size()) + ":" + *f + ";";
  return security::sha256Hex(canon);
}

// The event id from the body's `id` and the transport's (the HTTP Idempotency-Key header): either
// names it; both must name the same.
void readEventId(const rapidjson::Document& body, const std::string& header, ExchangeCommand& cmd,
                 Problems& problems) {
  std::string from_body;
  if (auto it = body.FindMember("id"); it != body.MemberEnd()) {
    if (!it->value.IsString() || !isEventId(it->value.GetString()))
      problems.push_back({"/id", kEventIdRule});
    else
      from_body = it->value.GetString();
  }
  if (!header.empty() && !isEventId(header))
    problems.push_back({"Idempotency-Key", kEventIdRule});
  else if (!header.empty() && !from_body.empty() && header != from_body)
    problems.push_back({"/id", "differs from the Idempotency-Key header: give one, or the same"});
  cmd.event_id = header.empty() ? from_body : header;
}

}  // namespace

bool parseExchangeEventJson(const std::string& text, ExchangeCommand& cmd, Problems& problems,
                            const std::string& idempotency_key) {
  rapidjson::Document body;
  body.Parse<rapidjson::kParseValidateEncodingFlag | rapidjson::kParseIterativeFlag>(text.c_str(),
                                                                                     text.size());
  if (body.HasParseError() || !body.IsObject()) {
    problems.push_back({"", "the body must be a JSON object"});
    return false;
  }
  auto field = [&](const char* key, size_t max_len) -> std::string {
    auto it = body.FindMember(key);
    if (it == body.MemberEnd()) return {};
    if (!it->value.IsString() || it->value.GetStringLength() == 0 ||
        it->value.GetStringLength() > max_len) {
      problems.push_back({std::string("/") + key, "must be a non-empty string of at most " +
                                                      std::to_string(max_len) + " bytes"});
      return {};
    }
    return it->value.GetString();
  };
  std::string event = field("event", 32);
  std::string status = field("status", 32);
  cmd.reason = field("reason", 500);
  cmd.outcome = field("outcome", 500);
  cmd.note = field("note", 2000);
  std::string exchange = field("exchange", 32);  // MQTT: which exchange (HTTP: the path)
  readEventId(body, idempotency_key, cmd, problems);
  for (auto it = body.MemberBegin(); it != body.MemberEnd(); ++it) {
    std::string k = it->name.GetString();
    if (k != "event" && k != "status" && k != "reason" && k != "outcome" && k != "note" &&
        k != "exchange" && k != "id")
      problems.push_back({"/" + k, "unknown field"});
  }
  if (!exchange.empty()) cmd.exchange_id = exchangeSeqOf(exchange);
  if (!exchange.empty() && cmd.exchange_id < 0)
    problems.push_back({"/exchange", "must be an exchange id (ex-N)"});
  if (event.empty() && status.empty()) {
    problems.push_back({"/event", "is required (or /status)"});
  } else if (!event.empty() && !status.empty()) {
    problems.push_back({"/status", "give event or status, not both"});
  } else if (!event.empty()) {
    auto e = parseExchangeEvent(event);
    if (!e) {
      std::string list;
      for (auto x : allExchangeEvents())
        list += (list.empty() ? "" : ", ") + std::string(toString(x));
      problems.push_back({"/event", "must be one of: " + list});
    } else {
      cmd.event = *e;
    }
  } else {
    auto s = parseExchangeState(status);
    if (!s || *s == ExchangeState::kRequested) {
      problems.push_back({"/status",
                          "must be a status to move to: received, accepted, rejected, "
                          "in_progress, on_hold, completed, failed, cancelled, entered_in_error"});
    } else {
      // in_progress is start or resume: the writer cannot be asked here which one, so the
      // status is mapped from the usual previous state and the table checks it. A client that
      // resumes from on_hold by status gets "resume" because start is illegal from on_hold.
      cmd.event = *routing::eventForTarget(ExchangeState::kAccepted, *s);
      cmd.status_target = s;
    }
  }
  cmd.event_hash = eventHash(event, status, cmd);
  return problems.empty();
}

}  // namespace xj::envelope
