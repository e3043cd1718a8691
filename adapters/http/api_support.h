// What every resource's handlers share: the hub's dependencies, the request counters and latency,
// the stopping flag (ApiShared, one per Api), and the helpers a handler starts and ends with:
// authorize, counted rejections, the error and JSON answers (ApiHandlers, the base of each
// resource's handler class).
//
// Threads: handlers run on an I/O thread and never block; their store callbacks run on a store
// thread and answer through finish(), which the socket layer posts back to the connection's
// strand. Everything here is thread-safe: the counters are atomics filled in the constructor.
#pragma once

#include <array>
#include <atomic>
#include <initializer_list>
#include <map>
#include <optional>
#include <string>
#include <utility>

#include "adapters/http/api.h"
#include "adapters/http/rate_limiter.h"

namespace xj::http {

// An error answer: {"error": code, "message": message, "problems": [...]} (problems when any).
ApiResponse errorResponse(int status, const std::string& code, const std::string& message,
                          const Problems& problems = {});

// Who may see a queue and its items: admin, county staff (no township), and staff of the
// queue's township. One rule for the queues and the exchanges handlers.
bool maySeeQueue(const Principal& p, const routing::Queue& q);

// Owned by Api and outlives every handler; shared by all connections.
struct ApiShared {
  explicit ApiShared(ApiDeps d);

  ApiDeps deps;
  Histogram& latency;
  // Looked up once in the constructor and cached: the ingest path then only does atomic adds.
  std::map<std::pair<int, std::string>, Counter*> outcomes;
  std::map<std::string, Counter*> rejections;
  std::array<Counter*, 5> responses{};  // API answers by status class, 1xx..5xx
  std::atomic<bool> stopping{false};
  RateLimiter token_rates;  // per bearer token: 429 with Retry-After beyond it

  // Every answer goes out here: the request's latency is observed, the access record made (for
  // a route that shows or changes personal data), then `reply` called.
  void finish(const ApiRequest& req, const Api::Reply& reply, ApiResponse res);

 private:
  void recordAccess(const ApiRequest& req, int status);
};

// The base of each resource's handlers (queues_api.h, exchanges_api.h, ...). A handler takes the
// request (its path parameters parsed by the router) and a reply to call exactly once.
class ApiHandlers {
 public:
  using Reply = Api::Reply;

 protected:
  explicit ApiHandlers(ApiShared& shared) : shared_(shared), deps_(shared.deps) {}

  static ApiResponse error(int status, const std::string& code, const std::string& message,
                           const Problems& problems = {}) {
    return errorResponse(status, code, message, problems);
  }
  // Who may read a stored message (names, ID numbers, phones): see api_support.cpp.
  static bool mayRead(const Principal& p, const StoredMessage& m);

  // The answer for a refused token: 401 with WWW-Authenticate (`token_expired` for an expired
  // one), or 429 with Retry-After for a valid token over its request rate.
  static ApiResponse unauthorized(security::TokenRefusal why);
  // The token's principal, also kept in the request's AccessNote for the access record. `why`:
  // set to why a token was refused (kExpired only for the right secret past its end).
  std::optional<Principal> authenticate(const ApiRequest& req,
                                        security::TokenRefusal* why = nullptr) const;
  // Names a person the answer shows (their id key) in the access record; empty keys are skipped.
  // Call before finish(), on whichever thread builds the answer.
  static void notePerson(const ApiRequest& req, const std::string& id_key);
  // The common start of a handler: a valid token (else 401 with WWW-Authenticate) whose role is
  // one of `roles` (else 403; an empty list admits every role). On refusal it has answered and
  // returns nullopt; the refusal is logged with the token id only.
  std::optional<Principal> authorize(const ApiRequest& req, const Reply& reply,
                                     std::initializer_list<Role> roles, const char* what);
  // Counts a refusal of bad input under `reason` (xianjie_http_rejections_total) and passes the
  // response on: `finish(req, reply, counted("invalid", error(400, ...)))`.
  ApiResponse counted(const std::string& reason, ApiResponse res) {
    countRejected(reason);
    return res;
  }
  void countRejected(const std::string& reason) { shared_.rejections.at(reason)->inc(); }
  Counter& outcome(MessageKind kind, const std::string& o) {
    return *shared_.outcomes.at({static_cast<int>(kind), o});
  }
  bool stopping() const { return shared_.stopping.load(); }

  // 400 with every problem listed, counted in xianjie_http_rejections_total{reason="invalid"}.
  void replyProblems(const ApiRequest& req, const Reply& reply, const std::string& code,
                     const Problems& problems);
  // 503 when the store could not take the read (overloaded) or failed it (storage_unavailable).
  void replyUnavailable(const ApiRequest& req, const Reply& reply, bool overloaded);
  void replyJson(const ApiRequest& req, const Reply& reply, std::string body);
  void finish(const ApiRequest& req, const Reply& reply, ApiResponse res) {
    shared_.finish(req, reply, std::move(res));
  }

  ApiShared& shared_;
  ApiDeps& deps_;
};

}  // namespace xj::http
