// Api: the HTTP API's routes, independent of the socket layer (http_server.h feeds it).
//
// Threads: handle() runs on an I/O thread and never blocks: storage work goes to the store's
// threads, and `reply` is then called from one of those. The caller must post the reply back to
// its own connection's strand. Api is shared by all connections; its state is thread-safe.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <initializer_list>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "adapters/inbound/inbound.h"
#include "hub/core/clock.h"
#include "hub/core/message_store.h"
#include "hub/core/metrics.h"
#include "hub/core/outbox_store.h"
#include "hub/core/partner_directory.h"
#include "hub/core/place_directory.h"
#include "hub/core/work_store.h"
#include "hub/security/token_registry.h"

namespace xj::http {

// One row of the router: a method and an OpenAPI path template ("/v1/queues/{queue}/items").
// The router dispatches from this table only; the OpenAPI document lists the same rows (a unit
// test compares them) and the authorization matrix test must cover every row.
struct RouteSpec {
  std::string_view method;
  std::string_view path;
  bool fault_injection_only = false;  // served only when store.fault_injection is on
};
const std::vector<RouteSpec>& routeTable();

struct ApiRequest {
  std::string method;
  std::string target;  // path and query
  std::string content_type;
  std::string authorization;
  std::string accept;  // the Accept header (reports: text/csv)
  std::string body;
  std::chrono::steady_clock::time_point started;
};

struct ApiResponse {
  int status = 200;
  std::string body;
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;
};

// What the API needs from the rest of the hub; all references outlive the Api.
struct ApiDeps {
  MessageStore& store;
  WorkStore& work;
  const security::TokenRegistry& tokens;
  const inbound::Inbound& intake;
  const Clock& clock;
  MetricsRegistry& metrics;
  // Runs `fn` on the I/O context after `delay` (long-polls); provided by the hub.
  std::function<void(std::chrono::milliseconds delay, std::function<void()> fn)> schedule;
  std::function<bool()> ready;  // readiness beyond the store (e.g. MQTT)
  std::function<bool()> store_healthy;
  std::function<void(int64_t)> set_max_page_count{};  // null unless fault injection is on
  std::function<void(bool)> pause_writer{};           // null unless fault injection is on
  std::function<void()> drop_writer_connection{};     // null unless fault injection is on
  // The next N database file writes fail with a real SQLITE_IOERR_WRITE (hub/storage/fault_vfs.h).
  std::function<void(int64_t)> fail_writes{};  // null unless fault injection is on
  // Runs the overdue sweep as if today were the given date (fault injection: a fake clock).
  std::function<bool(std::string today, std::function<void(std::optional<SweepResult>)>)>
      sweep_as_of{};
  std::function<void(std::chrono::system_clock::time_point)> set_clock{};  // fault injection
  OutboxStore* outbox = nullptr;  // GET /v1/outbox, replays (and enqueue_outbound faults)
  // The partner directory as it is now (exchanges: partners, suggestions, minimisation).
  std::function<std::shared_ptr<const PartnerDirectory>()> partners;
  // The townships (with English names) and their villages: whoami, the directory (read-only).
  std::shared_ptr<const PlaceDirectory> places;
};

class Api {
 public:
  using Reply = std::function<void(ApiResponse)>;
  explicit Api(ApiDeps deps);

  void handle(ApiRequest req, Reply reply);
  // Answers a request the socket layer rejected before it was whole (413, 431, 400, timeouts),
  // so that every rejection is counted in one place.
  void countRejected(const std::string& reason);
  // Counts a refusal of bad input under `reason` (xianjie_http_rejections_total) and passes the
  // response on: `finish(req, reply, counted("invalid", error(400, ...)))`.
  ApiResponse counted(const std::string& reason, ApiResponse res) {
    countRejected(reason);
    return res;
  }
  void setStopping() { stopping_.store(true); }

  static ApiResponse error(int status, const std::string& code, const std::string& message,
                           const Problems& problems = {});

 private:
  void route(size_t row, ApiRequest req, Reply reply);
  // The web console's static files: public, no personal data in them (console_static.cpp).
  static ApiResponse consoleFile(std::string_view name);
  void faults(ApiRequest req, Reply reply);
  void ingest(MessageKind kind, ApiRequest req, Reply reply);
  void getMessage(const std::string& id, ApiRequest req, Reply reply);
  void evaluate(ApiRequest req, Reply reply);
  // Staff work: /v1/queues... (queues_api.cpp).
  void queues(const std::string& path, ApiRequest req, Reply reply);
  void queueAction(const Principal& who, const routing::Queue& queue, int64_t item,
                   const std::string& action, std::shared_ptr<ApiRequest> req, Reply reply);
  void pollEvents(std::string queue, int64_t after, std::chrono::steady_clock::time_point until,
                  uint64_t seen_version, std::shared_ptr<ApiRequest> req, Reply reply);
  // The outbox: /v1/outbox... (outbox_api.cpp).
  void outbox(const std::string& path, ApiRequest req, Reply reply);
  void enqueueOutboundFault(const std::string& json, ApiRequest req, Reply reply);
  // Exchanges: /v1/exchanges... (exchanges_api.cpp).
  void exchanges(const std::string& path, ApiRequest req, Reply reply);
  void listExchanges(const Principal& who, std::shared_ptr<ApiRequest> req, Reply reply);
  void suggestions(const Principal& who, std::shared_ptr<ApiRequest> req, Reply reply);
  void createExchange(const Principal& who, std::shared_ptr<ApiRequest> req, Reply reply);
  void exchangeEvent(const Principal& who, int64_t id, std::shared_ptr<ApiRequest> req,
                     Reply reply);
  void exchangeReport(ApiRequest req, Reply reply);
  void exchangeDone(const ApiRequest& req, const Reply& reply, const ExchangeCommandResult& r,
                    int ok_status);
  // The console's endpoints (console_api.cpp) and the township report (reports_api.cpp).
  void whoami(ApiRequest req, Reply reply);
  void directory(ApiRequest req, Reply reply);
  void repeatCaller(ApiRequest req, Reply reply);
  void myMessages(ApiRequest req, Reply reply);
  void townshipReport(ApiRequest req, Reply reply);

  std::optional<Principal> authenticate(const ApiRequest& req) const;
  // Who may read a stored message (names, ID numbers, phones): see api.cpp.
  static bool mayRead(const Principal& p, const StoredMessage& m);
  // The common start of a handler: a valid token (else 401 with WWW-Authenticate) whose role is
  // one of `roles` (else 403; an empty list admits every role). On refusal it has answered and
  // returns nullopt; the refusal is logged with the token id only.
  std::optional<Principal> authorize(const ApiRequest& req, const Reply& reply,
                                     std::initializer_list<Role> roles, const char* what);
  // 400 with every problem listed, counted in xianjie_http_rejections_total{reason="invalid"}.
  void replyProblems(const ApiRequest& req, const Reply& reply, const std::string& code,
                     const Problems& problems);
  // 503 when the store could not take the read (overloaded) or failed it (storage_unavailable).
  void replyUnavailable(const ApiRequest& req, const Reply& reply, bool overloaded);
  void replyJson(const ApiRequest& req, const Reply& reply, std::string body);
  void finish(const ApiRequest& req, const Reply& reply, ApiResponse res);
  // Counters are looked up once here and cached: the ingest path then only does atomic adds.
  Counter& outcome(MessageKind kind, const std::string& outcome);
  Counter& rejection(const std::string& reason);

  ApiDeps deps_;
  Histogram& latency_;
  std::map<std::pair<int, std::string>, Counter*> outcomes_;  // filled in the constructor only
  std::map<std::string, Counter*> rejections_;                // filled in the constructor only
  std::atomic<bool> stopping_{false};
};

}  // namespace xj::http
