#include "adapters/http/api.h"

#include <tuple>

#include "adapters/http/admin_api.h"
#include "adapters/http/api_support.h"
#include "adapters/http/audit_api.h"
#include "adapters/http/console_api.h"
#include "adapters/http/console_static.h"
#include "adapters/http/eligibility_api.h"
#include "adapters/http/exchanges_api.h"
#include "adapters/http/health_api.h"
#include "adapters/http/http_util.h"
#include "adapters/http/messages_api.h"
#include "adapters/http/outbox_api.h"
#include "adapters/http/queues_api.h"
#include "adapters/http/reports_api.h"
#include "adapters/http/route_match.h"
#include "adapters/http/vocabulary_api.h"

namespace xj::http {

// Every resource's handlers, one object each, built once on the shared state.
struct ApiResources {
  explicit ApiResources(ApiShared& s)
      : all(ConsoleFiles(s), HealthApi(s), MessagesApi(s), EligibilityApi(s), QueuesApi(s),
            OutboxApi(s), ExchangesApi(s), ReportsApi(s), ConsoleApi(s), VocabularyApi(s),
            AdminApi(s), AuditApi(s)) {}
  std::tuple<ConsoleFiles, HealthApi, MessagesApi, EligibilityApi, QueuesApi, OutboxApi,
             ExchangesApi, ReportsApi, ConsoleApi, VocabularyApi, AdminApi, AuditApi>
      all;
};

namespace {

using Handler = void (*)(ApiResources&, ApiRequest, Api::Reply);

template <class M>
struct HandlerClass;
template <class C>
struct HandlerClass<void (C::*)(ApiRequest, Api::Reply)> {
  using type = C;
};

// A row's handler: `on<&QueuesApi::list>` calls that member of the queues' handler object.
template <auto method>
void on(ApiResources& r, ApiRequest req, Api::Reply reply) {
  using Resource = typename HandlerClass<decltype(method)>::type;
  (std::get<Resource>(r.all).*method)(std::move(req), std::move(reply));
}

struct Route {
  RouteSpec spec;
  Handler handler;
};

// What the hub serves, in one place. Add a row here, to openapi.json and to the authorization
// matrix (tests/integration/authz_matrix_test.cpp): the tests fail until all three agree.
const std::vector<Route>& routes() {
  static const std::vector<Route> kRoutes = {
      {{"GET", "/", AccessUse::kNone}, on<&ConsoleFiles::index>},
      {{"GET", "/console/{file}", AccessUse::kNone}, on<&ConsoleFiles::file>},
      {{"GET", "/healthz", AccessUse::kNone}, on<&HealthApi::healthz>},
      {{"GET", "/readyz", AccessUse::kNone}, on<&HealthApi::readyz>},
      {{"GET", "/metrics", AccessUse::kNone}, on<&HealthApi::metrics>},
      {{"GET", "/v1/openapi.json", AccessUse::kNone}, on<&HealthApi::openApi>},
      {{"POST", "/v1/tickets", AccessUse::kNone}, on<&MessagesApi::ticket>},
      {{"POST", "/v1/referrals", AccessUse::kNone}, on<&MessagesApi::referral>},
      {{"POST", "/v1/notifications", AccessUse::kNone}, on<&MessagesApi::notification>},
      {{"GET", "/v1/messages/{id}", AccessUse::kRead}, on<&MessagesApi::get>},
      {{"POST", "/v1/eligibility/evaluate", AccessUse::kNone}, on<&EligibilityApi::evaluate>},
      {{"GET", "/v1/queues", AccessUse::kNone}, on<&QueuesApi::list>},
      {{"GET", "/v1/queues/{queue}/items", AccessUse::kRead}, on<&QueuesApi::items>},
      {{"GET", "/v1/queues/{queue}/items/{item}", AccessUse::kRead}, on<&QueuesApi::item>},
      {{"POST", "/v1/queues/{queue}/items/{item}/claim", AccessUse::kChange},
       on<&QueuesApi::claim>},
      {{"POST", "/v1/queues/{queue}/items/{item}/release", AccessUse::kChange},
       on<&QueuesApi::release>},
      {{"POST", "/v1/queues/{queue}/items/{item}/transfer", AccessUse::kChange},
       on<&QueuesApi::transfer>},
      {{"POST", "/v1/queues/{queue}/items/{item}/notes", AccessUse::kChange}, on<&QueuesApi::note>},
      {{"POST", "/v1/queues/{queue}/items/{item}/progress", AccessUse::kChange},
       on<&QueuesApi::progress>},
      {{"POST", "/v1/queues/{queue}/items/{item}/resolve", AccessUse::kChange},
       on<&QueuesApi::resolve>},
      {{"POST", "/v1/queues/{queue}/items/{item}/reassign", AccessUse::kChange},
       on<&QueuesApi::reassign>},
      {{"GET", "/v1/queues/{queue}/events", AccessUse::kNone}, on<&QueuesApi::events>},
      {{"GET", "/v1/outbox", AccessUse::kNone}, on<&OutboxApi::list>},
      {{"POST", "/v1/outbox/{id}/replay", AccessUse::kChange}, on<&OutboxApi::replay>},
      {{"POST", "/v1/exchanges", AccessUse::kChange}, on<&ExchangesApi::create>},
      {{"GET", "/v1/exchanges", AccessUse::kRead}, on<&ExchangesApi::list>},
      {{"GET", "/v1/exchanges/suggestions", AccessUse::kNone},
       on<&ExchangesApi::suggestions>},  // before {id}
      {{"GET", "/v1/exchanges/{id}", AccessUse::kRead}, on<&ExchangesApi::get>},
      {{"POST", "/v1/exchanges/{id}/events", AccessUse::kChange}, on<&ExchangesApi::event>},
      {{"GET", "/v1/reports/exchanges", AccessUse::kRead}, on<&ReportsApi::exchanges>},
      {{"GET", "/v1/whoami", AccessUse::kNone}, on<&ConsoleApi::whoami>},
      {{"GET", "/v1/directory/townships", AccessUse::kNone}, on<&ConsoleApi::directory>},
      {{"GET", "/v1/vocabulary", AccessUse::kNone}, on<&VocabularyApi::get>},
      {{"POST", "/v1/lookups/repeat-caller", AccessUse::kRead}, on<&ConsoleApi::repeatCaller>},
      {{"GET", "/v1/messages", AccessUse::kNone}, on<&MessagesApi::listOwn>},
      {{"GET", "/v1/reports/townships", AccessUse::kNone}, on<&ReportsApi::townships>},
      // Who looked at an item's or exchange's file: reading it is itself recorded.
      {{"GET", "/v1/audit", AccessUse::kRead}, on<&AuditApi::list>},
      {{"POST", "/v1/admin/faults", AccessUse::kNone, true}, on<&AdminApi::faults>},
  };
  return kRoutes;
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

Api::Api(ApiDeps deps)
    : shared_(std::make_unique<ApiShared>(std::move(deps))),
      resources_(std::make_unique<ApiResources>(*shared_)) {}

Api::~Api() = default;

void Api::countRejected(const std::string& reason) { shared_->rejections.at(reason)->inc(); }

void Api::setStopping() { shared_->stopping.store(true); }

ApiResponse Api::error(int status, const std::string& code, const std::string& message,
                       const Problems& problems) {
  return errorResponse(status, code, message, problems);
}

void Api::handle(ApiRequest req, Reply reply) {
  const auto segments = splitPath(pathOf(req.target));
  // HEAD is answered like GET (Beast drops the body).
  const std::string_view method = req.method == "HEAD" ? std::string_view("GET") : req.method;
  std::string allow;
  for (const auto& r : routes()) {
    if (r.spec.fault_injection_only && !shared_->deps.set_max_page_count) continue;
    if (!matchesRoute(r.spec.path, segments, nullptr)) continue;
    if (r.spec.method == method) {
      matchesRoute(r.spec.path, segments, &req.params);
      req.route = &r.spec;
      return r.handler(*resources_, std::move(req), std::move(reply));
    }
    if (allow.find(r.spec.method) == std::string::npos)
      allow += (allow.empty() ? "" : ", ") + std::string(r.spec.method);
  }
  if (allow.empty())
    return shared_->finish(req, reply, error(404, "not_found", "no such endpoint"));
  auto res = error(405, "method_not_allowed", "use " + allow);
  res.headers.emplace_back("Allow", allow);
  shared_->finish(req, reply, std::move(res));
}

}  // namespace xj::http
