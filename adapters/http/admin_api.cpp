#include "adapters/http/admin_api.h"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cstdlib>

#include "hub/core/log.h"
#include "hub/core/time_format.h"

namespace xj::http {

void AdminApi::faults(ApiRequest req, Reply reply) {
  security::TokenRefusal why;
  auto who = authenticate(req, &why);
  if (!who) return finish(req, reply, unauthorized(why));
  if (who->role != Role::kAdmin) return finish(req, reply, error(403, "forbidden", "admin only"));
  // Body: "pause" or "resume" (the writer), "reconnect" (the writer drops its connection before
  // its next commit, as after an I/O error), "ioerror N" (the next N file writes fail with a
  // real I/O error from the VFS), or a bare integer: the new max_page_count (0 lifts the cap).
  // Enabled only by store.fault_injection, for tests.
  if (req.body.rfind("sweep ", 0) == 0 && deps_.sweep_as_of) {
    auto shared_req = std::make_shared<ApiRequest>(req);
    bool queued = deps_.sweep_as_of(
        req.body.substr(6), [this, shared_req, reply](std::optional<SweepResult> r) {
          if (!r)
            return finish(*shared_req, reply, error(503, "storage_unavailable", "sweep failed"));
          finish(*shared_req, reply,
                 ApiResponse{200,
                             "{\"marked_overdue\":" + std::to_string(r->marked_overdue) +
                                 ",\"escalated\":" + std::to_string(r->escalated) +
                                 ",\"exchanges_overdue\":" + std::to_string(r->exchanges_overdue) +
                                 ",\"exchanges_progress_overdue\":" +
                                 std::to_string(r->exchanges_progress_overdue) + "}",
                             "application/json",
                             {}});
        });
    if (!queued) finish(req, reply, error(503, "overloaded", "try again"));
    return;
  }
  if (req.body.rfind("enqueue_outbound ", 0) == 0) {
    log::warn("fault_injected", {{"fault", "enqueue_outbound"}, {"token", who->token_id}});
    std::string json = req.body.substr(17);
    return enqueueOutboundFault(json, std::move(req), std::move(reply));
  }
  if (req.body.rfind("clock ", 0) == 0 && deps_.set_clock) {
    auto t = parseRfc3339(req.body.substr(6));
    if (!t) return finish(req, reply, error(400, "invalid", "clock needs an RFC 3339 time"));
    deps_.set_clock(*t);
  } else if (req.body == "pause" || req.body == "resume") {
    deps_.pause_writer(req.body == "pause");
  } else if (req.body == "reconnect" && deps_.drop_writer_connection) {
    deps_.drop_writer_connection();
  } else if (req.body.rfind("ioerror ", 0) == 0 && deps_.fail_writes) {
    char* end = nullptr;
    long long writes = std::strtoll(req.body.c_str() + 8, &end, 10);
    if (req.body.size() == 8 || *end != '\0' || writes < 0)
      return finish(req, reply, error(400, "invalid", "ioerror needs a count of writes"));
    deps_.fail_writes(writes);
  } else {
    char* end = nullptr;
    long long pages = std::strtoll(req.body.c_str(), &end, 10);
    if (req.body.empty() || *end != '\0' || pages < 0)
      return finish(req, reply,
                    error(400, "invalid",
                          "body must be pause, resume, reconnect, ioerror N, clock T, sweep D, "
                          "enqueue_outbound JSON or a page count"));
    deps_.set_max_page_count(pages);
  }
  log::warn("fault_injected", {{"fault", req.body}, {"token", who->token_id}});
  return finish(req, reply, ApiResponse{200, R"({"ok":true})", "application/json", {}});
}

// Fault injection (tests, benchmark): "enqueue_outbound {json}" writes an outbox row with no
// domain change behind it. JSON: partner, lane_key, kind, idempotency_key (strings), body (any
// JSON value, stored as its compact text).
void AdminApi::enqueueOutboundFault(const std::string& json, ApiRequest req, Reply reply) {
  rapidjson::Document doc;
  doc.Parse(json.c_str(), json.size());
  Problems problems;
  OutboundMessage m;
  if (doc.HasParseError() || !doc.IsObject()) {
    problems.push_back({"", "must be a JSON object"});
  } else {
    for (auto [key, out] : {std::pair<const char*, std::string*>{"partner", &m.partner},
                            {"lane_key", &m.lane_key},
                            {"kind", &m.kind},
                            {"idempotency_key", &m.idempotency_key}}) {
      auto it = doc.FindMember(key);
      if (it == doc.MemberEnd() || !it->value.IsString() || it->value.GetStringLength() == 0)
        problems.push_back({std::string("/") + key, "must be a non-empty string"});
      else
        out->assign(it->value.GetString(), it->value.GetStringLength());
    }
    auto body = doc.FindMember("body");
    if (body == doc.MemberEnd()) {
      problems.push_back({"/body", "is required"});
    } else {
      rapidjson::StringBuffer buf;
      rapidjson::Writer<rapidjson::StringBuffer> w(buf);
      body->value.Accept(w);
      m.body_json = buf.GetString();
    }
  }
  if (!problems.empty())
    return finish(req, reply, error(400, "invalid", "enqueue_outbound needs", problems));
  m.created_at = formatRfc3339(deps_.clock.now());
  if (!deps_.outbox)
    return finish(req, reply, error(503, "unavailable", "the outbox is not running"));
  auto shared_req = std::make_shared<ApiRequest>(std::move(req));
  bool queued = deps_.outbox->submitOutbound(std::move(m), [this, shared_req,
                                                            reply](Result<int64_t> r) {
    if (!r.isOk()) {
      int status = r.status().code() == StatusCode::kConflict ? 409 : 503;
      return finish(
          *shared_req, reply,
          error(status, status == 409 ? "conflict" : "storage_unavailable", r.status().message()));
    }
    finish(*shared_req, reply,
           ApiResponse{200, "{\"id\":" + std::to_string(r.value()) + "}", "application/json", {}});
  });
  if (!queued) finish(*shared_req, reply, error(503, "overloaded", "try again shortly"));
}

}  // namespace xj::http
