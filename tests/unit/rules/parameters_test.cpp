#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>

#include "adapters/household/evaluate.h"
#include "routing/rules/engine.h"
#include "tests/unit/rules/test_support.h"

using xj::rules::Date;
using xj::rules::parseDate;
using xj::rules::Slot;

namespace {

std::string sharedParameters() {
  return xj::testing::readFile(xj::testing::sharedRulesDir() + "/parameters.json");
}

void replaceOnce(std::string& s, const std::string& from, const std::string& to) {
  auto pos = s.find(from);
  REQUIRE(pos != std::string::npos);
  s.replace(pos, from.size(), to);
}

xj::household::Standards withParameters(const std::string& json) {
  xj::household::Standards s = xj::testing::sharedStandards();
  xj::Problems problems;
  auto rs = xj::household::parseParametersJson(json, problems);
  for (const auto& p : problems) UNSCOPED_INFO(p.path << ": " << p.problem);
  REQUIRE(rs.isOk());
  s.rules = std::move(rs).value();
  return s;
}

}  // namespace

TEST_CASE("a date between two effective dates picks the earlier value", "[parameters]") {
  const auto& rules = xj::testing::sharedStandards().rules;
  CHECK(rules.at(*parseDate("2024-01-01"))[Slot::kStdRuralAnnual].num == 564000);
  CHECK(rules.at(*parseDate("2024-12-31"))[Slot::kStdRuralAnnual].num == 564000);
  CHECK(rules.at(*parseDate("2025-01-01"))[Slot::kStdRuralAnnual].num == 588000);
  CHECK(rules.at(*parseDate("2025-07-15"))[Slot::kStdRuralAnnual].num == 588000);
  CHECK(rules.at(*parseDate("2025-07-15"))[Slot::kStdRuralAnnual].effective ==
        *parseDate("2025-01-01"));
  // A parameter with one old entry stays in force.
  CHECK(rules.at(*parseDate("2026-05-01"))[Slot::kEdgeMultiplier].num == 1'500'000);
  // Before the first entry it is absent (an error when needed, never a default).
  CHECK_FALSE(rules.at(*parseDate("2023-06-01"))[Slot::kStdRuralAnnual].present);
  CHECK_FALSE(rules.at(*parseDate("2024-06-01"))[Slot::kRigidRatio].present);

  // A synthetic mid-year change: 2025-07-01 -> 6,000; 2025-06-30 still 5,880.
  std::string json = sharedParameters();
  replaceOnce(json, "\"2025-01-01\": {\n    \"value\": 5880,",
              "\"2025-07-01\": {\"value\": 6000, \"status\": \"assumption\"},\n   \"2025-01-01\": "
              "{\n    \"value\": 5880,");
  auto s = withParameters(json);
  CHECK(s.rules.at(*parseDate("2025-06-30"))[Slot::kStdRuralAnnual].num == 588000);
  CHECK(s.rules.at(*parseDate("2025-07-01"))[Slot::kStdRuralAnnual].num == 600000);
  CHECK(s.rules.version() != xj::testing::sharedStandards().rules.version());
}

TEST_CASE("a missing value for the date is an error, not a default", "[parameters]") {
  std::string text = xj::testing::readFile(xj::testing::sharedRulesDir() + "/cases/case-04.json");
  // 2023 has no standards at all (and no calendar): refused.
  xj::Problems problems;
  xj::household::EvalRequest req;
  req.as_of_override = "2023-06-01";
  CHECK_FALSE(
      xj::household::evaluateHousehold(text, xj::testing::sharedStandards(), problems, req));
  CHECK_FALSE(problems.empty());

  // Directly in the core: a 2024 household that reaches the rigid test is decided without it,
  // because the rigid-expenditure rules entered into force on 2025-01-01; the trace says so.
  xj::rules::Household h;
  h.as_of = *parseDate("2024-06-03");
  xj::rules::Person p;
  p.pid = "p1";
  p.relation = xj::rules::Relation::kApplicant;
  p.birth_date = *parseDate("1980-01-01");
  p.income.business_net = 1'500'000;  // 15,000 > 1.5 x 5,640: reaches the rigid test
  h.members.push_back(p);
  xj::rules::EvalOptions opts;
  opts.trace = true;
  auto r = xj::rules::evaluate(h, xj::testing::sharedStandards().rules, opts);
  REQUIRE(r.isOk());
  CHECK(r.value().household_category == xj::rules::Category::kNone);
  bool not_in_force = false;
  for (const auto& step : r.value().trace)
    if (step.test == "rigid.in_force" && !step.passed) not_in_force = true;
  CHECK(not_in_force);
  // The same household in 2025 is decided with the rigid test run.
  h.as_of = *parseDate("2025-06-03");
  CHECK(xj::rules::evaluate(h, xj::testing::sharedStandards().rules).isOk());
}

TEST_CASE("a changed standard changes the decision near the line", "[parameters]") {
  // case-05: 17,637 / 3 = 5,879 < 5,880 -> dibao. With the standard at 5,870 it is edge; with
  // 5,880 restored it is dibao again.
  std::string text = xj::testing::readFile(xj::testing::sharedRulesDir() + "/cases/case-05.json");
  xj::Problems problems;
  auto base = xj::household::evaluateHousehold(text, xj::testing::sharedStandards(), problems);
  REQUIRE(base);
  CHECK(base->decision.household_category == xj::rules::Category::kDibao);

  std::string json = sharedParameters();
  replaceOnce(json, "\"value\": 5880,", "\"value\": 5870,");
  auto lower = withParameters(json);
  auto e = xj::household::evaluateHousehold(text, lower, problems);
  REQUIRE(e);
  CHECK(e->decision.household_category == xj::rules::Category::kDibaoEdge);
  CHECK(e->decision.rule_set_version != base->decision.rule_set_version);

  // case-04 (exactly 5,880 per capita) becomes dibao when the standard rises by one yuan.
  std::string text4 = xj::testing::readFile(xj::testing::sharedRulesDir() + "/cases/case-04.json");
  std::string json2 = sharedParameters();
  replaceOnce(json2, "\"value\": 5880,", "\"value\": 5881,");
  auto higher = withParameters(json2);
  auto e4 = xj::household::evaluateHousehold(text4, higher, problems);
  REQUIRE(e4);
  CHECK(e4->decision.household_category == xj::rules::Category::kDibao);
}

TEST_CASE("parameter loading reports every problem at once", "[parameters]") {
  std::string json = sharedParameters();
  replaceOnce(json, "\"value\": 5640,", "\"value\": -5640,");              // negative money
  replaceOnce(json, "\"value\": 1.5,", "\"value\": \"1.5\",");             // wrong type
  replaceOnce(json, "\"min_wage.monthly\"", "\"min_wage.monthly_typo\"");  // required missing
  replaceOnce(json, "\"2024-06-28\": {\n    \"value\": 15,",
              "\"2024-13-28\": {\n    \"value\": 15,");
  replaceOnce(json, "\"fully_lost\": 0.3333333333333333", "\"fully_lost\": 3");  // fraction > 1
  xj::Problems problems;
  auto rs = xj::household::parseParametersJson(json, problems);
  CHECK_FALSE(rs.isOk());
  std::vector<std::string> paths;
  for (const auto& p : problems) paths.push_back(p.path);
  auto has = [&](const std::string& path) {
    return std::find(paths.begin(), paths.end(), path) != paths.end();
  };
  CHECK(has("/dibao.standard.rural_annual/values/2024-01-01/value"));
  CHECK(has("/edge.income_multiplier/values/2021-07-01/value"));
  CHECK(has("/min_wage.monthly"));
  CHECK(has("/deadline.pilot_review_wd/values/2024-13-28"));
  CHECK(has("/tekun.care_fraction_of_min_wage/values/2024-01-01/value/fully_lost"));
  CHECK(problems.size() == 5);
}

TEST_CASE("the shared standards load, and the config copy is identical", "[parameters]") {
  const auto& s = xj::testing::sharedStandards();
  CHECK(s.townships.all().size() == 16);
  CHECK(s.findTownship("451229205")->name == "江南乡");
  CHECK(s.findTownship("北景乡") == s.findTownship("北景镇"));
  CHECK(s.findTownship("451229115") == s.findTownship("451229214"));  // old numbering
  CHECK(s.findTownship("451229299") == nullptr);
  CHECK(s.rules.version().rfind("xj-rules/1.0.0+", 0) == 0);
  // The daemon's copy (config/standards, what integration daemons load) is byte for byte the
  // specification's (tests/data/rules, what these tests load): scripts/sync-rules keeps both.
  const std::string config_dir = std::string(XJ_SOURCE_DIR) + "/config/standards";
  size_t compared = 0;
  for (const auto& entry : std::filesystem::directory_iterator(config_dir)) {
    const std::string name = entry.path().filename().string();
    const std::string spec_copy = xj::testing::sharedRulesDir() + "/" + name;
    if (!std::filesystem::exists(spec_copy)) continue;  // a file the daemon alone has
    INFO(name);
    CHECK(xj::testing::readFile(entry.path().string()) == xj::testing::readFile(spec_copy));
    ++compared;
  }
  for (const char* name : {"parameters.json", "holidays-2024-2026.json", "dahua-townships.json"}) {
    INFO(name);
    CHECK(std::filesystem::exists(config_dir + "/" + name));
  }
  CHECK(compared >= 3);
}

TEST_CASE("a parameter or an entry of another JSON type is a problem, not a crash",
          "[parameters]") {
  // Found by the config fuzz target: the townships file given as the parameters file, whose
  // "source" is a string, failed RapidJSON's IsObject assertion instead of being refused.
  for (const char* json : {R"({"source": "a string"})", R"({"x": [1, 2]})", R"({"x": 3})",
                           R"({"x": {"values": {"2024-01-01": "5640"}}})",
                           R"({"x": {"values": {"2024-01-01": [5640]}}})"}) {
    INFO(json);
    xj::Problems problems;
    auto rs = xj::household::parseParametersJson(json, problems);
    CHECK_FALSE(rs.isOk());
    CHECK_FALSE(problems.empty());
  }
  xj::Problems problems;
  auto rs = xj::household::parseParametersJson(
      xj::testing::readFile(xj::testing::sharedRulesDir() + "/dahua-townships.json"), problems);
  CHECK_FALSE(rs.isOk());
  CHECK(std::any_of(problems.begin(), problems.end(),
                    [](const xj::Problem& p) { return p.path == "/source"; }));
}
