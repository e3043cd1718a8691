// GET / and GET /console/{file}: the web console's embedded files (adapters/console). Public like
// /healthz: the files hold no personal data; the page then calls the API with the user's token.
// I/O thread only.
#pragma once

#include <string_view>

#include "adapters/http/api_support.h"

namespace xj::http {

class ConsoleFiles : public ApiHandlers {
 public:
  explicit ConsoleFiles(ApiShared& shared) : ApiHandlers(shared) {}

  void index(ApiRequest req, Reply reply);
  void file(ApiRequest req, Reply reply);

 private:
  static ApiResponse consoleFile(std::string_view name);
};

}  // namespace xj::http
