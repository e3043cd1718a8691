// What the web console needs beyond the staff and sender endpoints, on the same tokens and
// scopes (the console has no private endpoint): who is signed in, the place pickers and the
// repeat-caller hint of the call form. I/O thread; the store answers on its threads.
#pragma once

#include "adapters/http/api_support.h"

namespace xj::http {

class ConsoleApi : public ApiHandlers {
 public:
  explicit ConsoleApi(ApiShared& shared) : ApiHandlers(shared) {}

  void whoami(ApiRequest req, Reply reply);
  void directory(ApiRequest req, Reply reply);
  void repeatCaller(ApiRequest req, Reply reply);
};

}  // namespace xj::http
