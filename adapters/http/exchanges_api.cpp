#include "adapters/http/exchanges_api.h"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>

#include "adapters/envelope/exchange_event_codec.h"
#include "adapters/http/exchange_json.h"
#include "adapters/http/http_util.h"
#include "hub/core/log.h"
#include "hub/core/outbox.h"
#include "hub/core/outbox_store.h"
#include "hub/core/partner_directory.h"
#include "hub/core/time_format.h"
#include "routing/exchange/exchange.h"

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

void writePartners(JsonWriter& w, const std::vector<Partner>& ps) {
  w.StartArray();
  for (const auto& p : ps) {
    w.StartObject();
    str(w, "org", p.org);
    str(w, "name", p.name);
    str(w, "capacity", toString(p.capacity));
    w.Key("services");
    w.StartArray();
    for (const auto& s : p.services) w.String(s.c_str());
    w.EndArray();
    w.EndObject();
  }
  w.EndArray();
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

// `names_of`: whose persons' names the reader may see: every side (staff, admin), or only the
// partner's own side (the partner: its own workers, not the county's caseworkers).
void writeTimeline(JsonWriter& w, const std::vector<ExchangeTimelineEntry>& timeline,
                   std::optional<ExchangeSide> names_of) {
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
    if (!t.actor_name.empty() && (!names_of || *names_of == t.side))
      str(w, "actor_name", t.actor_name);
    w.EndObject();
  }
  w.EndArray();
}

// A text field of the referral's body (under `base`); a problem is added when it is missing
// (and required) or not a non-empty string of at most `max_len` bytes.
std::string textField(const rapidjson::Value& obj, const std::string& base, const char* key,
                      bool required, size_t max_len, Problems& problems) {
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
}

// The person's recorded consent (知情同意) is required before anything about them leaves.
void readConsent(const rapidjson::Value& body, ExchangeCommand& cmd, Problems& problems) {
  auto consent = body.FindMember("consent");
  if (consent == body.MemberEnd()) {
    problems.push_back({"/consent", "is required: the person's recorded consent"});
    return;
  }
  if (!consent->value.IsObject()) {
    problems.push_back({"/consent", "must be an object {recorded, by, at, method}"});
    return;
  }
  const auto& c = consent->value;
  auto rec = c.FindMember("recorded");
  if (rec == c.MemberEnd() || !rec->value.IsBool() || !rec->value.GetBool())
    problems.push_back({"/consent/recorded", "must be true: consent must be recorded"});
  textField(c, "/consent", "by", true, 100, problems);
  std::string at = textField(c, "/consent", "at", true, 40, problems);
  if (!at.empty() && !parseRfc3339(at))
    problems.push_back({"/consent/at", "must be an RFC 3339 time"});
  std::string method = textField(c, "/consent", "method", true, 32, problems);
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

// The referral's fields from the body, in the order its problems are reported.
void readReferral(const rapidjson::Value& body, ExchangeCommand& cmd, Problems& problems) {
  for (auto it = body.MemberBegin(); it != body.MemberEnd(); ++it) {
    std::string k = it->name.GetString();
    if (k != "queue" && k != "item" && k != "partner" && k != "need" && k != "consent" &&
        k != "note")
      problems.push_back({"/" + k, "unknown field"});
  }
  cmd.queue = textField(body, "", "queue", true, 64, problems);
  if (auto it = body.FindMember("item"); it == body.MemberEnd())
    problems.push_back({"/item", "is required"});
  else if (!it->value.IsInt64() || it->value.GetInt64() <= 0)
    problems.push_back({"/item", "must be an item id"});
  else
    cmd.item_id = it->value.GetInt64();
  cmd.partner = textField(body, "", "partner", true, 64, problems);
  cmd.need = textField(body, "", "need", true, 64, problems);
  cmd.note = textField(body, "", "note", false, 2000, problems);
  if (!cmd.need.empty() && std::find(kPartnerServices.begin(), kPartnerServices.end(), cmd.need) ==
                               kPartnerServices.end())
    problems.push_back({"/need", "unknown service"});
  readConsent(body, cmd, problems);
}

// An exchange's id from the path: its "ex-..." name or the bare number; -1 for anything else.
int64_t exchangeIdOf(const std::string& segment) {
  int64_t id = exchangeSeqOf(segment);
  if (id < 0 && !parseDecimalId(segment, id)) id = -1;
  return id;
}

}  // namespace

std::optional<Principal> ExchangesApi::caller(const ApiRequest& req, const Reply& reply) {
  auto who = authorize(req, reply, {}, "");  // a valid token of any role; else 401
  if (!who) return std::nullopt;
  if (!isStaff(*who) && who->role != Role::kCharity) {
    log::info("exchange_forbidden", {{"token", who->token_id}, {"reason", "role"}});
    finish(req, reply,
           error(403, "forbidden", "exchanges are for staff, admin and partner charities"));
    return std::nullopt;
  }
  return who;
}

void ExchangesApi::get(ApiRequest req, Reply reply) {
  auto who = caller(req, reply);
  if (!who) return;
  const Principal principal = *who;
  auto shared_req = std::make_shared<ApiRequest>(std::move(req));
  const int64_t id = exchangeIdOf(shared_req->params["id"]);
  if (id < 0) return finish(*shared_req, reply, error(404, "not_found", "no such exchange"));
  bool queued = deps_.work.getExchange(
      id, [this, principal, shared_req, reply](bool ok, std::optional<ExchangeRecord> ex,
                                               std::vector<ExchangeTimelineEntry> tl,
                                               std::vector<ExchangeDelivery> deliveries) {
        if (!ok)
          return finish(*shared_req, reply, error(503, "storage_unavailable", "try again later"));
        if (ex && !inScope(principal, *ex)) {
          log::info("exchange_out_of_scope", {{"token", principal.token_id}, {"id", ex->ex_id}});
          ex.reset();
        }
        if (!ex) return finish(*shared_req, reply, error(404, "not_found", "no such exchange"));
        auto opened = std::make_shared<Opened>(
            Opened{std::move(*ex), std::move(tl), std::move(deliveries), {}});
        // A partner reading the referral it was sent sees the person as its webhook did: the
        // service reads the item's message and keeps the partner's fields. Staff read the
        // person on the item page, which records that read; they get no subject here.
        if (isStaff(principal) || opened->exchange.direction != ExchangeDirection::kOutbound)
          return answerOpened(shared_req, reply, principal, opened);
        bool looked = deps_.service.partnerSubject(
            opened->exchange, [this, shared_req, reply, principal, opened](
                                  bool read, std::string person, std::vector<std::string> keys) {
              if (!read)
                return finish(*shared_req, reply,
                              error(503, "storage_unavailable", "try again later"));
              // Reading the subject is a read of the person's data: the record names them.
              if (!person.empty())
                for (const auto& key : keys) notePerson(*shared_req, key);
              opened->subject_json = std::move(person);
              answerOpened(shared_req, reply, principal, opened);
            });
        if (!looked) finish(*shared_req, reply, error(503, "overloaded", "try again later"));
      });
  if (!queued) finish(*shared_req, reply, error(503, "overloaded", "try again later"));
}

bool ExchangesApi::markOpened(const Principal& principal, std::shared_ptr<Opened> opened,
                              std::function<void()> then) {
  // Only the partner itself opening it, only a pages-only partner, only rows still pending:
  // a second open finds none and writes nothing.
  if (principal.role != Role::kCharity || opened->exchange.partner != principal.org ||
      !deps_.outbox || !deps_.partners)
    return false;
  const DeliveryChannel* channel = deps_.partners()->channelFor(principal.org);
  if (!channel || channel->type != ChannelType::kPoll) return false;
  const std::string at = formatRfc3339(deps_.clock.now());
  std::vector<OutboxOutcome> outcomes;
  for (const auto& d : opened->deliveries)
    if (d.state == "pending")
      outcomes.push_back({d.outbox_id, OutboxState::kDelivered, d.attempts, 0, "", at});
  if (outcomes.empty()) return false;
  // A write job like the dispatcher's outcomes (guarded in SQL: only a pending row changes), so
  // that the reading thread writes nothing. The answer waits for the commit and shows it.
  auto ids = std::make_shared<std::vector<int64_t>>();
  for (const auto& o : outcomes) ids->push_back(o.id);
  auto shared = std::make_shared<std::function<void()>>(std::move(then));
  bool queued =
      deps_.outbox->recordOutcomes(std::move(outcomes), [opened, ids, at, shared](bool committed) {
        if (committed)
          for (auto& d : opened->deliveries)
            if (std::find(ids->begin(), ids->end(), d.outbox_id) != ids->end()) {
              d.state = "delivered";
              d.delivered_at = at;
              d.updated_at = at;
            }
        (*shared)();
      });
  // The writer's queue is full: answer what was read; the next open marks them.
  return queued;
}

void ExchangesApi::answerOpened(std::shared_ptr<ApiRequest> req, const Reply& reply,
                                const Principal& principal, std::shared_ptr<Opened> opened) {
  auto answer = [this, req, reply, principal, opened] {
    answerExchange(*req, reply, principal, *opened);
  };
  if (!markOpened(principal, opened, answer)) answer();
}

void ExchangesApi::answerExchange(const ApiRequest& req, const Reply& reply,
                                  const Principal& principal, const Opened& opened) {
  const bool staff = isStaff(principal);
  const ExchangeRecord& ex = opened.exchange;
  rapidjson::StringBuffer buf;
  JsonWriter w(buf);
  w.StartObject();
  w.Key("exchange");
  writeExchange(w, ex, staff, daysLeft());
  if (!opened.subject_json.empty()) {
    rapidjson::Document subject;
    subject.Parse(opened.subject_json.c_str());
    if (!subject.HasParseError()) {
      w.Key("subject");
      subject.Accept(w);
    }
  }
  w.Key("timeline");
  // inScope() let only staff, admin and the exchange's own partner this far.
  std::optional<ExchangeSide> names_of;
  if (!staff) names_of = routing::sideOf(ex.direction, ExchangeParty::kPartner);
  writeTimeline(w, opened.timeline, names_of);
  // Whoever may see the exchange sees how its messages to the partner went (no bodies):
  // a township caseworker included, who has no access to the county's outbox.
  w.Key("deliveries");
  writeDeliveries(w, opened.deliveries);
  // A partner that turned the referral down for capacity: the next candidates, so that
  // the caseworker can refer the person on at once.
  if (auto next = staff ? deps_.service.nextCandidates(ex) : std::nullopt) {
    w.Key("next_candidates");
    writePartners(w, *next);
  }
  w.EndObject();
  finish(req, reply, ApiResponse{200, {buf.GetString(), buf.GetSize()}, "application/json", {}});
}

void ExchangesApi::list(ApiRequest request, Reply reply) {
  auto who = caller(request, reply);
  if (!who) return;
  const Principal principal = *who;
  auto req = std::make_shared<ApiRequest>(std::move(request));
  ExchangeQuery q;
  if (principal.role == Role::kCharity) q.partner = principal.org;
  if (principal.role == Role::kStaff) q.townships = principal.townships;
  Problems problems;
  int64_t limit = 50;
  for (const auto& [k, v] : parseQuery(req->target)) {
    if (k == "after") {
      if (!parseDecimalId(v, q.after))
        problems.push_back({"after", "must be an exchange id cursor"});
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
    for (const auto& ex : *list) writeExchange(w, ex, staff, daysLeft());
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

void ExchangesApi::suggestions(ApiRequest request, Reply reply) {
  auto who = caller(request, reply);
  if (!who) return;
  const Principal principal = *who;
  auto req = std::make_shared<ApiRequest>(std::move(request));
  if (!isStaff(principal))
    return finish(*req, reply, error(403, "forbidden", "suggestions are for staff and admin"));
  auto q = parseQuery(req->target);
  Problems problems;
  auto table = deps_.reception.routes().get();
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
  if (!maySeeQueue(principal, *queue))
    return finish(*req, reply, error(403, "forbidden", "this queue is outside your townships"));
  bool queued = deps_.work.getItem(
      queue->id, item,
      [this, req, reply, need](bool ok, std::optional<ItemRecord> it, std::vector<HistoryEntry>) {
        if (!ok) return finish(*req, reply, error(503, "storage_unavailable", "try again later"));
        if (!it) return finish(*req, reply, error(404, "not_found", "no such item in this queue"));
        rapidjson::StringBuffer buf;
        JsonWriter w(buf);
        w.StartObject();
        str(w, "township", it->township);
        if (!need.empty()) str(w, "need", need);
        w.Key("partners");
        writePartners(w, deps_.service.suggestPartners(it->township, need));
        w.EndObject();
        finish(*req, reply,
               ApiResponse{200, {buf.GetString(), buf.GetSize()}, "application/json", {}});
      });
  if (!queued) finish(*req, reply, error(503, "overloaded", "try again later"));
}

DaysLeft ExchangesApi::daysLeft() const {
  return [this](const std::string& due) { return deps_.service.workingDaysLeft(due); };
}

void ExchangesApi::exchangeDone(const ApiRequest& req, const Reply& reply,
                                const ExchangeCommandResult& r, int ok_status, bool staff) {
  switch (r.outcome) {
    case ExchangeCommandOutcome::kOk: {
      // The access record names the item and the exchange, so that both files' records show
      // this change (GET /v1/audit?item= and ?exchange=), a referral out included.
      req.access->objects = "exchange=" + std::to_string(r.exchange.exchange_id);
      if (r.exchange.item_id > 0)
        req.access->objects += " item=" + std::to_string(r.exchange.item_id);
      rapidjson::StringBuffer buf;
      JsonWriter w(buf);
      w.StartObject();
      w.Key("exchange");
      writeExchange(w, r.exchange, staff, daysLeft());
      w.EndObject();
      ApiResponse res{ok_status, {buf.GetString(), buf.GetSize()}, "application/json", {}};
      if (r.replayed) res.headers.emplace_back("Idempotent-Replayed", "true");
      return finish(req, reply, std::move(res));
    }
    case ExchangeCommandOutcome::kNotFound:
      return finish(req, reply, error(404, "not_found", "no such exchange or item"));
    case ExchangeCommandOutcome::kConflict: {
      auto res = error(409, "illegal_transition", r.problem, {{r.path, r.problem}});
      res.body.pop_back();
      res.body += ",\"state\":\"" + std::string(toString(r.exchange.state)) + "\"}";
      return finish(req, reply, std::move(res));
    }
    case ExchangeCommandOutcome::kEventIdReused:
      return finish(req, reply,
                    error(409, "idempotency_conflict",
                          "the event id was used for another event; nothing was changed",
                          {{r.path, r.problem}}));
    case ExchangeCommandOutcome::kUnavailable: {
      auto res = error(503, "storage_unavailable", "nothing was changed; try again later");
      res.headers.emplace_back("Retry-After", "5");
      return finish(req, reply, std::move(res));
    }
  }
}

void ExchangesApi::event(ApiRequest request, Reply reply) {
  auto who = caller(request, reply);
  if (!who) return;
  const Principal principal = *who;
  auto req = std::make_shared<ApiRequest>(std::move(request));
  const int64_t id = exchangeIdOf(req->params["id"]);
  if (id < 0) return finish(*req, reply, error(404, "not_found", "no such exchange"));
  if (!isJsonContentType(req->content_type)) {
    countRejected("unsupported_media_type");
    return finish(*req, reply,
                  error(415, "unsupported_media_type", "Content-Type must be application/json"));
  }
  ExchangeCommand cmd;
  Problems problems;
  if (!envelope::parseExchangeEventJson(req->body, cmd, problems, req->idempotency_key)) {
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
  cmd.exchange_id = id;
  cmd.actor = principal.token_id;
  cmd.actor_name = principal.person;
  cmd.caller_org = principal.org;
  if (principal.role == Role::kCharity) {
    cmd.party = ExchangeParty::kPartner;
    cmd.partner_org = principal.org;
  } else {
    cmd.party = ExchangeParty::kCivilAffairs;
    if (principal.role == Role::kStaff) cmd.townships = principal.townships;
  }
  const bool staff = isStaff(principal);
  bool queued =
      deps_.service.report(std::move(cmd), [this, req, reply, staff](ExchangeCommandResult r) {
        exchangeDone(*req, reply, r, 200, staff);
      });
  if (!queued) finish(*req, reply, error(503, "overloaded", "try again later"));
}

void ExchangesApi::create(ApiRequest request, Reply reply) {
  auto who = caller(request, reply);
  if (!who) return;
  const Principal principal = *who;
  auto req = std::make_shared<ApiRequest>(std::move(request));
  if (!isStaff(principal))
    return finish(*req, reply, error(403, "forbidden", "only staff and admin refer people out"));
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
  ExchangeCommand cmd;
  cmd.actor = principal.token_id;
  cmd.actor_name = principal.person;
  readReferral(body, cmd, problems);
  deps_.service.referOut(
      std::move(cmd), std::move(problems),
      [principal](const routing::Queue& q) { return maySeeQueue(principal, q); },
      [this, req, reply](routing::ReferralAnswer a) { referralDone(*req, reply, a); });
}

void ExchangesApi::referralDone(const ApiRequest& req, const Reply& reply,
                                const routing::ReferralAnswer& a) {
  using Outcome = routing::ReferralAnswer::Outcome;
  switch (a.outcome) {
    case Outcome::kInvalid:
      countRejected("invalid");
      return finish(req, reply,
                    error(400, "invalid_exchange",
                          std::to_string(a.problems.size()) + " problem(s)", a.problems));
    case Outcome::kForbidden:
      return finish(req, reply, error(403, "forbidden", "this queue is outside your townships"));
    case Outcome::kItemNotFound:
      return finish(req, reply, error(404, "not_found", "no such item in this queue"));
    case Outcome::kUnreadable:
      return finish(req, reply, error(503, "storage_unavailable", "try again later"));
    case Outcome::kBusy:
      return finish(req, reply, error(503, "overloaded", "try again later"));
    case Outcome::kDone:
      return exchangeDone(req, reply, a.result, 201, true);  // only staff refer out
  }
}

}  // namespace xj::http
