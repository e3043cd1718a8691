#include "adapters/http/outbox_api.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "adapters/http/http_util.h"
#include "hub/core/log.h"
#include "hub/core/time_format.h"

namespace xj::http {
namespace {

using JsonWriter = rapidjson::Writer<rapidjson::StringBuffer>;

void str(JsonWriter& w, const char* k, std::string_view v) {
  w.Key(k);
  w.String(v.data(), static_cast<rapidjson::SizeType>(v.size()));
}

void writeRow(JsonWriter& w, const OutboxRecord& r) {
  w.StartObject();
  w.Key("id");
  w.Int64(r.id);
  str(w, "partner", r.message.partner);
  str(w, "lane_key", r.message.lane_key);
  str(w, "kind", r.message.kind);
  str(w, "idempotency_key", r.message.idempotency_key);
  str(w, "state", toString(r.state));
  w.Key("attempts");
  w.Int(r.attempts);
  str(w, "last_error", r.last_error);
  str(w, "created_at", r.message.created_at);
  str(w, "updated_at", r.updated_at);
  if (!r.delivered_at.empty()) str(w, "delivered_at", r.delivered_at);
  if (r.state == OutboxState::kPending && r.next_attempt_ms > 0)
    str(w, "next_attempt_at",
        formatRfc3339(
            std::chrono::system_clock::time_point(std::chrono::milliseconds(r.next_attempt_ms))));
  w.EndObject();
}

}  // namespace

std::optional<Principal> OutboxApi::caller(const ApiRequest& req, const Reply& reply) {
  auto who = authorize(req, reply, {}, "");  // a valid token of any role; else 401
  if (!who) return std::nullopt;
  const bool allowed =
      who->role == Role::kAdmin || (who->role == Role::kStaff && who->townships.empty());
  if (!allowed) {
    finish(req, reply, error(403, "forbidden", "the outbox is for admin and county staff"));
    return std::nullopt;
  }
  if (!deps_.outbox) {
    finish(req, reply, error(503, "unavailable", "the outbox is not running"));
    return std::nullopt;
  }
  return who;
}

void OutboxApi::list(ApiRequest req, Reply reply) {
  if (!caller(req, reply)) return;
  auto shared_req = std::make_shared<ApiRequest>(std::move(req));
  auto q = parseQuery(shared_req->target);
  Problems problems;
  std::optional<OutboxState> state;
  int64_t after = 0, limit = 100;
  if (auto it = q.find("state"); it != q.end()) {
    state = parseOutboxState(it->second);
    if (!state) problems.push_back({"state", "must be pending, delivered or dead"});
  }
  if (auto it = q.find("after"); it != q.end() && !parseDecimalId(it->second, after))
    problems.push_back({"after", "must be a non-negative integer (an outbox id)"});
  if (auto it = q.find("limit");
      it != q.end() && (!parseDecimalId(it->second, limit) || limit < 1 || limit > 500))
    problems.push_back({"limit", "must be an integer from 1 to 500"});
  if (!problems.empty())
    return finish(
        *shared_req, reply,
        counted("invalid", error(400, "invalid_query", "the query has problems", problems)));
  bool queued = deps_.outbox->listOutbound(
      state, after, static_cast<int>(limit),
      [this, shared_req, reply, limit](std::optional<std::vector<OutboxRecord>> rows) {
        if (!rows)
          return finish(*shared_req, reply, error(503, "storage_unavailable", "try again shortly"));
        rapidjson::StringBuffer buf;
        JsonWriter w(buf);
        w.StartObject();
        w.Key("items");
        w.StartArray();
        for (const auto& r : *rows) writeRow(w, r);
        w.EndArray();
        // The cursor for the next page, present while a full page came back.
        if (static_cast<int64_t>(rows->size()) == limit && !rows->empty()) {
          w.Key("next_after");
          w.Int64(rows->back().id);
        }
        w.EndObject();
        finish(*shared_req, reply, ApiResponse{200, buf.GetString(), "application/json", {}});
      });
  if (!queued) finish(*shared_req, reply, error(503, "overloaded", "try again shortly"));
}

void OutboxApi::replay(ApiRequest req, Reply reply) {
  auto who = caller(req, reply);
  if (!who) return;
  auto shared_req = std::make_shared<ApiRequest>(std::move(req));
  int64_t id = 0;
  if (!parseDecimalId(shared_req->params["id"], id))
    return finish(*shared_req, reply, error(404, "not_found", "no such outbox row"));
  bool queued = deps_.service.replay(
      id, who->token_id,
      [this, shared_req, reply, id, token = who->token_id](ReplayResult result,
                                                           std::optional<OutboxRecord> row) {
        switch (result) {
          case ReplayResult::kNotFound:
            return finish(*shared_req, reply, error(404, "not_found", "no such outbox row"));
          case ReplayResult::kNotDead:
            return finish(*shared_req, reply,
                          error(409, "not_dead", "only a dead letter can be replayed"));
          case ReplayResult::kFailed:
            return finish(*shared_req, reply,
                          error(503, "storage_unavailable", "try again shortly"));
          case ReplayResult::kReplayed:
            break;
        }
        log::info("outbox_replayed", {{"outbox_id", std::to_string(id)}, {"token", token}});
        rapidjson::StringBuffer buf;
        JsonWriter w(buf);
        writeRow(w, *row);
        finish(*shared_req, reply, ApiResponse{200, buf.GetString(), "application/json", {}});
      });
  if (!queued) finish(*shared_req, reply, error(503, "overloaded", "try again shortly"));
}

}  // namespace xj::http
