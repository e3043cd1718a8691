#include "adapters/http/api.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "adapters/envelope/problems_json.h"
#include "adapters/household/evaluate.h"
#include "adapters/http/http_util.h"
#include "adapters/http/openapi_document.h"
#include "hub/core/log.h"
#include "hub/core/time_format.h"
#include "hub/security/crypto.h"

namespace xj::http {
namespace {

using JsonWriter = rapidjson::Writer<rapidjson::StringBuffer>;

void writeReceipt(JsonWriter& w, const Receipt& r) {
  w.StartObject();
  w.Key("hub_id");
  w.String(r.hub_id.c_str());
  w.Key("id");
  w.String(r.message_id.c_str());
  w.Key("source");
  w.String(r.source.c_str());
  w.Key("kind");
  w.String(std::string(toString(r.kind)).c_str());
  w.Key("received_at");
  w.String(r.received_at.c_str());
  w.Key("status");
  w.String(r.status.c_str());
  w.EndObject();
}

std::string receiptJson(const Receipt& r, const char* extra_key = nullptr, bool extra = false) {
  rapidjson::StringBuffer buf;
  JsonWriter w(buf);
  w.StartObject();
  w.Key("receipt");
  writeReceipt(w, r);
  if (extra_key) {
    w.Key(extra_key);
    w.Bool(extra);
  }
  w.EndObject();
  return {buf.GetString(), buf.GetSize()};
}

std::optional<Role> roleFor(MessageKind kind) {
  switch (kind) {
    case MessageKind::kTicket:
      return Role::kHotline;
    case MessageKind::kReferral:
      return Role::kCharity;
    case MessageKind::kNotification:
      return Role::kAgency;
  }
  return std::nullopt;
}

}  // namespace

Api::Api(ApiDeps deps)
    : deps_(std::move(deps)),
      latency_(deps_.metrics.histogram(
          "xianjie_http_request_duration_seconds", "HTTP request latency, receipt to answer",
          {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5})) {
  // Register the families up front so /metrics shows zeros before the first message.
  for (auto kind : {MessageKind::kTicket, MessageKind::kReferral, MessageKind::kNotification})
    for (const char* o : {"accepted", "duplicate", "conflict", "invalid", "unauthorized",
                          "forbidden", "unavailable", "overloaded"})
      outcomes_[{static_cast<int>(kind), o}] = &deps_.metrics.counter(
          "xianjie_messages_total", "Inbound messages by kind and outcome",
          "kind=\"" + std::string(toString(kind)) + "\",outcome=\"" + o + "\"");
  for (const char* r : {"malformed", "invalid", "too_large", "unsupported_media_type",
                        "bad_request", "header_too_large", "timeout", "too_many_connections"})
    rejections_[r] = &deps_.metrics.counter("xianjie_http_rejections_total",
                                            "Requests refused for bad input, by reason",
                                            "reason=\"" + std::string(r) + "\"");
}

Counter& Api::outcome(MessageKind kind, const std::string& o) {
  return *outcomes_.at({static_cast<int>(kind), o});
}

Counter& Api::rejection(const std::string& reason) { return *rejections_.at(reason); }

void Api::countRejected(const std::string& reason) { rejection(reason).inc(); }

ApiResponse Api::error(int status, const std::string& code, const std::string& message,
                       const Problems& problems) {
  rapidjson::StringBuffer buf;
  JsonWriter w(buf);
  w.StartObject();
  w.Key("error");
  w.String(code.c_str());
  w.Key("message");
  w.String(message.c_str());
  envelope::writeProblems(w, problems);
  w.EndObject();
  ApiResponse r;
  r.status = status;
  r.body.assign(buf.GetString(), buf.GetSize());
  return r;
}

void Api::finish(const ApiRequest& req, const Reply& reply, ApiResponse res) {
  latency_.observe(
      std::chrono::duration<double>(std::chrono::steady_clock::now() - req.started).count());
  reply(std::move(res));
}

std::optional<Principal> Api::authenticate(const ApiRequest& req) const {
  const std::string& h = req.authorization;
  if (h.size() < 7 || (h.compare(0, 7, "Bearer ") != 0 && h.compare(0, 7, "bearer ") != 0))
    return std::nullopt;
  return deps_.tokens.verify(std::string_view(h).substr(7));
}

void Api::handle(ApiRequest req, Reply reply) {
  const std::string path = pathOf(req.target);
  const bool get = req.method == "GET" || req.method == "HEAD";
  if (path == "/healthz") {
    if (!get) return finish(req, reply, error(405, "method_not_allowed", "use GET"));
    return finish(req, reply, ApiResponse{200, R"({"status":"ok"})", "application/json", {}});
  }
  if (path == "/readyz") {
    if (!get) return finish(req, reply, error(405, "method_not_allowed", "use GET"));
    bool store_ok = deps_.store_healthy();
    bool extra_ok = !deps_.ready || deps_.ready();
    bool ok = store_ok && extra_ok && !stopping_.load();
    std::string body = std::string(R"({"ready":)") + (ok ? "true" : "false") + R"(,"store":)" +
                       (store_ok ? "true" : "false") + R"(,"stopping":)" +
                       (stopping_.load() ? "true" : "false") + "}";
    return finish(req, reply, ApiResponse{ok ? 200 : 503, body, "application/json", {}});
  }
  if (path == "/metrics") {
    if (!get) return finish(req, reply, error(405, "method_not_allowed", "use GET"));
    return finish(req, reply,
                  ApiResponse{200, deps_.metrics.render(), "text/plain; version=0.0.4", {}});
  }
  if (path == "/v1/openapi.json") {
    if (!get) return finish(req, reply, error(405, "method_not_allowed", "use GET"));
    return finish(req, reply,
                  ApiResponse{200, std::string(kOpenApiDocument), "application/json", {}});
  }
  struct IngestRoute {
    const char* path;
    MessageKind kind;
  };
  for (auto r : {IngestRoute{"/v1/tickets", MessageKind::kTicket},
                 IngestRoute{"/v1/referrals", MessageKind::kReferral},
                 IngestRoute{"/v1/notifications", MessageKind::kNotification}}) {
    if (path == r.path) {
      if (req.method != "POST") {
        auto res = error(405, "method_not_allowed", "use POST");
        res.headers.emplace_back("Allow", "POST");
        return finish(req, reply, std::move(res));
      }
      return ingest(r.kind, std::move(req), std::move(reply));
    }
  }
  static const std::string kMessages = "/v1/messages/";
  if (path.compare(0, kMessages.size(), kMessages) == 0 && path.size() > kMessages.size()) {
    if (!get) return finish(req, reply, error(405, "method_not_allowed", "use GET"));
    return getMessage(path.substr(kMessages.size()), std::move(req), std::move(reply));
  }
  if (path == "/v1/eligibility/evaluate") {
    if (req.method != "POST")
      return finish(req, reply, error(405, "method_not_allowed", "use POST"));
    return evaluate(std::move(req), std::move(reply));
  }
  if (path == "/v1/queues" || path.compare(0, 11, "/v1/queues/") == 0)
    return queues(path, std::move(req), std::move(reply));
  if (path == "/v1/admin/faults" && deps_.set_max_page_count) {
    auto who = authenticate(req);
    if (!who)
      return finish(req, reply, error(401, "unauthorized", "a valid bearer token is required"));
    if (who->role != Role::kAdmin) return finish(req, reply, error(403, "forbidden", "admin only"));
    // Body: "pause" or "resume" (the writer), or a bare integer: the new max_page_count
    // (0 lifts the cap). Enabled only by store.fault_injection, for tests.
    if (req.body.rfind("sweep ", 0) == 0 && deps_.sweep_as_of) {
      auto shared_req = std::make_shared<ApiRequest>(req);
      bool queued = deps_.sweep_as_of(
          req.body.substr(6), [this, shared_req, reply](std::optional<SweepResult> r) {
            if (!r)
              return finish(*shared_req, reply, error(503, "storage_unavailable", "sweep failed"));
            finish(*shared_req, reply,
                   ApiResponse{200,
                               "{\"marked_overdue\":" + std::to_string(r->marked_overdue) +
                                   ",\"escalated\":" + std::to_string(r->escalated) + "}",
                               "application/json",
                               {}});
          });
      if (!queued) finish(req, reply, error(503, "overloaded", "try again"));
      return;
    }
    if (req.body.rfind("clock ", 0) == 0 && deps_.set_clock) {
      auto t = parseRfc3339(req.body.substr(6));
      if (!t) return finish(req, reply, error(400, "invalid", "clock needs an RFC 3339 time"));
      deps_.set_clock(*t);
    } else if (req.body == "pause" || req.body == "resume") {
      deps_.pause_writer(req.body == "pause");
    } else {
      char* end = nullptr;
      long long pages = std::strtoll(req.body.c_str(), &end, 10);
      if (req.body.empty() || *end != '\0' || pages < 0)
        return finish(req, reply,
                      error(400, "invalid", "body must be pause, resume or a page count"));
      deps_.set_max_page_count(pages);
    }
    log::warn("fault_injected", {{"fault", req.body}, {"token", who->token_id}});
    return finish(req, reply, ApiResponse{200, R"({"ok":true})", "application/json", {}});
  }
  finish(req, reply, error(404, "not_found", "no such endpoint"));
}

void Api::ingest(MessageKind kind, ApiRequest req, Reply reply) {
  auto who = authenticate(req);
  if (!who) {
    outcome(kind, "unauthorized").inc();
    auto res = error(401, "unauthorized", "a valid bearer token is required");
    res.headers.emplace_back("WWW-Authenticate", "Bearer");
    return finish(req, reply, std::move(res));
  }
  if (who->role != roleFor(kind)) {
    outcome(kind, "forbidden").inc();
    log::info("ingest_forbidden", {{"token", who->token_id},
                                   {"role", std::string(toString(who->role))},
                                   {"kind", std::string(toString(kind))}});
    return finish(req, reply,
                  error(403, "forbidden",
                        "role " + std::string(toString(who->role)) + " may not send " +
                            std::string(toString(kind)) + "s"));
  }
  if (!isJsonContentType(req.content_type)) {
    countRejected("unsupported_media_type");
    outcome(kind, "invalid").inc();
    return finish(req, reply,
                  error(415, "unsupported_media_type", "Content-Type must be application/json"));
  }
  IngestRecord record;
  Problems problems;
  auto parsed = deps_.intake.prepare(req.body, kind, record, problems);
  if (parsed != envelope::ParseOutcome::kOk) {
    const char* reason = parsed == envelope::ParseOutcome::kMalformed ? "malformed" : "invalid";
    countRejected(reason);
    outcome(kind, "invalid").inc();
    log::info("ingest_rejected", {{"token", who->token_id},
                                  {"kind", std::string(toString(kind))},
                                  {"reason", reason},
                                  {"problems", std::to_string(problems.size())}});
    return finish(
        req, reply,
        error(400,
              parsed == envelope::ParseOutcome::kMalformed ? "malformed_json" : "invalid_message",
              std::to_string(problems.size()) + " problem(s) in the message", problems));
  }
  if (record.source != who->org) {
    outcome(kind, "forbidden").inc();
    log::info("ingest_forbidden", {{"token", who->token_id}, {"reason", "source_mismatch"}});
    return finish(req, reply,
                  error(403, "forbidden", "source must be your organisation's id",
                        {{"/source", "does not match the token's organisation"}}));
  }
  auto shared_req = std::make_shared<ApiRequest>(std::move(req));
  shared_req->body.clear();
  bool queued = deps_.store.submit(std::move(record), [this, kind, shared_req,
                                                       reply](IngestResult r) {
    switch (r.outcome) {
      case IngestOutcome::kAccepted:
        outcome(kind, "accepted").inc();
        return finish(*shared_req, reply,
                      ApiResponse{202, receiptJson(r.receipt), "application/json", {}});
      case IngestOutcome::kDuplicate:
        outcome(kind, "duplicate").inc();
        return finish(
            *shared_req, reply,
            ApiResponse{200, receiptJson(r.receipt, "duplicate", true), "application/json", {}});
      case IngestOutcome::kConflict: {
        outcome(kind, "conflict").inc();
        auto res = error(409, "conflict", "this id was already used for a different message");
        res.body.pop_back();
        res.body += ",\"receipt\":" + receiptJson(r.receipt).substr(11);  // reuse {"receipt":{..}}
        return finish(*shared_req, reply, std::move(res));
      }
      case IngestOutcome::kUnavailable: {
        outcome(kind, "unavailable").inc();
        auto res =
            error(503, "storage_unavailable", "the message was not stored; send it again later");
        res.headers.emplace_back("Retry-After", "5");
        return finish(*shared_req, reply, std::move(res));
      }
    }
  });
  if (!queued) {
    outcome(kind, "overloaded").inc();
    auto res = error(503, "overloaded",
                     "the hub is busy; the message was not stored, send it again later");
    res.headers.emplace_back("Retry-After", "1");
    finish(*shared_req, reply, std::move(res));
  }
}

void Api::evaluate(ApiRequest req, Reply reply) {
  auto who = authenticate(req);
  if (!who)
    return finish(req, reply, error(401, "unauthorized", "a valid bearer token is required"));
  if (who->role != Role::kStaff && who->role != Role::kAdmin)
    return finish(req, reply,
                  error(403, "forbidden", "only staff and admin may evaluate households"));
  if (!isJsonContentType(req.content_type))
    return finish(req, reply,
                  error(415, "unsupported_media_type", "Content-Type must be application/json"));
  // Query: as_of=YYYY-MM-DD, explain=1 (the readable bilingual trace as text/plain).
  household::EvalRequest er;
  auto query = parseQuery(req.target);
  if (query.count("as_of")) er.as_of_override = query["as_of"];
  er.explain = query["explain"] == "1" || query["explain"] == "true";
  if (envelope::nestingDepth(req.body) > deps_.intake.limits().max_depth)
    return finish(req, reply,
                  error(400, "malformed_json", "1 problem(s)", {{"", "nested too deep"}}));
  Problems problems;
  std::string out =
      household::evaluateHouseholdJson(req.body, deps_.intake.standards(), problems, er);
  if (out.empty()) {
    return finish(
        req, reply,
        error(400, "invalid_household",
              std::to_string(problems.size()) + " problem(s) in the household", problems));
  }
  finish(
      req, reply,
      ApiResponse{
          200, std::move(out), er.explain ? "text/plain; charset=utf-8" : "application/json", {}});
}

void Api::getMessage(const std::string& id, ApiRequest req, Reply reply) {
  auto who = authenticate(req);
  if (!who) {
    auto res = error(401, "unauthorized", "a valid bearer token is required");
    res.headers.emplace_back("WWW-Authenticate", "Bearer");
    return finish(req, reply, std::move(res));
  }
  bool privileged = who->role == Role::kStaff || who->role == Role::kAdmin;
  // Senders look up by their own id (or our hub id); staff by hub id. A sender never learns
  // whether another source's message exists: that is a 404 too.
  std::string source = privileged ? std::string() : who->org;
  auto shared_req = std::make_shared<ApiRequest>(std::move(req));
  Principal principal = *who;
  bool queued = deps_.store.lookup(
      id, source,
      [this, shared_req, reply, principal, privileged](std::optional<StoredMessage> m, bool ok) {
        if (!ok) {
          auto res = error(503, "storage_unavailable", "try again later");
          res.headers.emplace_back("Retry-After", "5");
          return finish(*shared_req, reply, std::move(res));
        }
        if (!m || (!privileged && m->receipt.source != principal.org))
          return finish(*shared_req, reply, error(404, "not_found", "no such message"));
        std::string body = receiptJson(m->receipt);
        body.pop_back();
        body += ",\"message\":" + m->payload + "}";
        finish(*shared_req, reply, ApiResponse{200, std::move(body), "application/json", {}});
      });
  if (!queued) {
    auto res = error(503, "overloaded", "try again later");
    res.headers.emplace_back("Retry-After", "1");
    finish(*shared_req, reply, std::move(res));
  }
}

}  // namespace xj::http
