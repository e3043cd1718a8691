#include "adapters/http/api.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>

#include "adapters/console/console_assets.h"
#include "adapters/envelope/problems_json.h"
#include "adapters/envelope/receipt_codec.h"
#include "adapters/household/evaluate.h"
#include "adapters/http/http_util.h"
#include "adapters/http/openapi_document.h"
#include "hub/core/log.h"
#include "hub/core/time_format.h"
#include "hub/security/crypto.h"

namespace xj::http {
namespace {

using JsonWriter = rapidjson::Writer<rapidjson::StringBuffer>;

// The body of a 202, 200 or 409: the receipt, in the codec MQTT receipts use too.
std::string receiptBody(const IngestResult& r) {
  return envelope::encodeReceipt(envelope::receiptFor(r));
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

// Who may read a stored message (it holds names, ID numbers, phones): its own source; admin;
// county-wide staff; staff whose townships include the message's township.
bool Api::mayRead(const Principal& p, const StoredMessage& m) {
  switch (p.role) {
    case Role::kAdmin:
      return true;
    case Role::kStaff:
      return p.townships.empty() ||
             std::find(p.townships.begin(), p.townships.end(), m.township) != p.townships.end();
    default:
      return m.receipt.source == p.org;
  }
}

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

std::optional<Principal> Api::authorize(const ApiRequest& req, const Reply& reply,
                                       std::initializer_list<Role> roles, const char* what) {
  auto who = authenticate(req);
  if (!who) {
    auto res = error(401, "unauthorized", "a valid bearer token is required");
    res.headers.emplace_back("WWW-Authenticate", "Bearer");
    finish(req, reply, std::move(res));
    return std::nullopt;
  }
  if (roles.size() != 0 && std::find(roles.begin(), roles.end(), who->role) == roles.end()) {
    std::string allowed;
    for (Role r : roles) allowed += (allowed.empty() ? "" : ", ") + std::string(toString(r));
    log::info("forbidden", {{"token", who->token_id},
                            {"role", std::string(toString(who->role))},
                            {"endpoint", what}});
    finish(req, reply, error(403, "forbidden", std::string(what) + " is for " + allowed));
    return std::nullopt;
  }
  return who;
}

void Api::replyProblems(const ApiRequest& req, const Reply& reply, const std::string& code,
                        const Problems& problems) {
  countRejected("invalid");
  finish(req, reply,
         error(400, code, std::to_string(problems.size()) + " problem(s)", problems));
}

void Api::replyUnavailable(const ApiRequest& req, const Reply& reply, bool overloaded) {
  auto res = overloaded ? error(503, "overloaded", "the hub is busy; try again later")
                        : error(503, "storage_unavailable", "try again later");
  res.headers.emplace_back("Retry-After", overloaded ? "1" : "5");
  finish(req, reply, std::move(res));
}

void Api::replyJson(const ApiRequest& req, const Reply& reply, std::string body) {
  finish(req, reply, ApiResponse{200, std::move(body), "application/json", {}});
}

namespace {

enum class Endpoint {
  kConsoleIndex,  // the web console's page and files (console_static.cpp)
  kConsoleFile,
  kHealthz,
  kReadyz,
  kMetrics,
  kOpenApi,
  kTickets,
  kReferrals,
  kNotifications,
  kMessage,
  kEvaluate,
  kQueues,  // everything under /v1/queues: queues_api.cpp parses the rest of the path
  kOutbox,  // /v1/outbox and its replays: outbox_api.cpp
  kExchanges,  // everything under /v1/exchanges: exchanges_api.cpp
  kExchangeReport,
  kWhoami,
  kDirectory,
  kRepeatCaller,
  kMessages,
  kTownshipReport,
  kFaults,
};

struct Route {
  RouteSpec spec;
  Endpoint endpoint;
};

// What the hub serves, in one place. Add a row here, to openapi.json and to the authorization
// matrix (tests/integration/authz_matrix_test.cpp): the tests fail until all three agree.
const std::vector<Route>& routes() {
  static const std::vector<Route> kRoutes = {
      {{"GET", "/"}, Endpoint::kConsoleIndex},
      {{"GET", "/console/{file}"}, Endpoint::kConsoleFile},
      {{"GET", "/healthz"}, Endpoint::kHealthz},
      {{"GET", "/readyz"}, Endpoint::kReadyz},
      {{"GET", "/metrics"}, Endpoint::kMetrics},
      {{"GET", "/v1/openapi.json"}, Endpoint::kOpenApi},
      {{"POST", "/v1/tickets"}, Endpoint::kTickets},
      {{"POST", "/v1/referrals"}, Endpoint::kReferrals},
      {{"POST", "/v1/notifications"}, Endpoint::kNotifications},
      {{"GET", "/v1/messages/{id}"}, Endpoint::kMessage},
      {{"POST", "/v1/eligibility/evaluate"}, Endpoint::kEvaluate},
      {{"GET", "/v1/queues"}, Endpoint::kQueues},
      {{"GET", "/v1/queues/{queue}/items"}, Endpoint::kQueues},
      {{"GET", "/v1/queues/{queue}/items/{item}"}, Endpoint::kQueues},
      {{"POST", "/v1/queues/{queue}/items/{item}/claim"}, Endpoint::kQueues},
      {{"POST", "/v1/queues/{queue}/items/{item}/release"}, Endpoint::kQueues},
      {{"POST", "/v1/queues/{queue}/items/{item}/transfer"}, Endpoint::kQueues},
      {{"POST", "/v1/queues/{queue}/items/{item}/notes"}, Endpoint::kQueues},
      {{"POST", "/v1/queues/{queue}/items/{item}/progress"}, Endpoint::kQueues},
      {{"POST", "/v1/queues/{queue}/items/{item}/resolve"}, Endpoint::kQueues},
      {{"POST", "/v1/queues/{queue}/items/{item}/reassign"}, Endpoint::kQueues},
      {{"GET", "/v1/queues/{queue}/events"}, Endpoint::kQueues},
      {{"GET", "/v1/outbox"}, Endpoint::kOutbox},
      {{"POST", "/v1/outbox/{id}/replay"}, Endpoint::kOutbox},
      {{"POST", "/v1/exchanges"}, Endpoint::kExchanges},
      {{"GET", "/v1/exchanges"}, Endpoint::kExchanges},
      {{"GET", "/v1/exchanges/suggestions"}, Endpoint::kExchanges},  // before {id}: first match
      {{"GET", "/v1/exchanges/{id}"}, Endpoint::kExchanges},
      {{"POST", "/v1/exchanges/{id}/events"}, Endpoint::kExchanges},
      {{"GET", "/v1/reports/exchanges"}, Endpoint::kExchangeReport},
      {{"GET", "/v1/whoami"}, Endpoint::kWhoami},
      {{"GET", "/v1/directory/townships"}, Endpoint::kDirectory},
      {{"POST", "/v1/lookups/repeat-caller"}, Endpoint::kRepeatCaller},
      {{"GET", "/v1/messages"}, Endpoint::kMessages},
      {{"GET", "/v1/reports/townships"}, Endpoint::kTownshipReport},
      {{"POST", "/v1/admin/faults", true}, Endpoint::kFaults},
  };
  return kRoutes;
}

// Does `segments` (a decoded request path) fit the template? "{name}" takes one non-empty segment.
bool matches(std::string_view tmpl, const std::vector<std::string>& segments) {
  size_t i = 0, pos = 0;
  while (pos < tmpl.size()) {
    if (tmpl[pos] == '/') {
      ++pos;
      continue;
    }
    size_t e = tmpl.find('/', pos);
    if (e == std::string_view::npos) e = tmpl.size();
    std::string_view part = tmpl.substr(pos, e - pos);
    if (i >= segments.size() || segments[i].empty()) return false;
    if (part.front() != '{' && part != segments[i]) return false;
    ++i;
    pos = e;
  }
  return i == segments.size();
}

}  // namespace

const std::vector<RouteSpec>& routeTable() {
  static const std::vector<RouteSpec> kSpecs = [] {
    std::vector<RouteSpec> out;
    for (const auto& r : routes()) out.push_back(r.spec);
    return out;
  }();
  return kSpecs;
}

void Api::handle(ApiRequest req, Reply reply) {
  const std::string path = pathOf(req.target);
  const auto segments = splitPath(path);
  // HEAD is answered like GET (Beast drops the body).
  const std::string_view method = req.method == "HEAD" ? std::string_view("GET") : req.method;
  std::string allow;
  const auto& table = routes();
  for (size_t i = 0; i < table.size(); ++i) {
    const auto& r = table[i];
    if (r.spec.fault_injection_only && !deps_.set_max_page_count) continue;
    if (!matches(r.spec.path, segments)) continue;
    if (r.spec.method == method) return route(i, std::move(req), std::move(reply));
    if (allow.find(r.spec.method) == std::string::npos)
      allow += (allow.empty() ? "" : ", ") + std::string(r.spec.method);
  }
  if (allow.empty()) return finish(req, reply, error(404, "not_found", "no such endpoint"));
  auto res = error(405, "method_not_allowed", "use " + allow);
  res.headers.emplace_back("Allow", allow);
  finish(req, reply, std::move(res));
}

void Api::route(size_t row, ApiRequest req, Reply reply) {
  const std::string path = pathOf(req.target);
  switch (routes()[row].endpoint) {
    case Endpoint::kConsoleIndex:
      return finish(req, reply, consoleFile(console::kIndexFile));
    case Endpoint::kConsoleFile:
      return finish(req, reply, consoleFile(splitPath(path)[1]));
    case Endpoint::kHealthz:
      return finish(req, reply, ApiResponse{200, R"({"status":"ok"})", "application/json", {}});
    case Endpoint::kReadyz: {
      bool store_ok = deps_.store_healthy();
      bool extra_ok = !deps_.ready || deps_.ready();
      bool ok = store_ok && extra_ok && !stopping_.load();
      std::string body = std::string(R"({"ready":)") + (ok ? "true" : "false") + R"(,"store":)" +
                         (store_ok ? "true" : "false") + R"(,"stopping":)" +
                         (stopping_.load() ? "true" : "false") + "}";
      return finish(req, reply, ApiResponse{ok ? 200 : 503, body, "application/json", {}});
    }
    case Endpoint::kMetrics:
      return finish(req, reply,
                    ApiResponse{200, deps_.metrics.render(), "text/plain; version=0.0.4", {}});
    case Endpoint::kOpenApi:
      return finish(req, reply,
                    ApiResponse{200, std::string(kOpenApiDocument), "application/json", {}});
    case Endpoint::kTickets:
      return ingest(MessageKind::kTicket, std::move(req), std::move(reply));
    case Endpoint::kReferrals:
      return ingest(MessageKind::kReferral, std::move(req), std::move(reply));
    case Endpoint::kNotifications:
      return ingest(MessageKind::kNotification, std::move(req), std::move(reply));
    case Endpoint::kMessage:
      return getMessage(splitPath(path)[2], std::move(req), std::move(reply));
    case Endpoint::kEvaluate:
      return evaluate(std::move(req), std::move(reply));
    case Endpoint::kQueues:
      return queues(path, std::move(req), std::move(reply));
    case Endpoint::kOutbox:
      return outbox(path, std::move(req), std::move(reply));
    case Endpoint::kExchanges:
      return exchanges(path, std::move(req), std::move(reply));
    case Endpoint::kExchangeReport:
      return exchangeReport(std::move(req), std::move(reply));
    case Endpoint::kWhoami:
      return whoami(std::move(req), std::move(reply));
    case Endpoint::kDirectory:
      return directory(std::move(req), std::move(reply));
    case Endpoint::kRepeatCaller:
      return repeatCaller(std::move(req), std::move(reply));
    case Endpoint::kMessages:
      return myMessages(std::move(req), std::move(reply));
    case Endpoint::kTownshipReport:
      return townshipReport(std::move(req), std::move(reply));
    case Endpoint::kFaults:
      return faults(std::move(req), std::move(reply));
  }
  finish(req, reply, error(404, "not_found", "no such endpoint"));
}

void Api::faults(ApiRequest req, Reply reply) {
  auto who = authenticate(req);
  if (!who)
    return finish(req, reply, error(401, "unauthorized", "a valid bearer token is required"));
  if (who->role != Role::kAdmin) return finish(req, reply, error(403, "forbidden", "admin only"));
  // Body: "pause" or "resume" (the writer), "reconnect" (the writer drops its connection before
  // its next commit, as after an I/O error), "ioerror N" (the next N file writes fail with a
  // real I/O error from the VFS), or a bare integer: the new max_page_count (0 lifts the cap).
  // Enabled only by store.fault_injection, for tests.
  if (req.body.rfind("sweep ", 0) == 0 && deps_.sweep_as_of) {
    auto shared_req = std::make_shared<ApiRequest>(req);
    bool queued = deps_.sweep_as_of(req.body.substr(6), [this, shared_req,
                                                         reply](std::optional<SweepResult> r) {
      if (!r) return finish(*shared_req, reply, error(503, "storage_unavailable", "sweep failed"));
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
      return finish(
          req, reply,
          error(400, "invalid",
                "body must be pause, resume, reconnect, ioerror N, clock T, sweep D, "
                "enqueue_outbound JSON or a page count"));
    deps_.set_max_page_count(pages);
  }
  log::warn("fault_injected", {{"fault", req.body}, {"token", who->token_id}});
  return finish(req, reply, ApiResponse{200, R"({"ok":true})", "application/json", {}});
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
        return finish(*shared_req, reply, ApiResponse{202, receiptBody(r), "application/json", {}});
      case IngestOutcome::kDuplicate:
        // The original receipt (status accepted, duplicate), not the message's current status.
        outcome(kind, "duplicate").inc();
        return finish(*shared_req, reply, ApiResponse{200, receiptBody(r), "application/json", {}});
      case IngestOutcome::kConflict:
        outcome(kind, "conflict").inc();
        return finish(*shared_req, reply, ApiResponse{409, receiptBody(r), "application/json", {}});
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
      household::evaluateHouseholdJson(req.body, *deps_.intake.standards(), problems, er);
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
  auto who = authorize(req, reply, {}, "");  // a valid token of any role; else 401
  if (!who) return;
  bool privileged = who->role == Role::kStaff || who->role == Role::kAdmin;
  // Senders look up by their own id (or our hub id); staff by hub id. A sender never learns
  // whether another source's message exists, and staff limited to some townships never learn
  // whether a message outside them exists: both are a 404, like an unknown id (hub ids are
  // sequential, so a 403 would let one token map the whole county).
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
        if (m && !mayRead(principal, *m)) {
          if (privileged)  // ids only: which token asked for which hub id, never the content
            log::info("message_out_of_scope",
                      {{"token", principal.token_id}, {"hub_id", m->receipt.hub_id}});
          m.reset();
        }
        if (!m) return finish(*shared_req, reply, error(404, "not_found", "no such message"));
        // The receipt as it was given (status accepted), then where the message is now.
        envelope::WireReceipt original;
        original.id = m->receipt.message_id;
        original.status = envelope::ReceiptStatus::kAccepted;
        original.stored = &m->receipt;
        std::string body = "{\"receipt\":" + envelope::encodeReceipt(original) + ",\"status\":\"" +
                           m->receipt.status + "\",\"message\":" + m->payload + "}";
        finish(*shared_req, reply, ApiResponse{200, std::move(body), "application/json", {}});
      });
  if (!queued) {
    auto res = error(503, "overloaded", "try again later");
    res.headers.emplace_back("Retry-After", "1");
    finish(*shared_req, reply, std::move(res));
  }
}

}  // namespace xj::http
