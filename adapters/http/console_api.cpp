// What the web console needs beyond the staff and sender endpoints, on the same tokens and
// scopes (the console has no private endpoint): who is signed in, the place pickers, the
// repeat-caller hint of the call form, and the caller organisation's recent messages.
#include "adapters/http/api.h"
#include "adapters/http/json_out.h"

namespace xj::http {
namespace {

void writePlace(jsonout::Writer& w, const std::string& code, const std::string& zh,
                const std::string& en) {
  jsonout::string(w, "code", code);
  jsonout::string(w, "name_zh", zh);
  jsonout::string(w, "name_en", en);
}

}  // namespace

void Api::whoami(ApiRequest req, Reply reply) {
  auto who = authorize(req, reply, {}, "whoami");
  if (!who) return;
  // County-wide: admin, and staff whose token names no township. A sender's scope is its own
  // organisation's messages, not a set of townships: false.
  const bool county_wide =
      who->role == Role::kAdmin || (who->role == Role::kStaff && who->townships.empty());
  replyJson(req, reply, jsonout::document([&](jsonout::Writer& w) {
              w.StartObject();
              jsonout::string(w, "token_id", who->token_id);
              jsonout::string(w, "org", who->org);
              jsonout::string(w, "role", toString(who->role));
              w.Key("townships");
              w.StartArray();
              for (const auto& code : who->townships) {
                w.StartObject();
                // A token may name a township the directory lacks (made before a list change):
                // it is shown by its code rather than dropped.
                const PlaceTownship* t = deps_.places ? deps_.places->find(code) : nullptr;
                writePlace(w, code, t ? t->name_zh : code, t ? t->name_en : code);
                w.EndObject();
              }
              w.EndArray();
              jsonout::boolean(w, "county_wide", county_wide);
              w.EndObject();
            }));
}

void Api::directory(ApiRequest req, Reply reply) {
  if (!authorize(req, reply, {}, "the township directory")) return;
  replyJson(req, reply, jsonout::document([&](jsonout::Writer& w) {
              w.StartObject();
              jsonout::boolean(w, "villages_are_examples",
                               deps_.places && deps_.places->villages_are_examples);
              w.Key("townships");
              w.StartArray();
              if (deps_.places)
                for (const auto& t : deps_.places->townships) {
                  w.StartObject();
                  writePlace(w, t.code, t.name_zh, t.name_en);
                  w.Key("villages");
                  w.StartArray();
                  for (const auto& v : t.villages) {
                    w.StartObject();
                    writePlace(w, v.code, v.name_zh, v.name_en);
                    w.EndObject();
                  }
                  w.EndArray();
                  w.EndObject();
                }
              w.EndArray();
              w.EndObject();
            }));
}

}  // namespace xj::http
