#include "adapters/envelope/exchange_event_codec.h"

#include <rapidjson/document.h>

#include "routing/exchange/exchange.h"

namespace xj::envelope {

bool parseExchangeEventJson(const std::string& text, ExchangeCommand& cmd, Problems& problems) {
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
  return problems.empty();
}

}  // namespace xj::envelope
