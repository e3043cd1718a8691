// The router's table and the OpenAPI document list the same endpoints: a route added to one and
// not the other fails here (and the authorization matrix test fails for a route it lacks).
#include <catch2/catch.hpp>

#include <rapidjson/document.h>

#include <cctype>
#include <set>
#include <string>

#include "adapters/http/api.h"
#include "adapters/http/openapi_document.h"

namespace {

std::string upper(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

TEST_CASE("every route the router serves is in the OpenAPI document, and nothing else is",
          "[http][openapi]") {
  rapidjson::Document doc;
  doc.Parse(xj::http::kOpenApiDocument.data(), xj::http::kOpenApiDocument.size());
  REQUIRE_FALSE(doc.HasParseError());
  std::set<std::string> documented, routed, fault_only_documented, fault_only_routed;
  for (auto& p : doc["paths"].GetObject()) {
    for (auto& op : p.value.GetObject()) {
      std::string method = op.name.GetString();
      if (method == "parameters") continue;
      std::string key = upper(method) + " " + p.name.GetString();
      documented.insert(key);
      if (op.value.HasMember("x-fault-injection-only")) fault_only_documented.insert(key);
    }
  }
  for (const auto& r : xj::http::routeTable()) {
    std::string key = std::string(r.method) + " " + std::string(r.path);
    CHECK(routed.insert(key).second);  // no row twice
    if (r.fault_injection_only) fault_only_routed.insert(key);
  }
  CHECK(routed == documented);
  CHECK(fault_only_routed == fault_only_documented);
  CHECK(routed.size() >= 20);
}
