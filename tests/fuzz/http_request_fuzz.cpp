// Fuzz target: the raw bytes a client sends on the hub's listener, up to the point where the
// router hands a request to a handler. Beast's request parser with the server's limits (a 16 KiB
// head; the default 64 KiB body), then, on a complete request, what the hub itself does with its
// head: the path split and percent-decoded, matched against every path template the hub serves,
// the parameters and query values read as ids and days, the report period, the content type. The
// socket, the timers and the handlers are left out: they take only what this parsed.
#include <rapidjson/document.h>

#include <boost/beast/core/error.hpp>
#include <boost/beast/http.hpp>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/http/http_util.h"
#include "adapters/http/openapi_document.h"
#include "adapters/http/route_match.h"
#include "tests/fuzz/fuzz_support.h"

using namespace xj;
namespace bhttp = boost::beast::http;

namespace {

// The router's path templates. Its table (adapters/http/api.cpp) pairs each row with a handler
// of the whole API, which this build leaves out; the OpenAPI document the hub serves lists the
// same rows (tests/unit/http/route_table_openapi_test.cpp holds the two equal), so the templates
// are read from it: a route added to the hub is fuzzed without an edit here.
const std::vector<std::string>& templates() {
  static const std::vector<std::string> kTemplates = [] {
    rapidjson::Document doc;
    doc.Parse(http::kOpenApiDocument.data(), http::kOpenApiDocument.size());
    std::vector<std::string> out;
    if (!doc.HasParseError() && doc.IsObject() && doc.HasMember("paths") && doc["paths"].IsObject())
      for (const auto& p : doc["paths"].GetObject())
        out.emplace_back(p.name.GetString(), p.name.GetStringLength());
    if (out.size() < 20) std::abort();  // the document changed shape: the target would test less
    return out;
  }();
  return kTemplates;
}

void readHead(const std::string& target, const std::string& content_type) {
  const auto segments = http::splitPath(http::pathOf(target));
  for (const std::string& tmpl : templates()) {
    http::PathParams params;
    if (!http::matchesRoute(tmpl, segments, &params)) continue;
    int64_t id = 0;
    (void)http::parseDecimalId(params["id"], id);
    (void)http::parseDecimalId(params["item"], id);
  }
  const auto query = http::parseQuery(target);
  for (const auto& [key, value] : query) {
    int64_t n = 0;
    (void)http::parseDecimalId(value, n);
    Problems problems;
    (void)http::parseServedDay(key, value, problems);
  }
  Problems problems;
  (void)http::parseDayRange(query, problems);
  (void)http::isJsonContentType(content_type);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  bhttp::request_parser<bhttp::string_body> parser;
  parser.header_limit(16 * 1024);
  parser.body_limit(64 * 1024);
  parser.eager(true);
  std::string_view rest(reinterpret_cast<const char*>(data), size);
  boost::beast::error_code ec;
  // The bytes as one buffer, fed until the parser stops taking them (it may need several calls:
  // the head, then the body).
  while (!rest.empty() && !parser.is_done()) {
    size_t used = parser.put(boost::asio::buffer(rest.data(), rest.size()), ec);
    if (ec == bhttp::error::need_more) break;
    if (ec || used == 0) return 0;
    rest.remove_prefix(used);
  }
  if (!parser.is_done()) {
    // The server sees end of stream only after some bytes (put_eof asserts on a fresh parser).
    if (!parser.got_some()) return 0;
    parser.put_eof(ec);
    if (ec || !parser.is_done()) return 0;
  }
  const auto& req = parser.get();
  readHead(std::string(req.target()), std::string(req[bhttp::field::content_type]));
  (void)std::string(req["Idempotency-Key"]);
  return 0;
}
