// Exchanges over HTTP (issue 11): referrals out to partner organisations, the reports of either
// side, and the lists each side may see. Scope: a charity token sees and reports on only the
// exchanges it is party to; staff those of their townships (county staff and admin all). Anything
// outside the caller's scope is a 404, like an unknown id (exchange ids are sequential). Every
// change goes through the store's writer and routing/exchange's one transition table; what
// leaves for the partner is written to the outbox in the same transaction.
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>

#include "adapters/envelope/exchange_event_codec.h"
#include "adapters/http/api.h"
#include "adapters/http/exchange_json.h"
#include "adapters/http/http_util.h"
#include "hub/core/log.h"
#include "hub/core/time_format.h"
#include "routing/exchange/exchange.h"
#include "routing/exchange/exchange_report.h"
#include "routing/rules/date.h"

namespace xj::http {
namespace {

using JsonWriter = rapidjson::Writer<rapidjson::StringBuffer>;

void str(JsonWriter& w, const char* k, std::string_view v) {
  w.Key(k);
  w.String(v.data(), static_cast<rapidjson::SizeType>(v.size()));
}

bool isStaff(const Principal& p) { return p.role == Role::kStaff || p.role == Role::kAdmin; }

bool inScope(const Principal& p, const ExchangeRecord& ex) {
  if (p.role == Role::kAdmin) return true;
  if (p.role == Role::kCharity) return ex.partner == p.org;
  if (p.role != Role::kStaff) return false;
  return p.townships.empty() ||
         std::find(p.townships.begin(), p.townships.end(), ex.township) != p.townships.end();
}

bool canSeeQueue(const Principal& p, const routing::Queue& q) {
  if (p.role == Role::kAdmin) return true;
  if (p.role != Role::kStaff) return false;
  if (p.townships.empty()) return true;
  return !q.township.empty() &&
         std::find(p.townships.begin(), p.townships.end(), q.township) != p.townships.end();
}

// Partners that serve `township` and offer `need` (any need when empty) and are not full:
// those with room first, then those with a waiting list, in directory order.
std::vector<const Partner*> suggest(const PartnerDirectory& dir, const std::string& township,
                                    const std::string& need, const std::string& except = "") {
  std::vector<const Partner*> out;
  for (auto cap : {PartnerCapacity::kAvailable, PartnerCapacity::kWaitlist})
    for (const auto& p : dir.partners)
      if (p.capacity == cap && p.org != except && p.servesTownship(township) &&
          (need.empty() || p.offers(need)))
        out.push_back(&p);
  return out;
}

void writePartners(JsonWriter& w, const std::vector<const Partner*>& ps) {
  w.StartArray();
  for (const auto* p : ps) {
    w.StartObject();
    str(w, "org", p->org);
    str(w, "name", p->name);
    str(w, "capacity", toString(p->capacity));
    w.Key("services");
    w.StartArray();
    for (const auto& s : p->services) w.String(s.c_str());
    w.EndArray();
    w.EndObject();
  }
  w.EndArray();
}

// A rejection for capacity: the reason names it (the partner is full or has a waiting list).
bool capacityReason(const std::string& reason) {
  return reason.find("capacity") != std::string::npos || reason == "full" || reason == "waitlist";
}

void writeDeliveries(JsonWriter& w, const std::vector<ExchangeDelivery>& deliveries) {
  w.StartArray();
  for (const auto& d : deliveries) {
    w.StartObject();
    w.Key("id");  // the outbox row, as GET /v1/outbox and its replay name it
    w.Int64(d.outbox_id);
    w.Key("kind");
    w.String(d.kind.c_str());
    w.Key("state");
    w.String(d.state.c_str());
    w.Key("attempts");
    w.Int(d.attempts);
    w.Key("last_error");
    w.String(d.last_error.c_str());
    w.Key("created_at");
    w.String(d.created_at.c_str());
    w.Key("updated_at");
    w.String(d.updated_at.c_str());
    w.Key("delivered_at");
    if (d.delivered_at.empty())
      w.Null();
    else
      w.String(d.delivered_at.c_str());
    w.EndObject();
  }
  w.EndArray();
}

void writeTimeline(JsonWriter& w, const std::vector<ExchangeTimelineEntry>& timeline) {
  w.StartArray();
  for (const auto& t : timeline) {
    w.StartObject();
    w.Key("seq");
    w.Int64(t.seq);
    str(w, "at", t.at);
    str(w, "actor", t.actor);
    str(w, "side", toString(t.side));
    str(w, "event", t.event);
    str(w, "from_state", t.from_state);
    str(w, "to_state", t.to_state);
    if (!t.reason.empty()) str(w, "reason", t.reason);
    if (!t.outcome.empty()) str(w, "outcome", t.outcome);
    if (!t.note.empty()) str(w, "note", t.note);
    w.EndObject();
  }
  w.EndArray();
}

// The person as the partner may see them: only the fields its directory entry allows.
std::string minimisedPerson(const std::string& payload, const Partner& partner,
                            const std::string& need) {
  rapidjson::Document msg;
  msg.Parse(payload.c_str());
  rapidjson::StringBuffer buf;
  JsonWriter w(buf);
  w.StartObject();
  if (!msg.HasParseError() && msg.IsObject() && msg.HasMember("subject") &&
      msg["subject"].IsObject()) {
    const auto& s = msg["subject"];
    for (const char* f : {"name", "phone", "id_number", "township", "village", "address"}) {
      if (!partner.mayReceive(f) || !s.HasMember(f) || !s[f].IsString()) continue;
      str(w, f, s[f].GetString());
    }
    if (partner.mayReceive("household") && s.HasMember("household")) {
      w.Key("household");
      s["household"].Accept(w);
    }
  }
  if (partner.mayReceive("needs")) {
    w.Key("needs");
    w.StartArray();
    if (!need.empty()) w.String(need.c_str());
    if (!msg.HasParseError() && msg.IsObject() && msg.HasMember("body") && msg["body"].IsObject() &&
        msg["body"].HasMember("needs") && msg["body"]["needs"].IsArray())
      for (const auto& n : msg["body"]["needs"].GetArray())
        if (n.IsString() && need != n.GetString()) w.String(n.GetString());
    w.EndArray();
  }
  w.EndObject();
  return {buf.GetString(), buf.GetSize()};
}

}  // namespace

void writeExchange(jsonout::Writer& w, const ExchangeRecord& ex, bool staff) {
  w.StartObject();
  str(w, "id", ex.ex_id);
  str(w, "direction", toString(ex.direction));
  str(w, "partner", ex.partner);
  str(w, "state", toString(ex.state));
  // The side the partner plays: what it may report is in the transition table for that side.
  str(w, "partner_side", toString(routing::sideOf(ex.direction, ExchangeParty::kPartner)));
  str(w, "township", ex.township);
  if (!ex.need.empty()) str(w, "need", ex.need);
  if (!ex.partner_ref.empty()) str(w, "partner_ref", ex.partner_ref);
  if (!ex.reason.empty()) str(w, "reason", ex.reason);
  if (!ex.outcome.empty()) str(w, "outcome", ex.outcome);
  if (!ex.due.empty()) str(w, "answer_due", ex.due);
  if (staff) {
    str(w, "queue", ex.queue);
    w.Key("item_id");
    w.Int64(ex.item_id);
    char buf[32];
    std::snprintf(buf, sizeof buf, "xj-%010lld", static_cast<long long>(ex.hub_seq));
    str(w, "hub_id", buf);
    str(w, "created_by", ex.created_by);
    if (!ex.consent_json.empty()) {
      rapidjson::Document c;
      c.Parse(ex.consent_json.c_str());
      if (!c.HasParseError()) {
        w.Key("consent");
        c.Accept(w);
      }
    }
  }
  str(w, "created_at", ex.created_at);
  str(w, "updated_at", ex.updated_at);
  w.Key("legal_moves");
  w.StartArray();
  for (const auto& m : routing::legalMoves(ex.state)) w.String(m.c_str());
  w.EndArray();
  w.EndObject();
}

void Api::exchanges(const std::string& path, ApiRequest req, Reply reply) {
  auto who = authorize(req, reply, {}, "");  // a valid token of any role; else 401
  if (!who) return;
  const Principal principal = *who;
  auto parts = splitPath(path);  // v1 exchanges [suggestions | id [events]]
  const bool staff = isStaff(principal);
  if (!staff && principal.role != Role::kCharity) {
    log::info("exchange_forbidden", {{"token", principal.token_id}, {"reason", "role"}});
    return finish(req, reply,
                  error(403, "forbidden", "exchanges are for staff, admin and partner charities"));
  }
  auto shared_req = std::make_shared<ApiRequest>(std::move(req));
  if (parts.size() == 2 && shared_req->method == "POST") {
    if (!staff)
      return finish(*shared_req, reply,
                    error(403, "forbidden", "only staff and admin refer people out"));
    return createExchange(principal, shared_req, reply);
  }
  if (parts.size() == 2) return listExchanges(principal, shared_req, reply);
  if (parts.size() == 3 && parts[2] == "suggestions") {
    if (!staff)
      return finish(*shared_req, reply,
                    error(403, "forbidden", "suggestions are for staff and admin"));
    return suggestions(principal, shared_req, reply);
  }
  int64_t id = exchangeSeqOf(parts[2]);
  if (id < 0 && !parseDecimalId(parts[2], id)) id = -1;
  if (id < 0) return finish(*shared_req, reply, error(404, "not_found", "no such exchange"));
  if (parts.size() == 4) return exchangeEvent(principal, id, shared_req, reply);
  bool queued = deps_.work.getExchange(
      id, [this, principal, staff, shared_req, reply](bool ok, std::optional<ExchangeRecord> ex,
                                                      std::vector<ExchangeTimelineEntry> tl,
                                                      std::vector<ExchangeDelivery> deliveries) {
        if (!ok)
          return finish(*shared_req, reply, error(503, "storage_unavailable", "try again later"));
        if (ex && !inScope(principal, *ex)) {
          log::info("exchange_out_of_scope", {{"token", principal.token_id}, {"id", ex->ex_id}});
          ex.reset();
        }
        if (!ex) return finish(*shared_req, reply, error(404, "not_found", "no such exchange"));
        rapidjson::StringBuffer buf;
        JsonWriter w(buf);
        w.StartObject();
        w.Key("exchange");
        writeExchange(w, *ex, staff);
        w.Key("timeline");
        writeTimeline(w, tl);
        // Whoever may see the exchange sees how its messages to the partner went (no bodies):
        // a township caseworker included, who has no access to the county's outbox.
        w.Key("deliveries");
        writeDeliveries(w, deliveries);
        // A partner that turned the referral down for capacity: the next candidates, so that
        // the caseworker can refer the person on at once.
        if (staff && ex->direction == ExchangeDirection::kOutbound &&
            ex->state == ExchangeState::kRejected && capacityReason(ex->reason)) {
          auto dir = deps_.partners ? deps_.partners() : nullptr;
          if (dir) {
            w.Key("next_candidates");
            writePartners(w, suggest(*dir, ex->township, ex->need, ex->partner));
          }
        }
        w.EndObject();
        finish(*shared_req, reply,
               ApiResponse{200, {buf.GetString(), buf.GetSize()}, "application/json", {}});
      });
  if (!queued) finish(*shared_req, reply, error(503, "overloaded", "try again later"));
}

void Api::listExchanges(const Principal& principal, std::shared_ptr<ApiRequest> req, Reply reply) {
  ExchangeQuery q;
  if (principal.role == Role::kCharity) q.partner = principal.org;
  if (principal.role == Role::kStaff) q.townships = principal.townships;
  Problems problems;
  int64_t limit = 50;
  for (const auto& [k, v] : parseQuery(req->target)) {
    if (k == "after") {
      if (!parseDecimalId(v, q.after)) problems.push_back({"after", "must be an exchange id cursor"});
    } else if (k == "limit") {
      if (!parseDecimalId(v, limit) || limit < 1 || limit > 200)
        problems.push_back({"limit", "must be 1 to 200"});
    } else {
      std::string shown;
      for (char ch : k.substr(0, 40)) shown.push_back(ch >= 0x20 && ch < 0x7f ? ch : '?');
      problems.push_back({shown, "unknown parameter"});
    }
  }
  if (!problems.empty())
    return finish(*req, reply,
                  counted("invalid", error(400, "invalid_query", "bad query", problems)));
  q.limit = static_cast<int>(limit) + 1;
  const bool staff = isStaff(principal);
  bool queued = deps_.work.listExchanges(q, [this, req, reply, staff, limit](
                                                std::optional<std::vector<ExchangeRecord>> list) {
    if (!list) return finish(*req, reply, error(503, "storage_unavailable", "try again later"));
    bool more = static_cast<int64_t>(list->size()) > limit;
    if (more) list->pop_back();
    rapidjson::StringBuffer buf;
    JsonWriter w(buf);
    w.StartObject();
    w.Key("exchanges");
    w.StartArray();
    for (const auto& ex : *list) writeExchange(w, ex, staff);
    w.EndArray();
    w.Key("next_after");
    if (more) {
      w.Int64(list->back().exchange_id);
    } else {
      w.Null();
    }
    w.EndObject();
    finish(*req, reply, ApiResponse{200, {buf.GetString(), buf.GetSize()}, "application/json", {}});
  });
  if (!queued) finish(*req, reply, error(503, "overloaded", "try again later"));
}

void Api::suggestions(const Principal& principal, std::shared_ptr<ApiRequest> req, Reply reply) {
  auto q = parseQuery(req->target);
  Problems problems;
  auto table = deps_.intake.routes().get();
  const routing::Queue* queue = nullptr;
  int64_t item = 0;
  if (!q.count("queue"))
    problems.push_back({"queue", "is required"});
  else if (!(queue = table->findQueue(q["queue"])))
    problems.push_back({"queue", "unknown queue"});
  if (!q.count("item") || !parseDecimalId(q["item"], item))
    problems.push_back({"item", "is required: an item id"});
  std::string need = q.count("need") ? q["need"] : "";
  if (!need.empty() &&
      std::find(kPartnerServices.begin(), kPartnerServices.end(), need) == kPartnerServices.end())
    problems.push_back({"need", "unknown service"});
  if (!problems.empty())
    return finish(*req, reply,
                  counted("invalid", error(400, "invalid_query", "bad query", problems)));
  if (!canSeeQueue(principal, *queue))
    return finish(*req, reply, error(403, "forbidden", "this queue is outside your townships"));
  bool queued = deps_.work.getItem(
      queue->id, item,
      [this, req, reply, need](bool ok, std::optional<ItemRecord> it, std::vector<HistoryEntry>) {
        if (!ok) return finish(*req, reply, error(503, "storage_unavailable", "try again later"));
        if (!it) return finish(*req, reply, error(404, "not_found", "no such item in this queue"));
        auto dir = deps_.partners ? deps_.partners() : nullptr;
        rapidjson::StringBuffer buf;
        JsonWriter w(buf);
        w.StartObject();
        str(w, "township", it->township);
        if (!need.empty()) str(w, "need", need);
        w.Key("partners");
        if (dir) {
          writePartners(w, suggest(*dir, it->township, need));
        } else {
          w.StartArray();
          w.EndArray();
        }
        w.EndObject();
        finish(*req, reply,
               ApiResponse{200, {buf.GetString(), buf.GetSize()}, "application/json", {}});
      });
  if (!queued) finish(*req, reply, error(503, "overloaded", "try again later"));
}

void Api::createExchange(const Principal& principal, std::shared_ptr<ApiRequest> req, Reply reply) {
  if (!isJsonContentType(req->content_type)) {
    countRejected("unsupported_media_type");
    return finish(*req, reply,
                  error(415, "unsupported_media_type", "Content-Type must be application/json"));
  }
  rapidjson::Document body;
  body.Parse<rapidjson::kParseValidateEncodingFlag | rapidjson::kParseIterativeFlag>(
      req->body.c_str(), req->body.size());
  if (body.HasParseError() || !body.IsObject()) {
    countRejected("malformed");
    return finish(
        *req, reply,
        error(400, "malformed_json", "1 problem(s)", {{"", "the body must be a JSON object"}}));
  }
  Problems problems;
  auto text = [&](const rapidjson::Value& obj, const std::string& base, const char* key,
                  bool required, size_t max_len = 200) -> std::string {
    auto it = obj.FindMember(key);
    if (it == obj.MemberEnd()) {
      if (required) problems.push_back({base + "/" + key, "is required"});
      return {};
    }
    if (!it->value.IsString() || it->value.GetStringLength() == 0 ||
        it->value.GetStringLength() > max_len) {
      problems.push_back({base + "/" + key, "must be a non-empty string of at most " +
                                                std::to_string(max_len) + " bytes"});
      return {};
    }
    return it->value.GetString();
  };
  for (auto it = body.MemberBegin(); it != body.MemberEnd(); ++it) {
    std::string k = it->name.GetString();
    if (k != "queue" && k != "item" && k != "partner" && k != "need" && k != "consent" &&
        k != "note")
      problems.push_back({"/" + k, "unknown field"});
  }
  ExchangeCommand cmd;
  cmd.kind = ExchangeCommand::Kind::kCreateOutbound;
  cmd.actor = principal.token_id;
  cmd.at = formatRfc3339(deps_.clock.now());
  cmd.queue = text(body, "", "queue", true, 64);
  if (auto it = body.FindMember("item"); it == body.MemberEnd())
    problems.push_back({"/item", "is required"});
  else if (!it->value.IsInt64() || it->value.GetInt64() <= 0)
    problems.push_back({"/item", "must be an item id"});
  else
    cmd.item_id = it->value.GetInt64();
  cmd.partner = text(body, "", "partner", true, 64);
  cmd.need = text(body, "", "need", true, 64);
  cmd.note = text(body, "", "note", false, 2000);
  if (!cmd.need.empty() && std::find(kPartnerServices.begin(), kPartnerServices.end(), cmd.need) ==
                               kPartnerServices.end())
    problems.push_back({"/need", "unknown service"});
  // The person's recorded consent (知情同意) is required before anything about them leaves.
  auto consent = body.FindMember("consent");
  if (consent == body.MemberEnd()) {
    problems.push_back({"/consent", "is required: the person's recorded consent"});
  } else if (!consent->value.IsObject()) {
    problems.push_back({"/consent", "must be an object {recorded, by, at, method}"});
  } else {
    const auto& c = consent->value;
    auto rec = c.FindMember("recorded");
    if (rec == c.MemberEnd() || !rec->value.IsBool() || !rec->value.GetBool())
      problems.push_back({"/consent/recorded", "must be true: consent must be recorded"});
    text(c, "/consent", "by", true, 100);
    std::string at = text(c, "/consent", "at", true, 40);
    if (!at.empty() && !parseRfc3339(at))
      problems.push_back({"/consent/at", "must be an RFC 3339 time"});
    std::string method = text(c, "/consent", "method", true, 32);
    if (!method.empty() && method != "written" && method != "oral" && method != "electronic")
      problems.push_back({"/consent/method", "must be one of: written, oral, electronic"});
    for (auto it = c.MemberBegin(); it != c.MemberEnd(); ++it) {
      std::string k = it->name.GetString();
      if (k != "recorded" && k != "by" && k != "at" && k != "method")
        problems.push_back({"/consent/" + k, "unknown field"});
    }
    rapidjson::StringBuffer buf;
    JsonWriter w(buf);
    c.Accept(w);
    cmd.consent_json.assign(buf.GetString(), buf.GetSize());
  }
  auto dir = deps_.partners ? deps_.partners() : nullptr;
  const Partner* partner = dir && !cmd.partner.empty() ? dir->find(cmd.partner) : nullptr;
  if (!cmd.partner.empty() && !partner)
    problems.push_back({"/partner", "not in the partner directory"});
  if (partner && !cmd.need.empty() && !partner->offers(cmd.need))
    problems.push_back({"/need", "the partner does not offer this service"});
  if (partner && partner->capacity == PartnerCapacity::kFull)
    problems.push_back({"/partner", "the partner has no capacity (full): see suggestions"});
  auto table = deps_.intake.routes().get();
  const routing::Queue* queue = cmd.queue.empty() ? nullptr : table->findQueue(cmd.queue);
  if (!cmd.queue.empty() && !queue) problems.push_back({"/queue", "unknown queue"});
  if (!problems.empty()) {
    countRejected("invalid");
    return finish(
        *req, reply,
        error(400, "invalid_exchange", std::to_string(problems.size()) + " problem(s)", problems));
  }
  if (!canSeeQueue(principal, *queue))
    return finish(*req, reply, error(403, "forbidden", "this queue is outside your townships"));
  if (!partner->servesTownship(queue->township.empty() ? "" : queue->township) &&
      !queue->township.empty())
    return finish(*req, reply,
                  counted("invalid", error(400, "invalid_exchange", "1 problem(s)",
                                           {{"/partner", "does not serve the item's township"}})));
  if (partner->accept_within_working_days > 0)
    cmd.due =
        deps_.intake
            .deadline(routing::acceptedOn(deps_.clock.now()), partner->accept_within_working_days)
            .date;
  // Read the item (scope: its queue) and its message, minimise, then write in one transaction.
  Partner partner_copy = *partner;
  auto shared_cmd = std::make_shared<ExchangeCommand>(std::move(cmd));
  bool queued = deps_.work.getItem(
      shared_cmd->queue, shared_cmd->item_id,
      [this, req, reply, shared_cmd, partner_copy](bool ok, std::optional<ItemRecord> item,
                                                   std::vector<HistoryEntry>) {
        if (!ok) return finish(*req, reply, error(503, "storage_unavailable", "try again later"));
        if (!item)
          return finish(*req, reply, error(404, "not_found", "no such item in this queue"));
        if (!partner_copy.servesTownship(item->township))
          return finish(
              *req, reply,
              counted("invalid", error(400, "invalid_exchange", "1 problem(s)",
                                       {{"/partner", "does not serve the item's township"}})));
        bool looked = deps_.store.lookup(
            item->hub_id, "",
            [this, req, reply, shared_cmd, partner_copy](std::optional<StoredMessage> m, bool ok2) {
              if (!ok2 || !m)
                return finish(*req, reply, error(503, "storage_unavailable", "try again later"));
              shared_cmd->person_json = minimisedPerson(m->payload, partner_copy, shared_cmd->need);
              bool submitted = deps_.work.submitExchange(
                  *shared_cmd, [this, req, reply](ExchangeCommandResult r) {
                    exchangeDone(*req, reply, r, 201);
                  });
              if (!submitted) finish(*req, reply, error(503, "overloaded", "try again later"));
            });
        if (!looked) finish(*req, reply, error(503, "overloaded", "try again later"));
      });
  if (!queued) finish(*req, reply, error(503, "overloaded", "try again later"));
}

void Api::exchangeDone(const ApiRequest& req, const Reply& reply, const ExchangeCommandResult& r,
                       int ok_status) {
  switch (r.outcome) {
    case ExchangeCommandOutcome::kOk: {
      rapidjson::StringBuffer buf;
      JsonWriter w(buf);
      w.StartObject();
      w.Key("exchange");
      writeExchange(w, r.exchange, true);
      w.EndObject();
      return finish(
          req, reply,
          ApiResponse{ok_status, {buf.GetString(), buf.GetSize()}, "application/json", {}});
    }
    case ExchangeCommandOutcome::kNotFound:
      return finish(req, reply, error(404, "not_found", "no such exchange or item"));
    case ExchangeCommandOutcome::kConflict: {
      auto res = error(409, "illegal_transition", r.problem, {{r.path, r.problem}});
      res.body.pop_back();
      res.body += ",\"state\":\"" + std::string(toString(r.exchange.state)) + "\"}";
      return finish(req, reply, std::move(res));
    }
    case ExchangeCommandOutcome::kUnavailable: {
      auto res = error(503, "storage_unavailable", "nothing was changed; try again later");
      res.headers.emplace_back("Retry-After", "5");
      return finish(req, reply, std::move(res));
    }
  }
}

void Api::exchangeEvent(const Principal& principal, int64_t id, std::shared_ptr<ApiRequest> req,
                        Reply reply) {
  if (req->method != "POST")
    return finish(*req, reply, error(405, "method_not_allowed", "use POST"));
  if (!isJsonContentType(req->content_type)) {
    countRejected("unsupported_media_type");
    return finish(*req, reply,
                  error(415, "unsupported_media_type", "Content-Type must be application/json"));
  }
  ExchangeCommand cmd;
  Problems problems;
  if (!envelope::parseExchangeEventJson(req->body, cmd, problems)) {
    // Bad input like any other: counted, by whether the body was JSON at all.
    const bool malformed = problems.size() == 1 && problems[0].path.empty();
    countRejected(malformed ? "malformed" : "invalid");
    log::info("exchange_event_rejected", {{"token", principal.token_id},
                                          {"reason", malformed ? "malformed" : "invalid"},
                                          {"problems", std::to_string(problems.size())}});
    return finish(
        *req, reply,
        error(400, "invalid_event", std::to_string(problems.size()) + " problem(s)", problems));
  }
  cmd.kind = ExchangeCommand::Kind::kEvent;
  cmd.exchange_id = id;
  cmd.actor = principal.token_id;
  cmd.at = formatRfc3339(deps_.clock.now());
  if (principal.role == Role::kCharity) {
    cmd.party = ExchangeParty::kPartner;
    cmd.partner_org = principal.org;
  } else {
    cmd.party = ExchangeParty::kCivilAffairs;
    if (principal.role == Role::kStaff) cmd.townships = principal.townships;
  }
  bool queued = deps_.work.submitExchange(
      std::move(cmd),
      [this, req, reply](ExchangeCommandResult r) { exchangeDone(*req, reply, r, 200); });
  if (!queued) finish(*req, reply, error(503, "overloaded", "try again later"));
}

// GET /v1/reports/exchanges?from=YYYY-MM-DD&to=YYYY-MM-DD[&format=csv]: the exchanges created
// from the start of `from` to the end of `to` (China Standard Time), by township and partner.
// Staff limited to some townships get those townships' lines only.
void Api::exchangeReport(ApiRequest req, Reply reply) {
  auto who = authorize(req, reply, {}, "");  // a valid token of any role; else 401
  if (!who) return;
  if (!isStaff(*who))
    return finish(req, reply, error(403, "forbidden", "reports are for staff and admin"));
  auto q = parseQuery(req.target);
  Problems problems;
  auto [from, to] = parseDayRange(q, problems);
  const std::string format = q.count("format") ? q["format"] : "json";
  if (format != "json" && format != "csv") problems.push_back({"format", "must be json or csv"});
  if (!problems.empty())
    return finish(req, reply,
                  counted("invalid", error(400, "invalid_query", "bad query", problems)));
  auto shared_req = std::make_shared<ApiRequest>(std::move(req));
  const Principal principal = *who;
  bool queued = deps_.work.exchangeReport(
      from, to,
      [this, shared_req, reply, principal, format, from_day = q["from"],
       to_day = q["to"]](std::optional<std::vector<ExchangeReportRow>> rows) {
        if (!rows)
          return finish(*shared_req, reply, error(503, "storage_unavailable", "try again later"));
        if (principal.role == Role::kStaff && !principal.townships.empty())
          std::erase_if(*rows, [&](const ExchangeReportRow& r) {
            return std::find(principal.townships.begin(), principal.townships.end(), r.township) ==
                   principal.townships.end();
          });
        auto lines = routing::exchangeReport(*rows);
        auto reasons = [](const std::map<std::string, int64_t>& m) {
          std::string out;
          for (const auto& [k, n] : m)
            out += (out.empty() ? "" : ";") + (k.empty() ? std::string("unspecified") : k) + "=" +
                   std::to_string(n);
          return out;
        };
        if (format == "csv") {
          // Reasons are free text from partners: quoted, with quotes doubled.
          auto quoted = [](const std::string& s) {
            std::string out = "\"";
            for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
            return out + "\"";
          };
          std::string csv =
              "township,partner,sent,received,accepted,mean_hours_to_accept,closed,completed,"
              "closure_rate,rejected_reasons,failed_reasons\r\n";
          char buf[64];
          for (const auto& l : lines) {
            csv += l.township + "," + quoted(l.partner) + "," + std::to_string(l.sent) + "," +
                   std::to_string(l.received) + "," + std::to_string(l.accepted) + ",";
            std::snprintf(buf, sizeof buf, "%.1f", l.mean_hours_to_accept);
            csv += std::string(buf) + "," + std::to_string(l.closed) + "," +
                   std::to_string(l.completed) + ",";
            std::snprintf(buf, sizeof buf, "%.3f", l.closure_rate);
            csv += std::string(buf) + "," + quoted(reasons(l.rejected_reasons)) + "," +
                   quoted(reasons(l.failed_reasons)) + "\r\n";
          }
          return finish(*shared_req, reply,
                        ApiResponse{200, std::move(csv), "text/csv; charset=utf-8", {}});
        }
        rapidjson::StringBuffer buf;
        JsonWriter w(buf);
        w.StartObject();
        str(w, "from", from_day);
        str(w, "to", to_day);
        w.Key("lines");
        w.StartArray();
        for (const auto& l : lines) {
          w.StartObject();
          str(w, "township", l.township);
          str(w, "partner", l.partner);
          w.Key("sent");
          w.Int64(l.sent);
          w.Key("received");
          w.Int64(l.received);
          w.Key("accepted");
          w.Int64(l.accepted);
          w.Key("mean_hours_to_accept");
          w.Double(l.mean_hours_to_accept);
          w.Key("closed");
          w.Int64(l.closed);
          w.Key("completed");
          w.Int64(l.completed);
          w.Key("closure_rate");
          w.Double(l.closure_rate);
          for (const auto* m : {&l.rejected_reasons, &l.failed_reasons}) {
            w.Key(m == &l.rejected_reasons ? "rejected_reasons" : "failed_reasons");
            w.StartObject();
            for (const auto& [k, n] : *m) {
              w.Key(k.empty() ? "unspecified" : k.c_str());
              w.Int64(n);
            }
            w.EndObject();
          }
          w.EndObject();
        }
        w.EndArray();
        w.EndObject();
        finish(*shared_req, reply,
               ApiResponse{200, {buf.GetString(), buf.GetSize()}, "application/json", {}});
      });
  if (!queued) finish(*shared_req, reply, error(503, "overloaded", "try again later"));
}

}  // namespace xj::http
