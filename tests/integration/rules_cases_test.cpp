// Every reference household of the specification (tests/data/rules/cases, one row per file, read
// at run time: a new case file is a new row) through both ways in -- `xianjie eval` and POST
// /v1/eligibility/evaluate on the real daemon -- each answer checked against every field of the
// case's `expected` (tests/support/case_expectations.h), and the two answers equal.
#include <rapidjson/document.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "tests/support/case_expectations.h"
#include "tests/support/child_process.h"
#include "tests/support/daemon.h"
#include "tests/support/http_client.h"

using namespace xj::test;

namespace {

std::string readAll(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::ostringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

std::vector<std::string> caseFiles() {
  std::vector<std::string> out;
  for (const auto& e :
       std::filesystem::directory_iterator(std::string(XJ_RULES_DATA_DIR) + "/cases"))
    if (e.path().extension() == ".json") out.push_back(e.path().string());
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

TEST_CASE("every case file: xianjie eval and the evaluate endpoint meet every expectation",
          "[rules][cases]") {
  Daemon d;
  std::string staff = d.token("county-bureau", "staff");
  d.start();
  auto files = caseFiles();
  REQUIRE(files.size() >= 20);
  for (const auto& file : files) {
    std::string name = std::filesystem::path(file).filename().string();
    INFO(name);
    std::string text = readAll(file);
    rapidjson::Document c;
    c.Parse(text.c_str());
    REQUIRE_FALSE(c.HasParseError());
    REQUIRE(c.HasMember("expected"));

    auto r = httpRequest(d.port(), "POST", "/v1/eligibility/evaluate", text,
                         {{"Authorization", "Bearer " + staff}});
    REQUIRE(r.status == 200);
    int code = -1;
    std::string cli = runCommand(
        std::string(XJ_CLI) + " eval '" + file + "' --config '" + d.configPath() + "'", &code);
    REQUIRE(code == 0);
    rapidjson::Document http, eval;
    http.Parse(r.body.c_str());
    eval.Parse(cli.c_str());
    REQUIRE(http.IsObject());
    REQUIRE(eval.IsObject());

    auto from_http = xj::testing::caseMismatches(c["expected"], http);
    for (const auto& m : from_http) UNSCOPED_INFO("HTTP: " << m);
    CHECK(from_http.empty());
    auto from_cli = xj::testing::caseMismatches(c["expected"], eval);
    for (const auto& m : from_cli) UNSCOPED_INFO("eval: " << m);
    CHECK(from_cli.empty());
    CHECK(http == eval);  // one parser, one engine, one writer
  }
}

TEST_CASE("the evaluate endpoint refuses a deeply nested body and stays up", "[rules]") {
  Daemon d;
  std::string staff = d.token("county-bureau", "staff");
  d.start();
  std::string deep(32000, '[');  // 64,000 bytes: within the body limit
  deep += std::string(32000, ']');
  auto auth = std::map<std::string, std::string>{{"Authorization", "Bearer " + staff}};
  auto r = httpRequest(d.port(), "POST", "/v1/eligibility/evaluate", deep, auth);
  CHECK(r.status == 400);
  std::string text = readAll(std::string(XJ_RULES_DATA_DIR) + "/cases/case-04.json");
  CHECK(httpRequest(d.port(), "POST", "/v1/eligibility/evaluate", text, auth).status == 200);
  CHECK(d.terminate() == 0);
}
