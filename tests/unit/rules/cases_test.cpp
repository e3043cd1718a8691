// Every case file in the shared cases/ folder is one row: a new file is a new test, no code.
// Every field of its `expected` is compared (tests/support/case_expectations.h); the HTTP
// endpoint and the CLI are compared with the same expectations in
// tests/integration/rules_cases_test.cpp.
#include <rapidjson/document.h>

#include <catch2/catch.hpp>
#include <filesystem>

#include "adapters/household/decision_json.h"
#include "adapters/household/evaluate.h"
#include "tests/support/case_expectations.h"
#include "tests/unit/rules/test_support.h"

namespace {

using xj::testing::caseFiles;
using xj::testing::caseMismatches;
using xj::testing::readFile;
using xj::testing::sharedStandards;

rapidjson::Document decisionOf(const std::string& case_text) {
  xj::Problems problems;
  std::string json = xj::household::evaluateHouseholdJson(case_text, sharedStandards(), problems);
  for (const auto& p : problems) UNSCOPED_INFO(p.path << ": " << p.problem);
  REQUIRE(problems.empty());
  rapidjson::Document got;
  got.Parse(json.c_str());
  REQUIRE_FALSE(got.HasParseError());
  return got;
}

}  // namespace

TEST_CASE("shared cases: every expected field", "[cases]") {
  auto files = caseFiles();
  REQUIRE(files.size() >= 20);
  auto file = GENERATE_COPY(from_range(files));
  std::string name = std::filesystem::path(file).filename().string();
  DYNAMIC_SECTION(name) {
    std::string text = readFile(file);
    rapidjson::Document c;
    c.Parse(text.c_str());
    REQUIRE_FALSE(c.HasParseError());
    REQUIRE(c.HasMember("expected"));
    rapidjson::Document got = decisionOf(text);
    auto mismatches = caseMismatches(c["expected"], got);
    for (const auto& m : mismatches) UNSCOPED_INFO(m);
    CHECK(mismatches.empty());
    // The decision carries its rule-set version and a trace.
    CHECK(std::string(got["rule_set_version"].GetString()).rfind("xj-rules/", 0) == 0);
    CHECK(got["trace"].GetArray().Size() > 0);
  }
}

TEST_CASE("shared cases: a wrong or unknown expectation is caught", "[cases]") {
  // case-11 states every kind of field (person override, routes, rigid ratio): spoil each in
  // turn in a copy, and the comparison must name it.
  std::string text = readFile(xj::testing::sharedRulesDir() + "/cases/case-11.json");
  rapidjson::Document got = decisionOf(text);
  struct Spoil {
    const char* what;
    void (*apply)(rapidjson::Document&);
  };
  const Spoil spoils[] = {
      {"household_category",
       [](rapidjson::Document& c) { c["expected"]["household_category"] = "dibao"; }},
      {"person_categories",
       [](rapidjson::Document& c) { c["expected"]["person_categories"]["p3"] = "none"; }},
      {"household_tags",
       [](rapidjson::Document& c) {
         c["expected"]["household_tags"].PushBack("monitored", c.GetAllocator());
       }},
      {"person_tags",
       [](rapidjson::Document& c) { c["expected"]["person_tags"].RemoveAllMembers(); }},
      {"detail.per_capita_income",
       [](rapidjson::Document& c) { c["expected"]["detail"]["per_capita_income"] = 13000.01; }},
      {"detail.rigid_ratio",
       [](rapidjson::Document& c) { c["expected"]["detail"]["rigid_ratio"] = 0.4915; }},
      {"detail.standard_kind",
       [](rapidjson::Document& c) { c["expected"]["detail"]["standard_kind"] = "urban"; }},
      {"detail.members_counted",
       [](rapidjson::Document& c) { c["expected"]["detail"]["members_counted"].PopBack(); }},
      {"detail.members_excluded",
       [](rapidjson::Document& c) {
         c["expected"]["detail"]["members_excluded"].AddMember("p1", "x", c.GetAllocator());
       }},
      {"detail.single_person_routes",
       [](rapidjson::Document& c) {
         c["expected"]["detail"]["single_person_routes"]["p3"] = "edge";
       }},
      {"detail.new_figure",
       [](rapidjson::Document& c) {
         c["expected"]["detail"].AddMember("new_figure", 1, c.GetAllocator());
       }},
      {"new_field",
       [](rapidjson::Document& c) { c["expected"].AddMember("new_field", 1, c.GetAllocator()); }},
  };
  for (const auto& s : spoils) {
    INFO(s.what);
    rapidjson::Document c;
    c.Parse(text.c_str());
    REQUIRE(caseMismatches(c["expected"], got).empty());
    s.apply(c);
    auto m = caseMismatches(c["expected"], got);
    REQUIRE(m.size() == 1);
    CHECK(m[0].rfind(s.what, 0) == 0);
  }
}

TEST_CASE("explain prints the category and a trace in both languages", "[cases][explain]") {
  std::string text = readFile(xj::testing::sharedRulesDir() + "/cases/case-04.json");
  xj::Problems problems;
  xj::household::EvalRequest req;
  req.explain = true;
  std::string out = xj::household::evaluateHouseholdJson(text, sharedStandards(), problems, req);
  REQUIRE(problems.empty());
  CHECK(out.find("dibao_edge") != std::string::npos);
  CHECK(out.find("低保边缘家庭") != std::string::npos);
  CHECK(out.find("中文:") != std::string::npos);
  CHECK(out.find("EN:") != std::string::npos);
  CHECK(out.find("dibao.standard.rural_annual = 5880 (in force from 自 2025-01-01)") !=
        std::string::npos);
  // No ID numbers in output.
  CHECK(out.find("451229198") == std::string::npos);
}

TEST_CASE("--as-of overrides the file's date and switches parameters", "[cases]") {
  std::string text = readFile(xj::testing::sharedRulesDir() + "/cases/case-04.json");
  xj::Problems problems;
  xj::household::EvalRequest req;
  req.as_of_override = "2024-12-31";  // 2024 standard 5,640: 5,880 per capita is not below it
  auto e = xj::household::evaluateHousehold(text, sharedStandards(), problems, req);
  // The rigid parameters start 2025-01-01; case-04 is edge under 2024 figures, so they are not
  // needed.
  REQUIRE(problems.empty());
  CHECK(e->decision.detail.standard_annual == 564000);
  CHECK(e->decision.household_category == xj::rules::Category::kDibaoEdge);
}

TEST_CASE("members by position: the same decision, and no member id in its JSON or explanation",
          "[cases]") {
  for (const auto& file : xj::testing::caseFiles()) {
    INFO(file);
    std::string text = readFile(file);
    xj::Problems problems;
    xj::household::EvalRequest named;
    auto by_pid = xj::household::evaluateHousehold(text, sharedStandards(), problems, named);
    if (!by_pid) continue;  // a case of bad input: nothing to compare
    xj::household::EvalRequest anonymous;
    anonymous.members_by_position = true;
    auto by_position =
        xj::household::evaluateHousehold(text, sharedStandards(), problems, anonymous);
    REQUIRE(by_position);
    CHECK(by_position->decision.household_category == by_pid->decision.household_category);
    CHECK(by_position->decision.detail.assessed == by_pid->decision.detail.assessed);
    REQUIRE(by_position->decision.persons.size() == by_pid->decision.persons.size());
    for (size_t i = 0; i < by_pid->decision.persons.size(); ++i)
      CHECK(by_position->decision.persons[i].category == by_pid->decision.persons[i].category);
    std::string json =
        xj::household::decisionToJson(by_position->decision, by_position->input, sharedStandards());
    std::string explained = xj::household::explainDecision(by_position->decision,
                                                           by_position->input, sharedStandards());
    for (const auto& m : by_pid->input.household.members) {
      // A pid is quoted whole in the JSON ("p1" would also match "p10" unquoted).
      CHECK(json.find("\"" + m.pid + "\"") == std::string::npos);
      CHECK(json.find(m.pid + "=") == std::string::npos);
      CHECK(explained.find(" " + m.pid + " ") == std::string::npos);
    }
    CHECK(json.find("\"member 1\"") != std::string::npos);
  }
}
