#include "adapters/http/api.h"

#include <tuple>

#include "adapters/http/admin_api.h"
#include "adapters/http/api_support.h"
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
            AdminApi(s)) {}
  std::tuple<ConsoleFiles, HealthApi, MessagesApi, EligibilityApi, QueuesApi, OutboxApi,
             ExchangesApi, ReportsApi, ConsoleApi, VocabularyApi, AdminApi>
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
      {{"GET", "/"}, on<&ConsoleFiles::index>},
      {{"GET", "/console/{file}"}, on<&ConsoleFiles::file>},
      {{"GET", "/healthz"}, on<&HealthApi::healthz>},
      {{"GET", "/readyz"}, on<&HealthApi::readyz>},
      {{"GET", "/metrics"}, on<&HealthApi::metrics>},
      {{"GET", "/v1/openapi.json"}, on<&HealthApi::openApi>},
      {{"POST", "/v1/tickets"}, on<&MessagesApi::ticket>},
      {{"POST", "/v1/referrals"}, on<&MessagesApi::referral>},
      {{"POST", "/v1/notifications"}, on<&MessagesApi::notification>},
      {{"GET", "/v1/messages/{id}"}, on<&MessagesApi::get>},
      {{"POST", "/v1/eligibility/evaluate"}, on<&EligibilityApi::evaluate>},
      {{"GET", "/v1/queues"}, on<&QueuesApi::list>},
      {{"GET", "/v1/queues/{queue}/items"}, on<&QueuesApi::items>},
      {{"GET", "/v1/queues/{queue}/items/{item}"}, on<&QueuesApi::item>},
      {{"POST", "/v1/queues/{queue}/items/{item}/claim"}, on<&QueuesApi::claim>},
      {{"POST", "/v1/queues/{queue}/items/{item}/release"}, on<&QueuesApi::release>},
      {{"POST", "/v1/queues/{queue}/items/{item}/transfer"}, on<&QueuesApi::transfer>},
      {{"POST", "/v1/queues/{queue}/items/{item}/notes"}, on<&QueuesApi::note>},
      {{"POST", "/v1/queues/{queue}/items/{item}/progress"}, on<&QueuesApi::progress>},
      {{"POST", "/v1/queues/{queue}/items/{item}/resolve"}, on<&QueuesApi::resolve>},
      {{"POST", "/v1/queues/{queue}/items/{item}/reassign"}, on<&QueuesApi::reassign>},
      {{"GET", "/v1/queues/{queue}/events"}, on<&QueuesApi::events>},
      {{"GET", "/v1/outbox"}, on<&OutboxApi::list>},
      {{"POST", "/v1/outbox/{id}/replay"}, on<&OutboxApi::replay>},
      {{"POST", "/v1/exchanges"}, on<&ExchangesApi::create>},
      {{"GET", "/v1/exchanges"}, on<&ExchangesApi::list>},
      {{"GET", "/v1/exchanges/suggestions"}, on<&ExchangesApi::suggestions>},  // before {id}
      {{"GET", "/v1/exchanges/{id}"}, on<&ExchangesApi::get>},
      {{"POST", "/v1/exchanges/{id}/events"}, on<&ExchangesApi::event>},
      {{"GET", "/v1/reports/exchanges"}, on<&ReportsApi::exchanges>},
      {{"GET", "/v1/whoami"}, on<&ConsoleApi::whoami>},
      {{"GET", "/v1/directory/townships"}, on<&ConsoleApi::directory>},
      {{"GET", "/v1/vocabulary"}, on<&VocabularyApi::get>},
      {{"POST", "/v1/lookups/repeat-caller"}, on<&ConsoleApi::repeatCaller>},
      {{"GET", "/v1/messages"}, on<&MessagesApi::listOwn>},
      {{"GET", "/v1/reports/townships"}, on<&ReportsApi::townships>},
      {{"POST", "/v1/admin/faults", true}, on<&AdminApi::faults>},
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
