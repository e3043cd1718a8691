#include "adapters/http/api_support.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>

#include "adapters/envelope/problems_json.h"
#include "hub/core/log.h"
#include "hub/core/time_format.h"

namespace xj::http {

ApiResponse errorResponse(int status, const std::string& code, const std::string& message,
                          const Problems& problems) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
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

ApiShared::ApiShared(ApiDeps d)
    : deps(std::move(d)),
      latency(deps.metrics.histogram(
          "xianjie_http_request_duration_seconds", "HTTP request latency, receipt to answer",
          {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5})),
      token_rates(deps.rate_limit_per_token, deps.rate_burst_per_token) {
  // Register the families up front so /metrics shows zeros before the first message.
  for (auto kind : {MessageKind::kTicket, MessageKind::kReferral, MessageKind::kNotification})
    for (const char* o : {"accepted", "duplicate", "conflict", "invalid", "unauthorized",
                          "forbidden", "unavailable", "overloaded"})
      outcomes[{static_cast<int>(kind), o}] = &deps.metrics.counter(
          "xianjie_messages_total", "Inbound messages by kind and outcome",
          "kind=\"" + std::string(toString(kind)) + "\",outcome=\"" + o + "\"");
  for (const char* r :
       {"malformed", "invalid", "too_large", "unsupported_media_type", "bad_request",
        "header_too_large", "timeout", "too_many_connections", "tls_handshake", "rate_limited",
        "address_connections"})
    rejections[r] = &deps.metrics.counter("xianjie_http_rejections_total",
                                          "Requests refused for bad input, by reason",
                                          "reason=\"" + std::string(r) + "\"");
  // By class, not by code: a handful of series a dashboard can stack, whatever codes come.
  for (size_t i = 0; i < responses.size(); ++i)
    responses[i] = &deps.metrics.counter("xianjie_http_responses_total",
                                         "API answers by status class (2xx, 4xx, 5xx, ...)",
                                         "code=\"" + std::to_string(i + 1) + "xx\"");
}

// Who may read a stored message (it holds names, ID numbers, phones): its own source; admin;
// county-wide staff; staff whose townships include the message's township.
bool maySeeQueue(const Principal& p, const routing::Queue& q) {
  if (p.role == Role::kAdmin) return true;
  if (p.role != Role::kStaff) return false;
  if (p.townships.empty()) return true;  // county staff
  return !q.township.empty() &&
         std::find(p.townships.begin(), p.townships.end(), q.township) != p.townships.end();
}

bool ApiHandlers::mayRead(const Principal& p, const StoredMessage& m) {
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

void ApiShared::finish(const ApiRequest& req, const Api::Reply& reply, ApiResponse res) {
  latency.observe(
      std::chrono::duration<double>(std::chrono::steady_clock::now() - req.started).count());
  recordAccess(req, res.status);
  const int cls = std::clamp(res.status / 100, 1, 5);
  responses[static_cast<size_t>(cls - 1)]->inc();
  reply(std::move(res));
}

namespace {
// The X-Purpose header is the client's text: kept short and printable, so a record is a line.
std::string purposeOf(std::string_view header) {
  std::string out;
  for (char c : header.substr(0, 200)) {
    const auto u = static_cast<unsigned char>(c);
    out.push_back(u < 0x20 || u == 0x7f ? '?' : c);
  }
  return out;
}
}  // namespace

// Every answer passes here, so the access record is made in one place: a route that shows or
// changes personal data (its AccessUse) answered with success to a known token. A refusal (4xx)
// or a failure (5xx) showed and changed nothing, so it is not recorded.
void ApiShared::recordAccess(const ApiRequest& req, int status) {
  if (!deps.access || !req.route || !req.access || !req.access->who) return;
  if (req.route->access == AccessUse::kNone || status < 200 || status >= 300) return;
  const AccessNote& note = *req.access;
  AccessRecord r;
  r.at = formatRfc3339(deps.clock.now());
  r.token_id = note.who->token_id;
  r.org = note.who->org;
  r.role = std::string(toString(note.who->role));
  r.action = toString(req.route->access == AccessUse::kChange ? AccessAction::kChange
                                                              : AccessAction::kRead);
  r.endpoint = std::string(req.route->method) + " " + std::string(req.route->path);
  for (const auto& [name, value] : req.params.all())
    r.objects += (r.objects.empty() ? "" : " ") + std::string(name) + "=" + value;
  if (!note.objects.empty()) r.objects += (r.objects.empty() ? "" : " ") + note.objects;
  std::vector<std::string> keys = note.person_keys;
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  for (const auto& k : keys)
    if (!k.empty()) r.person_keys += (r.person_keys.empty() ? "" : ",") + k;
  r.purpose = purposeOf(req.purpose);
  deps.access->record(std::move(r));
}

void ApiHandlers::notePerson(const ApiRequest& req, const std::string& id_key) {
  if (!id_key.empty()) req.access->person_keys.push_back(id_key);
}

std::optional<Principal> ApiHandlers::authenticate(const ApiRequest& req,
                                                   security::TokenRefusal* why) const {
  if (why) *why = security::TokenRefusal::kInvalid;
  const std::string& h = req.authorization;
  if (h.size() < 7 || (h.compare(0, 7, "Bearer ") != 0 && h.compare(0, 7, "bearer ") != 0))
    return std::nullopt;
  auto who = deps_.tokens.verify(std::string_view(h).substr(7), deps_.clock.now(), why);
  if (!who) return who;
  // A valid token over its request rate: refused before any work and counted. The rate is a
  // whole number of requests a second, so one request's worth refills within a second:
  // Retry-After is always 1.
  if (!shared_.token_rates.take(who->token_id, std::chrono::steady_clock::now(), nullptr)) {
    if (why) *why = security::TokenRefusal::kRateLimited;
    shared_.rejections.at("rate_limited")->inc();
    return std::nullopt;
  }
  req.access->who = *who;  // who the access record names, whichever handler asked
  return who;
}

ApiResponse ApiHandlers::unauthorized(security::TokenRefusal why) {
  if (why == security::TokenRefusal::kRateLimited) {
    auto res = errorResponse(429, "rate_limited",
                             "too many requests with this token: send it again after Retry-After");
    res.headers.emplace_back("Retry-After", "1");
    return res;
  }
  // RFC 6750: an expired token is `invalid_token` with a description; only the holder of the
  // right secret learns that it ended (so it asks for its replacement instead of guessing).
  if (why == security::TokenRefusal::kExpired) {
    auto res = errorResponse(401, "token_expired",
                             "the bearer token has expired: ask the hub's administrator for its "
                             "replacement (xianjie token rotate)");
    res.headers.emplace_back("WWW-Authenticate",
                             "Bearer error=\"invalid_token\", error_description=\"the token has "
                             "expired\"");
    return res;
  }
  auto res = errorResponse(401, "unauthorized", "a valid bearer token is required");
  res.headers.emplace_back("WWW-Authenticate", "Bearer");
  return res;
}

std::optional<Principal> ApiHandlers::authorize(const ApiRequest& req, const Reply& reply,
                                                std::initializer_list<Role> roles,
                                                const char* what) {
  security::TokenRefusal why = security::TokenRefusal::kInvalid;
  auto who = authenticate(req, &why);
  if (!who) {
    auto res = unauthorized(why);
    finish(req, reply, std::move(res));
    return std::nullopt;
  }
  if (roles.size() != 0 && std::find(roles.begin(), roles.end(), who->role) == roles.end()) {
    std::string allowed;
    for (Role r : roles) allowed += (allowed.empty() ? "" : ", ") + std::string(toString(r));
    log::info(
        "forbidden",
        {{"token", who->token_id}, {"role", std::string(toString(who->role))}, {"endpoint", what}});
    finish(req, reply, error(403, "forbidden", std::string(what) + " is for " + allowed));
    return std::nullopt;
  }
  return who;
}

void ApiHandlers::replyProblems(const ApiRequest& req, const Reply& reply, const std::string& code,
                                const Problems& problems) {
  countRejected("invalid");
  finish(req, reply, error(400, code, std::to_string(problems.size()) + " problem(s)", problems));
}

void ApiHandlers::replyUnavailable(const ApiRequest& req, const Reply& reply, bool overloaded) {
  auto res = overloaded ? error(503, "overloaded", "the hub is busy; try again later")
                        : error(503, "storage_unavailable", "try again later");
  res.headers.emplace_back("Retry-After", overloaded ? "1" : "5");
  finish(req, reply, std::move(res));
}

void ApiHandlers::replyJson(const ApiRequest& req, const Reply& reply, std::string body) {
  finish(req, reply, ApiResponse{200, std::move(body), "application/json", {}});
}

}  // namespace xj::http
