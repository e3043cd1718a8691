#include "adapters/http/console_api.h"

#include <algorithm>

#include "adapters/http/http_util.h"
#include "adapters/http/json_out.h"
#include "hub/core/log.h"
#include "hub/core/partner_directory.h"
#include "hub/core/vocabulary.h"

namespace xj::http {
namespace {

void writePlace(jsonout::Writer& w, const std::string& code, const std::string& zh,
                const std::string& en) {
  jsonout::string(w, "code", code);
  jsonout::string(w, "name_zh", zh);
  jsonout::string(w, "name_en", en);
}

// At most this many open items in a hint: a person with more is a case for the staff, not a list.
constexpr int kRepeatHintLimit = 10;

bool inTownships(const Principal& p, const std::string& township) {
  return p.townships.empty() ||
         std::find(p.townships.begin(), p.townships.end(), township) != p.townships.end();
}

// The signal kinds an agency's page offers: its own when the county listed it (partners.jsonc
// `agencies`), else every signal, as POST /v1/notifications then accepts any.
void writeAgencySignals(jsonout::Writer& w, const PartnerDirectory* dir, const std::string& org) {
  const Agency* agency = dir ? dir->findAgency(org) : nullptr;
  w.Key("signals");
  w.StartArray();
  for (const auto& term : vocabulary::kSignalTerms) {
    if (agency && !agency->sends(term.value)) continue;
    w.StartObject();
    jsonout::string(w, "value", term.value);
    jsonout::string(w, "zh", term.zh);
    jsonout::string(w, "en", term.en);
    w.EndObject();
  }
  w.EndArray();
  if (agency) jsonout::string(w, "agency_name", agency->name);
}

}  // namespace

void ConsoleApi::whoami(ApiRequest req, Reply reply) {
  auto who = authorize(req, reply, {}, "whoami");
  if (!who) return;
  auto partners = deps_.partners ? deps_.partners() : nullptr;
  // County-wide: admin, and staff whose token names no township. A sender's scope is its own
  // organisation's messages, not a set of townships: false.
  const bool county_wide =
      who->role == Role::kAdmin || (who->role == Role::kStaff && who->townships.empty());
  replyJson(req, reply, jsonout::document([&](jsonout::Writer& w) {
              w.StartObject();
              jsonout::string(w, "token_id", who->token_id);
              jsonout::string(w, "org", who->org);
              jsonout::string(w, "role", toString(who->role));
              // The token's own person, to its holder: the pages greet and sign with it.
              if (!who->person.empty()) jsonout::string(w, "person", who->person);
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
              if (who->role == Role::kAgency) writeAgencySignals(w, partners.get(), who->org);
              w.EndObject();
            }));
}

void ConsoleApi::directory(ApiRequest req, Reply reply) {
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

// The call form asks while the caller is on the line: does this phone or ID number already have
// an open ticket case that a new call would be linked to? The intake's own linking rule and
// indexed lookups answer, so the hint and what then happens to the ticket agree. The body holds
// personal data: it is never logged, and the answer holds none (no names, no numbers).
void ConsoleApi::repeatCaller(ApiRequest req, Reply reply) {
  auto who = authorize(req, reply, {Role::kHotline, Role::kStaff, Role::kAdmin},
                       "the repeat-caller lookup");
  if (!who) return;
  if (!isJsonContentType(req.content_type)) {
    countRejected("unsupported_media_type");
    return finish(req, reply,
                  error(415, "unsupported_media_type", "Content-Type must be application/json"));
  }
  std::optional<OpenItemQuery> query;
  Problems problems;
  auto parsed = deps_.reception.repeatLookup(req.body, query, problems);
  if (parsed == envelope::ParseOutcome::kMalformed) {
    countRejected("malformed");
    return finish(
        req, reply,
        error(400, "malformed_json", std::to_string(problems.size()) + " problem(s)", problems));
  }
  if (parsed != envelope::ParseOutcome::kOk)
    return replyProblems(req, reply, "invalid_lookup", problems);
  auto shared_req = std::make_shared<ApiRequest>(std::move(req));
  shared_req->body.clear();
  const Principal principal = *who;
  bool queued = deps_.work.findOpenItems(
      *query, kRepeatHintLimit,
      [this, shared_req, reply, principal](std::optional<std::vector<ItemRecord>> items) {
        if (!items) return replyUnavailable(*shared_req, reply, false);
        // Staff of some townships see their townships' items only, as in their queues.
        if (principal.role == Role::kStaff)
          std::erase_if(*items,
                        [&](const ItemRecord& it) { return !inTownships(principal, it.township); });
        replyJson(*shared_req, reply, jsonout::document([&](jsonout::Writer& w) {
          w.StartObject();
          w.Key("open_items");
          w.StartArray();
          for (const auto& it : *items) {
            notePerson(*shared_req, it.id_key);
            w.StartObject();
            jsonout::string(w, "queue", it.queue);
            jsonout::integer(w, "item_id", it.item_id);
            jsonout::string(w, "state", toString(it.state));
            jsonout::string(w, "township", it.township);
            jsonout::string(w, "created_at", it.created_at);
            jsonout::stringOrNull(w, "deadline", it.deadline);
            w.EndObject();
          }
          w.EndArray();
          w.EndObject();
        }));
      });
  if (!queued) replyUnavailable(*shared_req, reply, true);
}

}  // namespace xj::http
