#include "adapters/http/queues_api.h"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>

#include "adapters/http/exchange_json.h"
#include "adapters/http/http_util.h"
#include "hub/core/log.h"
#include "hub/core/vocabulary.h"
#include "routing/queues/item.h"

namespace xj::http {
namespace {

using JsonWriter = rapidjson::Writer<rapidjson::StringBuffer>;

void str(JsonWriter& w, const char* k, std::string_view v) {
  w.Key(k);
  w.String(v.data(), static_cast<rapidjson::SizeType>(v.size()));
}

void writeItem(JsonWriter& w, const ItemRecord& it) {
  w.StartObject();
  w.Key("item_id");
  w.Int64(it.item_id);
  str(w, "queue", it.queue);
  str(w, "item_kind", toString(it.item_kind));
  str(w, "hub_id", it.hub_id);
  str(w, "kind", toString(it.kind));
  str(w, "township", it.township);
  str(w, "category", it.category);
  if (!it.urgency.empty()) str(w, "urgency", it.urgency);
  str(w, "state", toString(it.state));
  w.Key("owner");
  if (it.owner.empty()) {
    w.Null();
  } else {
    w.String(it.owner.c_str());
  }
  w.Key("deadline");
  if (it.deadline.empty()) {
    w.Null();  // calendar_missing: before the first year on file, or after 2100
  } else {
    w.String(it.deadline.c_str());
  }
  // Counted without the year's holiday notice (statutory holidays only); recounted when it is
  // loaded.
  w.Key("deadline_provisional");
  w.Bool(it.deadline_provisional);
  w.Key("overdue");
  w.Bool(it.overdue);
  str(w, "created_at", it.created_at);
  str(w, "updated_at", it.updated_at);
  if (!it.outcome.empty()) str(w, "outcome", it.outcome);
  if (!it.reason_code.empty()) str(w, "reason_code", it.reason_code);
  if (it.parent_item) {
    w.Key("parent_item");
    w.Int64(it.parent_item);
  }
  w.Key("linked_messages");
  w.Int(it.linked_messages);
  w.EndObject();
}

void writeHistory(JsonWriter& w, const std::vector<HistoryEntry>& history) {
  w.StartArray();
  for (const auto& h : history) {
    w.StartObject();
    str(w, "at", h.at);
    str(w, "actor", h.actor);
    str(w, "action", h.action);
    str(w, "from_state", h.from_state);
    str(w, "to_state", h.to_state);
    str(w, "detail", h.detail);
    w.EndObject();
  }
  w.EndArray();
}

std::string itemJson(const ItemRecord& it, const std::vector<HistoryEntry>* history = nullptr,
                     int64_t follow_up = 0) {
  rapidjson::StringBuffer buf;
  JsonWriter w(buf);
  w.StartObject();
  w.Key("item");
  writeItem(w, it);
  if (history) {
    w.Key("history");
    writeHistory(w, *history);
  }
  if (follow_up) {
    w.Key("follow_up_item");
    w.Int64(follow_up);
  }
  w.EndObject();
  return {buf.GetString(), buf.GetSize()};
}

// The item page (console): the item, its history, the message it came from (null when out of
// the caller's scope), the pre-screen decision with its trace (reasons in zh and en; null with
// the message; members named by position), and the exchanges of the item. Stored JSON
// (message, decision) is embedded as it was stored.
std::string itemPageJson(const ItemDetail& d) {
  rapidjson::StringBuffer buf;
  JsonWriter w(buf);
  w.StartObject();
  w.Key("item");
  writeItem(w, d.item);
  w.Key("history");
  writeHistory(w, d.history);
  w.Key("message");
  if (d.message) {
    w.StartObject();
    str(w, "hub_id", d.message->receipt.hub_id);
    str(w, "message_id", d.message->receipt.message_id);
    str(w, "source", d.message->receipt.source);
    str(w, "kind", toString(d.message->receipt.kind));
    str(w, "received_at", d.message->receipt.received_at);
    str(w, "status", d.message->receipt.status);
    w.Key("envelope");
    w.RawValue(d.message->payload.data(), d.message->payload.size(), rapidjson::kObjectType);
    w.EndObject();
  } else {
    w.Null();
  }
  w.Key("decision");
  if (d.prescreen && !d.prescreen->decision_json.empty()) {
    w.StartObject();
    str(w, "category", d.prescreen->category);
    w.Key("tags");
    w.StartArray();
    for (size_t start = 0; start < d.prescreen->tags.size();) {
      size_t end = d.prescreen->tags.find(',', start);
      if (end == std::string::npos) end = d.prescreen->tags.size();
      if (end > start)
        w.String(d.prescreen->tags.data() + start, static_cast<rapidjson::SizeType>(end - start));
      start = end + 1;
    }
    w.EndArray();
    str(w, "rule_set_version", d.prescreen->rule_set_version);
    // Carried: the decision was made for an earlier household description naming this person.
    w.Key("carried_from");
    if (d.prescreen_carried_from) {
      str(w, "hub_id", hubIdOf(d.prescreen_carried_from));
    } else {
      w.Null();
    }
    w.Key("result");  // the rules core's decision; its trace gives each step's reason in zh and en
    w.RawValue(d.prescreen->decision_json.data(), d.prescreen->decision_json.size(),
               rapidjson::kObjectType);
    w.EndObject();
  } else {
    w.Null();  // no household was described: nothing was pre-screened
  }
  w.Key("exchanges");
  w.StartArray();
  for (const auto& ex : d.exchanges) writeExchange(w, ex, true);
  w.EndArray();
  w.EndObject();
  return {buf.GetString(), buf.GetSize()};
}

// The fields of an action's body; every problem is added to `problems`.
class BodyFields {
 public:
  BodyFields(const rapidjson::Value& body, Problems& problems) : body_(body), problems_(problems) {}

  std::string text(const char* key, bool required, size_t max_len = 2000) {
    auto it = body_.FindMember(key);
    if (it == body_.MemberEnd()) {
      if (required) problems_.push_back({std::string("/") + key, "is required"});
      return {};
    }
    if (!it->value.IsString() || it->value.GetStringLength() == 0 ||
        it->value.GetStringLength() > max_len) {
      problems_.push_back({std::string("/") + key, "must be a non-empty string of at most " +
                                                       std::to_string(max_len) + " bytes"});
      return {};
    }
    return it->value.GetString();
  }

  std::string oneOf(const char* key, const std::vector<std::string>& allowed) {
    std::string v = text(key, true, 64);
    if (!v.empty() && std::find(allowed.begin(), allowed.end(), v) == allowed.end()) {
      std::string list;
      for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
      problems_.push_back({std::string("/") + key, "must be one of: " + list});
    }
    return v;
  }

 private:
  const rapidjson::Value& body_;
  Problems& problems_;
};

// Reads the fields of `action` into `ar` and returns the keys its body may hold. What a
// resolution brings with it (the follow-up, the platform upload) is the work service's.
std::vector<std::string> readActionFields(const ApiDeps& deps, const routing::RouteTable& table,
                                          const routing::Queue& queue, const std::string& action,
                                          BodyFields& body, ItemActionRequest& ar,
                                          Problems& problems) {
  if (action == "transfer") {
    ar.target_queue = body.text("to", true, 64);
    ar.text = body.text("reason", true);
    if (!ar.target_queue.empty() && !table.findQueue(ar.target_queue))
      problems.push_back({"/to", "unknown queue"});
    if (ar.target_queue == queue.id) problems.push_back({"/to", "is the item's own queue"});
    return {"to", "reason"};
  }
  if (action == "notes") {
    ar.text = body.text("text", true);
    return {"text"};
  }
  if (action == "reassign") {
    ar.new_owner = body.text("to", true, 64);
    ar.text = body.text("reason", true);
    if (!ar.new_owner.empty()) {
      auto target = deps.tokens.active(ar.new_owner, deps.clock.now());
      if (!target || (target->role != Role::kStaff && target->role != Role::kAdmin))
        problems.push_back({"/to", "must be the id of an active staff or admin token"});
      else if (!maySeeQueue(*target, queue))
        problems.push_back({"/to", "that token may not see this queue (outside its townships)"});
    }
    return {"to", "reason"};
  }
  if (action == "progress") {
    ar.progress_state = parseItemState(body.oneOf("state", {"in_progress", "waiting_on_other"}));
    ar.text = body.text("note", false);
    return {"state", "note"};
  }
  if (action == "resolve") {
    ar.outcome = body.oneOf("outcome", routing::outcomeVocabulary());
    ar.reason_code = body.oneOf("reason_code", routing::reasonCodeVocabulary());
    ar.text = body.text("note", false);
    return {"outcome", "reason_code", "note"};
  }
  return {};  // claim, release: no body fields
}

}  // namespace

std::optional<Principal> QueuesApi::staffCaller(const ApiRequest& req, const Reply& reply) {
  auto who = authorize(req, reply, {}, "");  // a valid token of any role; else 401
  if (!who) return std::nullopt;
  if (who->role != Role::kStaff && who->role != Role::kAdmin) {
    log::info("queue_forbidden", {{"token", who->token_id}, {"reason", "role"}});
    finish(req, reply, error(403, "forbidden", "queues are for staff and admin"));
    return std::nullopt;
  }
  return who;
}

std::optional<QueuesApi::QueueCall> QueuesApi::openQueue(ApiRequest req, const Reply& reply) {
  auto who = staffCaller(req, reply);
  if (!who) return std::nullopt;
  QueueCall call{*who, deps_.reception.routes().get(), nullptr,
                 std::make_shared<ApiRequest>(std::move(req))};
  call.queue = call.table->findQueue(call.req->params["queue"]);
  if (!call.queue) {
    finish(*call.req, reply, error(404, "not_found", "no such queue"));
    return std::nullopt;
  }
  if (!maySeeQueue(call.who, *call.queue)) {
    // Logged with ids only: who (token id) and which queue, never what is in it.
    log::info("queue_forbidden", {{"token", call.who.token_id}, {"queue", call.queue->id}});
    finish(*call.req, reply, error(403, "forbidden", "this queue is outside your townships"));
    return std::nullopt;
  }
  return call;
}

void QueuesApi::list(ApiRequest req, Reply reply) {
  auto who = staffCaller(req, reply);
  if (!who) return;
  auto table = deps_.reception.routes().get();
  auto shared_req = std::make_shared<ApiRequest>(std::move(req));
  const Principal principal = *who;
  bool queued = deps_.work.listQueues(
      [this, table, principal, shared_req, reply](std::optional<std::vector<QueueCount>> counts) {
        if (!counts)
          return finish(*shared_req, reply, error(503, "storage_unavailable", "try again later"));
        rapidjson::StringBuffer buf;
        JsonWriter w(buf);
        w.StartObject();
        w.Key("queues");
        w.StartArray();
        for (const auto& q : table->queues) {
          if (!maySeeQueue(principal, q)) continue;
          const QueueCount* c = nullptr;
          for (const auto& x : *counts)
            if (x.queue == q.id) c = &x;
          w.StartObject();
          str(w, "id", q.id);
          str(w, "name_zh", q.name_zh);
          str(w, "name_en", q.name_en);
          if (!q.township.empty()) str(w, "township", q.township);
          w.Key("open");
          w.Int64(c ? c->open : 0);
          w.Key("overdue");
          w.Int64(c ? c->overdue : 0);
          w.Key("by_state");
          w.StartObject();
          if (c)
            for (const auto& [state, n] : c->by_state) {
              w.Key(state.c_str());
              w.Int64(n);
            }
          w.EndObject();
          w.EndObject();
        }
        w.EndArray();
        w.EndObject();
        finish(*shared_req, reply,
               ApiResponse{200, {buf.GetString(), buf.GetSize()}, "application/json", {}});
      });
  if (!queued) finish(*shared_req, reply, error(503, "overloaded", "try again later"));
}

void QueuesApi::events(ApiRequest req, Reply reply) {
  auto call = openQueue(std::move(req), reply);
  if (!call) return;
  auto q = parseQuery(call->req->target);
  int64_t after = 0, wait = 0;
  Problems problems;
  if (q.count("after") && !parseDecimalId(q["after"], after))
    problems.push_back({"after", "must be a cursor (a non-negative integer)"});
  if (q.count("wait") && (!parseDecimalId(q["wait"], wait) || wait > 30))
    problems.push_back({"wait", "must be 0 to 30 seconds"});
  if (!problems.empty())
    return finish(*call->req, reply,
                  counted("invalid", error(400, "invalid_query", "bad query", problems)));
  return pollEvents(call->queue->id, after,
                    std::chrono::steady_clock::now() + std::chrono::seconds(wait),
                    deps_.work.eventsVersion(), call->req, reply);
}

void QueuesApi::items(ApiRequest req, Reply reply) {
  auto call = openQueue(std::move(req), reply);
  if (!call) return;
  auto shared_req = call->req;
  auto q = parseQuery(shared_req->target);
  ItemQuery query;
  query.queue = call->queue->id;
  Problems problems;
  for (const auto& [k, v] : q) {
    if (k == "state") {
      if (!parseItemState(v))
        problems.push_back({"state",
                            "must be one of new, claimed, in_progress, waiting_on_other, "
                            "resolved, escalated, transferred"});
      query.state = v;
    } else if (k == "overdue") {
      if (v != "true" && v != "false") problems.push_back({"overdue", "must be true or false"});
      query.overdue = v == "true";
    } else if (k == "category") {
      query.category = v;
    } else if (k == "township") {
      query.township = v;
    } else if (k == "text") {
      if (v.size() > 100) problems.push_back({"text", "at most 100 bytes"});
      query.text = v;
    } else if (k == "after") {
      if (!parseDecimalId(v, query.after))
        problems.push_back({"after", "must be an item id cursor"});
    } else if (k == "limit") {
      int64_t l = 0;
      if (!parseDecimalId(v, l) || l < 1 || l > 200)
        problems.push_back({"limit", "must be 1 to 200"});
      query.limit = static_cast<int>(l);
    } else {
      std::string shown;  // the key is the client's bytes: keep the answer valid JSON
      for (char ch : k.substr(0, 40)) shown.push_back(ch >= 0x20 && ch < 0x7f ? ch : '?');
      problems.push_back({shown, "unknown filter"});
    }
  }
  if (!problems.empty())
    return finish(*shared_req, reply,
                  counted("invalid", error(400, "invalid_query", "bad filters", problems)));
  int limit = query.limit;
  query.limit = limit + 1;  // one more tells whether there is a next page
  bool queued = deps_.work.listItems(
      query, [this, shared_req, reply, limit](std::optional<std::vector<ItemRecord>> items) {
        if (!items)
          return finish(*shared_req, reply, error(503, "storage_unavailable", "try again later"));
        bool more = static_cast<int>(items->size()) > limit;
        if (more) items->pop_back();
        rapidjson::StringBuffer buf;
        JsonWriter w(buf);
        w.StartObject();
        w.Key("items");
        w.StartArray();
        for (const auto& it : *items) {
          writeItem(w, it);
          notePerson(*shared_req, it.id_key);
        }
        w.EndArray();
        w.Key("next_after");
        if (more) {
          w.Int64(items->back().item_id);
        } else {
          w.Null();
        }
        w.EndObject();
        finish(*shared_req, reply,
               ApiResponse{200, {buf.GetString(), buf.GetSize()}, "application/json", {}});
      });
  if (!queued) finish(*shared_req, reply, error(503, "overloaded", "try again later"));
}

void QueuesApi::item(ApiRequest req, Reply reply) {
  auto call = openQueue(std::move(req), reply);
  if (!call) return;
  auto shared_req = call->req;
  int64_t item_id = 0;
  if (!parseDecimalId(shared_req->params["item"], item_id))
    return finish(*shared_req, reply, error(404, "not_found", "no such item"));
  bool queued = deps_.work.getItemDetail(
      call->queue->id, item_id,
      [this, shared_req, reply, principal = call->who](bool ok, std::optional<ItemDetail> detail) {
        if (!ok)
          return finish(*shared_req, reply, error(503, "storage_unavailable", "try again later"));
        if (!detail)
          return finish(*shared_req, reply, error(404, "not_found", "no such item in this queue"));
        // The message holds personal data: shown only to whom GET /v1/messages/{id} shows it
        // (an item transferred into a county queue does not widen a township token's scope).
        // The decision is read from the message's household (ages, incomes, assets, the trace):
        // hidden with it.
        if (detail->message && !mayRead(principal, *detail->message)) {
          detail->message.reset();
          detail->prescreen.reset();
          detail->prescreen_carried_from = 0;
        }
        notePerson(*shared_req, detail->item.id_key);
        finish(*shared_req, reply, ApiResponse{200, itemPageJson(*detail), "application/json", {}});
      });
  if (!queued) finish(*shared_req, reply, error(503, "overloaded", "try again later"));
}

void QueuesApi::act(const std::string& action, ApiRequest req, Reply reply) {
  auto call = openQueue(std::move(req), reply);
  if (!call) return;
  int64_t item_id = 0;
  if (!parseDecimalId(call->req->params["item"], item_id))
    return finish(*call->req, reply, error(404, "not_found", "no such item"));
  queueAction(call->who, *call->queue, item_id, action, call->req, reply);
}

void QueuesApi::queueAction(const Principal& who, const routing::Queue& queue, int64_t item,
                            const std::string& action, std::shared_ptr<ApiRequest> req,
                            Reply reply) {
  // Reassigning takes an item from its owner: an admin's move (the owner may have left, their
  // token revoked, and the item would otherwise be stuck for good).
  if (action == "reassign" && who.role != Role::kAdmin) {
    log::info("queue_forbidden", {{"token", who.token_id}, {"reason", "reassign"}});
    return finish(*req, reply, error(403, "forbidden", "only admin may reassign an item"));
  }
  rapidjson::Document body;
  Problems problems;
  if (!req->body.empty()) {
    if (!isJsonContentType(req->content_type))
      return finish(
          *req, reply,
          counted("unsupported_media_type",
                  error(415, "unsupported_media_type", "Content-Type must be application/json")));
    body.Parse<rapidjson::kParseValidateEncodingFlag | rapidjson::kParseIterativeFlag>(
        req->body.c_str(), req->body.size());
    if (body.HasParseError() || !body.IsObject())
      return finish(*req, reply,
                    counted("malformed", error(400, "malformed_json", "1 problem(s)",
                                               {{"", "the body must be a JSON object"}})));
  } else {
    body.SetObject();
  }
  auto table = deps_.reception.routes().get();
  ItemActionRequest ar;
  ar.queue = queue.id;
  ar.item_id = item;
  ar.actor = who.token_id;
  ar.actor_name = who.person;
  // The URL's action names the move; "notes" is the collection a note is added to.
  ar.action = parseItemAction(action == "notes" ? "note" : action).value_or(ItemAction::kNote);
  BodyFields fields(body, problems);
  const std::vector<std::string> allowed_keys =
      readActionFields(deps_, *table, queue, action, fields, ar, problems);
  for (auto it = body.MemberBegin(); it != body.MemberEnd(); ++it) {
    std::string k = it->name.GetString();
    if (std::find(allowed_keys.begin(), allowed_keys.end(), k) == allowed_keys.end())
      problems.push_back({"/" + k, "unknown field"});
  }
  if (!problems.empty())
    return finish(
        *req, reply,
        counted("invalid", error(400, "invalid_action",
                                 std::to_string(problems.size()) + " problem(s)", problems)));
  submitAction(ar, req, reply);
}

void QueuesApi::submitAction(const ItemActionRequest& ar, std::shared_ptr<ApiRequest> req,
                             Reply reply) {
  bool queued = deps_.service.act(ar, [this, req, reply](ActionResult r) {
    switch (r.outcome) {
      case ActionOutcome::kOk:
        notePerson(*req, r.item.id_key);
        return finish(
            *req, reply,
            ApiResponse{200, itemJson(r.item, nullptr, r.follow_up_item), "application/json", {}});
      case ActionOutcome::kNotFound:
        return finish(*req, reply, error(404, "not_found", "no such item in this queue"));
      case ActionOutcome::kConflict: {
        auto res = error(409, "illegal_transition", r.problem);
        res.body.pop_back();
        res.body += ",\"state\":\"" + std::string(toString(r.item.state)) +
                    "\",\"owner\":" + (r.item.owner.empty() ? "null" : "\"" + r.item.owner + "\"") +
                    "}";
        return finish(*req, reply, std::move(res));
      }
      case ActionOutcome::kUnavailable: {
        auto res = error(503, "storage_unavailable", "nothing was changed; try again later");
        res.headers.emplace_back("Retry-After", "5");
        return finish(*req, reply, std::move(res));
      }
    }
  });
  if (!queued) {
    auto res = error(503, "overloaded", "nothing was changed; try again later");
    res.headers.emplace_back("Retry-After", "1");
    finish(*req, reply, std::move(res));
  }
}

void QueuesApi::pollEvents(std::string queue, int64_t after,
                           std::chrono::steady_clock::time_point until, uint64_t seen_version,
                           std::shared_ptr<ApiRequest> req, Reply reply) {
  bool queued = deps_.work.events(
      queue, after, 200,
      [this, queue, after, until, seen_version, req,
       reply](std::optional<std::vector<QueueEvent>> events) {
        if (!events)
          return finish(*req, reply, error(503, "storage_unavailable", "try again later"));
        if (events->empty() && std::chrono::steady_clock::now() < until && !stopping() &&
            deps_.schedule) {
          // Long-poll: look again when the writer has committed new events, or give up at `until`.
          auto retry = [this, queue, after, until, seen_version, req, reply]() {
            auto again = [this, queue, after, until, req, reply](auto& self,
                                                                 uint64_t version) -> void {
              if (stopping() || std::chrono::steady_clock::now() >= until ||
                  deps_.work.eventsVersion() != version)
                return pollEvents(queue, after, until, deps_.work.eventsVersion(), req, reply);
              deps_.schedule(std::chrono::milliseconds(100),
                             [self, version]() mutable { self(self, version); });
            };
            again(again, seen_version);
          };
          return deps_.schedule(std::chrono::milliseconds(100), retry);
        }
        rapidjson::StringBuffer buf;
        JsonWriter w(buf);
        w.StartObject();
        w.Key("events");
        w.StartArray();
        int64_t last = after;
        for (const auto& e : *events) {
          w.StartObject();
          w.Key("cursor");
          w.Int64(e.seq);
          w.Key("item_id");
          w.Int64(e.item_id);
          str(w, "type", toString(e.type));
          str(w, "at", e.at);
          w.EndObject();
          last = e.seq;
        }
        w.EndArray();
        w.Key("next_after");
        w.Int64(last);
        w.EndObject();
        finish(*req, reply,
               ApiResponse{200, {buf.GetString(), buf.GetSize()}, "application/json", {}});
      });
  if (!queued) finish(*req, reply, error(503, "overloaded", "try again later"));
}

}  // namespace xj::http
