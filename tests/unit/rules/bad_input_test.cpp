#include <catch2/catch.hpp>
#include <map>

#include "adapters/household/decision_json.h"
#include "adapters/household/evaluate.h"
#include "tests/unit/rules/test_support.h"

namespace {

std::map<std::string, std::string> problemsOf(const std::string& json) {
  xj::Problems problems;
  std::string out =
      xj::household::evaluateHouseholdJson(json, xj::testing::sharedStandards(), problems);
  CHECK(out.empty());
  std::map<std::string, std::string> m;
  for (const auto& p : problems) m[p.path] = p.problem;
  return m;
}

}  // namespace

TEST_CASE("every problem of a bad household is listed with its path", "[bad_input]") {
  const std::string json = R"({
    "id": "bad",
    "household": {
      "as_of": "2025-03-10",
      "township_code": "451229999",
      "residence": "rural",
      "members": [
        {"pid": "p1", "relation": "applicant", "sex": "M", "birth_date": "1960-01-01",
         "id_number": "451229196001011235",
         "income": {"wage": -100, "lottery": 50, "exempt_scholarship": 10}},
        {"pid": "p2", "birth_date": "1962-01-01"},
        {"pid": "p3", "relation": "child", "income": {"business_net": "lots"}},
        {"pid": "p4", "relation": "martian", "birth_date": "1990-02-30",
         "obligors": [{"ref": "p9"}]}
      ],
      "assets": {"financial": 1000, "vehicles": [{"type": "spaceship", "value": 1}]},
      "rigid_expenditure_12m": {"medical_oop": {"p7": 100}}
    }
  })";
  auto m = problemsOf(json);
  for (const auto& [path, problem] : m) INFO(path << ": " << problem);
  CHECK(m.count("/household/township_code"));          // unknown township
  CHECK(m.count("/household/members/0/income/wage"));  // negative income
  CHECK(m["/household/members/0/income/wage"] == "negative income");
  CHECK(m.count("/household/members/0/income/lottery"));  // unknown income type
  CHECK(m["/household/members/0/income/lottery"] == "unknown income type");
  CHECK(m.count("/household/members/0/id_number"));            // checksum
  CHECK(m.count("/household/members/1/relation"));             // member without relation
  CHECK(m.count("/household/members/2/birth_date"));           // missing birth date
  CHECK(m.count("/household/members/2/income/business_net"));  // not a number
  CHECK(m.count("/household/members/3/relation"));             // unknown relation
  CHECK(m.count("/household/members/3/birth_date"));           // not a real date
  CHECK(m.count("/household/members/3/obligors/0/ref"));       // dangling ref
  CHECK(m.count("/household/assets/vehicles/0/type"));
  CHECK(m.count("/household/rigid_expenditure_12m/medical_oop/p7"));
  // Problems never quote the ID number.
  for (const auto& [path, problem] : m) CHECK(problem.find("451229") == std::string::npos);
}

TEST_CASE("missing household parts are problems, not defaults", "[bad_input]") {
  auto m = problemsOf(R"({"household": {"members": []}})");
  CHECK(m.count("/household/as_of"));
  CHECK(m.count("/household/township_code"));
  CHECK(m.count("/household/residence"));
  CHECK(m.count("/household/members"));
  CHECK(m.count("/household/assets"));
  auto j = problemsOf("{not json");
  CHECK(j.count(""));
  std::string rendered = xj::household::problemsToJson({{"/a", "b"}});
  CHECK(rendered == R"({"problems":[{"path":"/a","problem":"b"}]})");
}

TEST_CASE("a bare household and a whole case file give the same decision", "[bad_input]") {
  std::string text = xj::testing::readFile(xj::testing::sharedRulesDir() + "/cases/case-18.json");
  xj::Problems problems;
  auto whole = xj::household::evaluateHousehold(text, xj::testing::sharedStandards(), problems);
  REQUIRE(whole);
  auto pos = text.find("\"household\": ");
  REQUIRE(pos != std::string::npos);
  // Cut out the household object by brace matching.
  size_t start = text.find('{', pos), depth = 0, end = start;
  for (; end < text.size(); ++end) {
    if (text[end] == '{') ++depth;
    if (text[end] == '}' && --depth == 0) break;
  }
  auto bare = xj::household::evaluateHousehold(text.substr(start, end - start + 1),
                                               xj::testing::sharedStandards(), problems);
  REQUIRE(bare);
  CHECK(bare->decision.household_category == whole->decision.household_category);
  CHECK(bare->input.base_path.empty());
}
