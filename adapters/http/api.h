// Api: the HTTP API's router, independent of the socket layer (http_server.h feeds it). It matches
// a request against the route table once, parses the row's path parameters into the request and
// calls the handler the row names; a path served under other methods gets 405 with Allow from
// the table. The handlers live by resource (queues_api.h, exchanges_api.h, ...), on the helpers
// of api_support.h.
//
// Threads: handle() runs on an I/O thread and never blocks: storage work goes to the store's
// threads, and `reply` is then called from one of those. The caller must post the reply back to
// its own connection's strand. Api is shared by all connections; its state is thread-safe.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "adapters/http/route_match.h"
#include "adapters/reception/reception.h"
#include "hub/core/access_record.h"
#include "hub/core/clock.h"
#include "hub/core/message_store.h"
#include "hub/core/metrics.h"
#include "hub/core/outbox_store.h"
#include "hub/core/partner_directory.h"
#include "hub/core/place_directory.h"
#include "hub/core/work_store.h"
#include "hub/security/token_registry.h"
#include "routing/work/work_service.h"

namespace xj::http {

// What a route does with personal data, for the access record (hub/core/access_record.h). Each
// row of the route table states it, and a test walks the table against its own list, so a new
// route cannot go unclassified. A successful answer (2xx) of a kRead or kChange route to a
// known token is recorded by ApiShared::finish, the one place every answer passes through.
enum class AccessUse {
  kUnstated,  // a row that forgot: recorded as a read (and the route-table test fails)
  kNone,      // touches no stored personal data (probes, counts, the caller's own input)
  kRead,      // shows stored personal data
  kChange,    // changes work about a person or sends their data out
};

// One row of the router: a method and an OpenAPI path template ("/v1/queues/{queue}/items").
// The router dispatches from this table only; the OpenAPI document lists the same rows (a unit
// test compares them) and the authorization matrix test must cover every row.
struct RouteSpec {
  std::string_view method;
  std::string_view path;
  AccessUse access = AccessUse::kUnstated;
  bool fault_injection_only = false;  // served only when store.fault_injection is on
};
const std::vector<RouteSpec>& routeTable();

// What the access record will say of a request, beyond its route and path: who (set by
// ApiHandlers::authorize) and which persons the answer showed (added by the handler, on the
// store's thread before it answers). Shared by the copies of the request a handler makes.
struct AccessNote {
  std::optional<Principal> who;
  std::vector<std::string> person_keys;  // PersonKeyer id keys, hex
  std::string objects;                   // ids beyond the path's ("exchange=12")
};

struct ApiRequest {
  std::string method;
  std::string target;  // path and query
  std::string content_type;
  std::string authorization;
  std::string accept;           // the Accept header (reports: text/csv)
  std::string idempotency_key;  // the Idempotency-Key header (exchange events)
  std::string purpose;          // the X-Purpose header: why personal data is read (access record)
  std::string body;
  std::chrono::steady_clock::time_point started;
  PathParams params;                 // filled by the router from the matched row
  const RouteSpec* route = nullptr;  // the matched row (set by the router)
  std::shared_ptr<AccessNote> access = std::make_shared<AccessNote>();
};

struct ApiResponse {
  int status = 200;
  std::string body;
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;
};

// What the API needs from the rest of the hub; all references outlive the Api.
struct ApiDeps {
  MessageStore& store;  // reads (the writes go through `service`)
  WorkStore& work;      // reads
  // Every write: the handlers parse, authorize, call it and encode its answer.
  const routing::WorkService& service;
  const security::TokenRegistry& tokens;
  const reception::Reception& reception;
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
  // GET /v1/outbox, replays (and enqueue_outbound faults), a pages-only partner's open of an
  // exchange (its rows marked delivered).
  OutboxStore* outbox = nullptr;
  // The partner directory as it is now (exchanges: partners, suggestions, minimisation).
  std::function<std::shared_ptr<const PartnerDirectory>()> partners;
  // The townships (with English names) and their villages: whoami, the directory (read-only).
  std::shared_ptr<const PlaceDirectory> places;
  // The access record (hub/security/access_recorder.h); null: nothing is recorded (unit tests).
  AccessLog* access = nullptr;
  // Requests a second per bearer token (0: no limit) and its burst (http.rate_limit_per_token).
  int rate_limit_per_token = 0;
  int rate_burst_per_token = 1;
};

struct ApiShared;
struct ApiResources;

class Api {
 public:
  using Reply = std::function<void(ApiResponse)>;
  explicit Api(ApiDeps deps);
  ~Api();

  void handle(ApiRequest req, Reply reply);
  // Answers a request the socket layer rejected before it was whole (413, 431, 400, timeouts),
  // so that every rejection is counted in one place.
  void countRejected(const std::string& reason);
  void setStopping();

  static ApiResponse error(int status, const std::string& code, const std::string& message,
                           const Problems& problems = {});

 private:
  std::unique_ptr<ApiShared> shared_;
  std::unique_ptr<ApiResources> resources_;  // each resource's handlers, on shared_
};

}  // namespace xj::http
