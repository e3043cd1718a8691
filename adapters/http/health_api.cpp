#include "adapters/http/health_api.h"

#include "adapters/http/openapi_document.h"

namespace xj::http {

void HealthApi::healthz(ApiRequest req, Reply reply) {
  finish(req, reply, ApiResponse{200, R"({"status":"ok"})", "application/json", {}});
}

void HealthApi::readyz(ApiRequest req, Reply reply) {
  bool store_ok = deps_.store_healthy();
  bool extra_ok = !deps_.ready || deps_.ready();
  bool ok = store_ok && extra_ok && !stopping();
  std::string body = std::string(R"({"ready":)") + (ok ? "true" : "false") + R"(,"store":)" +
                     (store_ok ? "true" : "false") + R"(,"stopping":)" +
                     (stopping() ? "true" : "false") + "}";
  finish(req, reply, ApiResponse{ok ? 200 : 503, body, "application/json", {}});
}

void HealthApi::metrics(ApiRequest req, Reply reply) {
  finish(req, reply, ApiResponse{200, deps_.metrics.render(), "text/plain; version=0.0.4", {}});
}

void HealthApi::openApi(ApiRequest req, Reply reply) {
  finish(req, reply, ApiResponse{200, std::string(kOpenApiDocument), "application/json", {}});
}

}  // namespace xj::http
