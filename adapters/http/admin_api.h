// POST /v1/admin/faults: fault injection for tests and the benchmark (pause the writer, fail
// writes, move the clock, run the sweep, write an outbox row). Routed only when
// store.fault_injection is on; admin only. I/O thread; the store answers on its threads.
#pragma once

#include <string>

#include "adapters/http/api_support.h"

namespace xj::http {

class AdminApi : public ApiHandlers {
 public:
  explicit AdminApi(ApiShared& shared) : ApiHandlers(shared) {}

  void faults(ApiRequest req, Reply reply);

 private:
  void enqueueOutboundFault(const std::string& json, ApiRequest req, Reply reply);
};

}  // namespace xj::http
