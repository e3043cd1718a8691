// POST /v1/eligibility/evaluate: a household described in the body, evaluated against the
// standards in force (the rules core, adapters/household); staff and admin. Nothing is stored.
// I/O thread only.
#pragma once

#include "adapters/http/api_support.h"

namespace xj::http {

class EligibilityApi : public ApiHandlers {
 public:
  explicit EligibilityApi(ApiShared& shared) : ApiHandlers(shared) {}

  void evaluate(ApiRequest req, Reply reply);
};

}  // namespace xj::http
