// The console's API (issue 12) against the real daemon over real HTTP: who is signed in, the
// place pickers, the repeat-caller hint, an organisation's recent messages, the township report
// and the item page. Scopes are those of the rest of the API; the authorization matrix
// (authz_matrix_test.cpp) covers every caller, these tests what each answer holds.
#include <catch2/catch.hpp>

#include <rapidjson/document.h>

#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "tests/support/child_process.h"
#include "tests/support/daemon.h"
#include "tests/support/http_client.h"
#include "tests/support/test_env.h"

using namespace xj::test;

namespace {

using Headers = std::map<std::string, std::string>;

rapidjson::Document json(const std::string& s) {
  rapidjson::Document d;
  d.Parse(s.c_str());
  return d;
}

std::string s(const rapidjson::Value& v) { return v.IsString() ? v.GetString() : "<not a string>"; }

const char* const kJiangnan = "451229205";
const char* const kBaima = "451229202";

// A hub with one principal of each kind; its clock set (deadlines and reports depend on it).
struct Hub {
  Daemon d{R"("fault_injection": true)"};
  std::string hotline, hotline2, charity, county, jiangnan, baima, admin;
  explicit Hub(const std::string& now = "2025-03-10T10:00:00+08:00") {
    hotline = d.token("hotline-demo", "hotline");
    hotline2 = d.token("hotline-2", "hotline");
    charity = d.token("charity-1", "charity");
    county = d.token("county-bureau", "staff");
    jiangnan = d.token("jiangnan-team", "staff", {kJiangnan});
    baima = d.token("baima-team", "staff", {kBaima});
    admin = d.token("bureau-admin", "admin");
    d.setClock(now);
    d.start();
  }
  HttpResponse get(const std::string& path, const std::string& token, Headers h = {}) {
    if (!token.empty()) h["Authorization"] = "Bearer " + token;
    return httpRequest(d.port(), "GET", path, "", h);
  }
  HttpResponse post(const std::string& path, const std::string& body, const std::string& token) {
    return httpRequest(
        d.port(), "POST", path, body,
        {{"Authorization", "Bearer " + token}, {"Content-Type", "application/json"}});
  }
};

}  // namespace

TEST_CASE("whoami names the token's organisation, role and townships with their names",
          "[console_api]") {
  Hub h;
  auto r = h.get("/v1/whoami", h.jiangnan);
  REQUIRE(r.status == 200);
  auto doc = json(r.body);
  CHECK(s(doc["token_id"]) == h.jiangnan.substr(4, 12));
  CHECK(s(doc["org"]) == "jiangnan-team");
  CHECK(s(doc["role"]) == "staff");
  REQUIRE(doc["townships"].Size() == 1);
  CHECK(s(doc["townships"][0]["code"]) == kJiangnan);
  CHECK(s(doc["townships"][0]["name_zh"]) == "江南乡");
  CHECK(s(doc["townships"][0]["name_en"]) == "Jiangnan Township");
  CHECK(doc["county_wide"].GetBool() == false);
  // The secret part of the token is never echoed.
  CHECK(r.body.find(h.jiangnan.substr(17)) == std::string::npos);

  auto county = json(h.get("/v1/whoami", h.county).body);
  CHECK(county["townships"].Size() == 0);
  CHECK(county["county_wide"].GetBool());
  CHECK(json(h.get("/v1/whoami", h.admin).body)["county_wide"].GetBool());
  auto hot = json(h.get("/v1/whoami", h.hotline).body);
  CHECK(s(hot["role"]) == "hotline");
  CHECK(s(hot["org"]) == "hotline-demo");
  CHECK(hot["county_wide"].GetBool() == false);

  auto none = h.get("/v1/whoami", "");
  CHECK(none.status == 401);
  CHECK(none.headers["www-authenticate"] == "Bearer");
  CHECK(h.get("/v1/whoami", "xjt_000000000000_" + std::string(64, '0')).status == 401);
}

TEST_CASE("the directory lists the 16 townships with their villages from config/villages.jsonc",
          "[console_api]") {
  Hub h;
  auto r = h.get("/v1/directory/townships", h.hotline);
  REQUIRE(r.status == 200);
  auto doc = json(r.body);
  REQUIRE(doc["townships"].IsArray());
  REQUIRE(doc["townships"].Size() == 16);
  CHECK(doc["villages_are_examples"].GetBool());
  std::set<std::string> codes;
  const rapidjson::Value* jiangnan = nullptr;
  for (auto& t : doc["townships"].GetArray()) {
    codes.insert(s(t["code"]));
    CHECK_FALSE(s(t["name_en"]).empty());
    CHECK(t["villages"].Size() > 0);
    for (auto& v : t["villages"].GetArray()) CHECK(s(v["code"]).rfind(s(t["code"]), 0) == 0);
    if (s(t["code"]) == kJiangnan) jiangnan = &t;
  }
  CHECK(codes.size() == 16);
  REQUIRE(jiangnan != nullptr);
  CHECK(s((*jiangnan)["name_zh"]) == "江南乡");
  CHECK(s((*jiangnan)["villages"][0]["name_zh"]) == "示例社区");
  CHECK(h.get("/v1/directory/townships", "").status == 401);
}

TEST_CASE("a bad village file stops the hub at start with every problem named", "[console_api]") {
  Daemon d;
  const std::string bad = d.dir() + "/villages.jsonc";
  std::ofstream(bad) << R"({"townships": [{"code": "451229999", "name_en": "X", "villages": []}]})";
  std::stringstream config;
  config << std::ifstream(d.configPath()).rdbuf();
  std::string text = config.str();
  const std::string shipped = std::string(XJ_SOURCE_DIR) + "/config/villages.jsonc";
  auto at = text.find(shipped);
  REQUIRE(at != std::string::npos);
  text.replace(at, shipped.size(), bad);
  std::ofstream(d.configPath()) << text;
  int rc = 0;
  std::string out =
      runCommand(std::string(XJ_DAEMON) + " --config '" + d.configPath() + "' 2>&1", &rc);
  CHECK(rc == 1);
  CHECK(out.find("/townships/0/code") != std::string::npos);
  CHECK(out.find("451229205") != std::string::npos);  // Jiangnan, among the missing ones
}
