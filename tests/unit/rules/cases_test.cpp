// Every case file in the shared cases/ folder is one row: a new file is a new test, no code.
// Compares household_category, person_categories, household_tags and person_tags (as sets).
#include <rapidjson/document.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <map>
#include <set>

#include "adapters/household/evaluate.h"
#include "tests/unit/rules/test_support.h"

namespace {

using xj::testing::caseFiles;
using xj::testing::readFile;
using xj::testing::sharedStandards;

std::set<std::string> stringSet(const rapidjson::Value& v) {
  std::set<std::string> out;
  if (v.IsArray())
    for (const auto& e : v.GetArray()) out.insert(e.GetString());
  return out;
}

std::map<std::string, std::string> stringMap(const rapidjson::Value& v) {
  std::map<std::string, std::string> out;
  for (auto it = v.MemberBegin(); it != v.MemberEnd(); ++it)
    out[it->name.GetString()] = it->value.GetString();
  return out;
}

std::map<std::string, std::set<std::string>> tagMap(const rapidjson::Value& v) {
  std::map<std::string, std::set<std::string>> out;
  for (auto it = v.MemberBegin(); it != v.MemberEnd(); ++it) {
    auto s = stringSet(it->value);
    if (!s.empty()) out[it->name.GetString()] = s;
  }
  return out;
}

}  // namespace

TEST_CASE("shared cases: expected categories and tags", "[cases]") {
  auto files = caseFiles();
  REQUIRE(files.size() >= 20);
  auto file = GENERATE_COPY(from_range(files));
  std::string name = std::filesystem::path(file).filename().string();
  DYNAMIC_SECTION(name) {
    std::string text = readFile(file);
    rapidjson::Document c;
    c.Parse(text.c_str());
    REQUIRE_FALSE(c.HasParseError());
    const auto& expected = c["expected"];

    xj::Problems problems;
    std::string json = xj::household::evaluateHouseholdJson(text, sharedStandards(), problems);
    for (const auto& p : problems) UNSCOPED_INFO(p.path << ": " << p.problem);
    REQUIRE(problems.empty());
    rapidjson::Document got;
    got.Parse(json.c_str());
    REQUIRE_FALSE(got.HasParseError());

    CHECK(std::string(got["household_category"].GetString()) ==
          expected["household_category"].GetString());
    CHECK(stringMap(got["person_categories"]) == stringMap(expected["person_categories"]));
    CHECK(stringSet(got["household_tags"]) == stringSet(expected["household_tags"]));
    CHECK(tagMap(got["person_tags"]) == tagMap(expected["person_tags"]));
    // The decision carries its rule-set version and a trace.
    CHECK(std::string(got["rule_set_version"].GetString()).rfind("xj-rules/", 0) == 0);
    CHECK(got["trace"].GetArray().Size() > 0);
    // Intermediate figures, where the case states them.
    const auto& ed = expected["detail"];
    const auto& gd = got["detail"];
    for (const char* k :
         {"standard_annual", "household_countable_income_gross", "illness_disability_deduction",
          "per_capita_income", "rigid_expenditure_total", "fpm_per_capita_gross_income"}) {
      if (!ed.HasMember(k)) continue;
      // The rigid-expenditure rules start 2025-01-01: before that the figure is not computed.
      if (std::string_view(k) == "rigid_expenditure_total" && !gd.HasMember(k) &&
          std::string(got["as_of"].GetString()) < "2025-01-01")
        continue;
      INFO("detail." << k);
      REQUIRE(gd.HasMember(k));
      CHECK(gd[k].GetDouble() == Approx(ed[k].GetDouble()).margin(0.006));
    }
    if (ed.HasMember("members_counted")) {
      CHECK(stringSet(gd["members_counted"]) == stringSet(ed["members_counted"]));
    }
    if (ed.HasMember("members_excluded")) {
      std::set<std::string> want, have;
      for (auto it = ed["members_excluded"].MemberBegin(); it != ed["members_excluded"].MemberEnd();
           ++it)
        want.insert(it->name.GetString());
      for (auto it = gd["members_excluded"].MemberBegin(); it != gd["members_excluded"].MemberEnd();
           ++it)
        have.insert(it->name.GetString());
      CHECK(have == want);
    }
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
