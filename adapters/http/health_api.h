// The operator's endpoints: /healthz (the process answers), /readyz (the store, MQTT and not
// stopping), /metrics (Prometheus text) and the OpenAPI document. Public: no token, and nothing
// in them names a person. I/O thread only; they never touch the store.
#pragma once

#include "adapters/http/api_support.h"

namespace xj::http {

class HealthApi : public ApiHandlers {
 public:
  explicit HealthApi(ApiShared& shared) : ApiHandlers(shared) {}

  void healthz(ApiRequest req, Reply reply);
  void readyz(ApiRequest req, Reply reply);
  void metrics(ApiRequest req, Reply reply);
  void openApi(ApiRequest req, Reply reply);
};

}  // namespace xj::http
