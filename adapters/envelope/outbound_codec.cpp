#include "adapters/envelope/outbound_codec.h"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace xj::envelope {

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
