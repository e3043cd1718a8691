// GET / and GET /console/{file}: the web console's embedded files (adapters/console). Public like
// /healthz: the files hold no personal data; the page then calls the API with the user's token.
#include "adapters/console/console_assets.h"
#include "adapters/http/api.h"

namespace xj::http {

ApiResponse Api::consoleFile(std::string_view name) {
  auto asset = console::findAsset(name);
  if (!asset) return error(404, "not_found", "no such console file");
  ApiResponse res;
  res.body = std::string(asset->body);
  res.content_type = std::string(asset->content_type);
  res.headers = {
      {"Cache-Control", "no-cache"},
      {"Content-Security-Policy", std::string(console::kContentSecurityPolicy)},
      {"X-Content-Type-Options", "nosniff"},
      {"Referrer-Policy", "no-referrer"},
      {"X-Frame-Options", "DENY"},
  };
  return res;
}

}  // namespace xj::http
