#include "adapters/http/console_static.h"

#include "adapters/console/console_assets.h"

namespace xj::http {

void ConsoleFiles::index(ApiRequest req, Reply reply) {
  finish(req, reply, consoleFile(console::kIndexFile));
}

void ConsoleFiles::file(ApiRequest req, Reply reply) {
  finish(req, reply, consoleFile(req.params["file"]));
}

ApiResponse ConsoleFiles::consoleFile(std::string_view name) {
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
