#include "adapters/envelope/outbound_codec.h"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <string_view>

namespace xj::envelope {
namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

void text(Writer& w, const char* key, std::string_view v) {
  w.Key(key);
  w.String(v.data(), static_cast<rapidjson::SizeType>(v.size()));
}

// Stored JSON (the minimised person, the consent as given) goes in as it is; absent: {}.
void raw(Writer& w, const char* key, const std::string& json) {
  w.Key(key);
  if (json.empty())
    w.RawValue("{}", 2, rapidjson::kObjectType);
  else
    w.RawValue(json.data(), json.size(), rapidjson::kObjectType);
}

class JsonOutboundBodies final : public routing::OutboundBodies {
 public:
  std::string referral(const ExchangeRecord& ex, const ExchangeCommand& cmd) const override {
    rapidjson::StringBuffer buf;
    Writer w(buf);
    w.StartObject();
    text(w, "exchange", ex.ex_id);
    text(w, "direction", toString(ex.direction));
    w.Key("seq");
    w.Int64(ex.timeline_seq);
    text(w, "event", "created");
    text(w, "state", toString(ex.state));
    text(w, "need", ex.need);
    text(w, "township", ex.township);
    raw(w, "person", cmd.person_json);
    raw(w, "consent", cmd.consent_json);
    if (!ex.due.empty()) text(w, "answer_by", ex.due);
    if (!cmd.note.empty()) text(w, "note", cmd.note);
    text(w, "at", cmd.at);
    w.EndObject();
    return {buf.GetString(), buf.GetSize()};
  }

  std::string exchangeStatus(const ExchangeRecord& ex,
                             const ExchangeTimelineEntry& t) const override {
    rapidjson::StringBuffer buf;
    Writer w(buf);
    w.StartObject();
    text(w, "exchange", ex.ex_id);
    text(w, "direction", toString(ex.direction));
    w.Key("seq");
    w.Int64(t.seq);
    text(w, "event", t.event);
    text(w, "by", toString(t.side));
    text(w, "from_state", t.from_state);
    text(w, "state", t.to_state);
    if (!ex.partner_ref.empty()) text(w, "your_id", ex.partner_ref);
    if (!t.reason.empty()) text(w, "reason", t.reason);
    if (!t.outcome.empty()) text(w, "outcome", t.outcome);
    if (!t.note.empty()) text(w, "note", t.note);
    text(w, "at", t.at);
    w.EndObject();
    return {buf.GetString(), buf.GetSize()};
  }

  std::string categoryChange(const routing::CategoryChange& c) const override {
    rapidjson::StringBuffer buf;
    Writer w(buf);
    w.StartObject();
    text(w, "person_key", c.person_key);
    if (c.id_number) text(w, "id_number", *c.id_number);
    if (c.township) text(w, "township", *c.township);
    if (c.village) text(w, "village", *c.village);
    text(w, "previous_category", c.previous_category);
    text(w, "category", c.category);
    text(w, "change", c.change);
    text(w, "effective_date", c.effective_date);
    w.Key("item_id");
    w.Int64(c.item_id);
    text(w, "outcome", c.outcome);
    text(w, "reason", c.reason);
    text(w, "at", c.at);
    w.EndObject();
    return {buf.GetString(), buf.GetSize()};
  }
};

}  // namespace

const routing::OutboundBodies& outboundBodies() {
  static const JsonOutboundBodies bodies;
  return bodies;
}

std::string encodePerson(const std::string& payload, const routing::PersonFields& fields,
                         const std::string& need) {
  rapidjson::Document msg;
  msg.Parse(payload.c_str());
  const bool object = !msg.HasParseError() && msg.IsObject();
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  w.StartObject();
  if (object && msg.HasMember("subject") && msg["subject"].IsObject()) {
    const auto& s = msg["subject"];
    for (const auto& f : fields.subject) {
      auto it = s.FindMember(f.c_str());
      if (it == s.MemberEnd() || !it->value.IsString()) continue;
      w.Key(f.c_str());
      w.String(it->value.GetString());
    }
    if (fields.household && s.HasMember("household")) {
      w.Key("household");
      s["household"].Accept(w);
    }
  }
  if (fields.needs) {
    w.Key("needs");
    w.StartArray();
    if (!need.empty()) w.String(need.c_str());
    if (object && msg.HasMember("body") && msg["body"].IsObject() &&
        msg["body"].HasMember("needs") && msg["body"]["needs"].IsArray())
      for (const auto& n : msg["body"]["needs"].GetArray())
        if (n.IsString() && need != n.GetString()) w.String(n.GetString());
    w.EndArray();
  }
  w.EndObject();
  return {buf.GetString(), buf.GetSize()};
}

}  // namespace xj::envelope
