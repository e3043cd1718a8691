// The household input schema: every field of a household, a member, an obligor and
// the case-file wrapper is known by name; an unknown or misspelled field, or a field of the
// wrong type, is a problem with its path, never silently ignored.
#include <catch2/catch.hpp>

#include <map>
#include <string>

#include "adapters/household/evaluate.h"
#include "tests/unit/rules/test_support.h"

namespace {

std::map<std::string, std::string> problemsOf(const std::string& json) {
  xj::Problems problems;
  auto e = xj::household::evaluateHousehold(json, xj::testing::sharedStandards(), problems);
  CHECK_FALSE(e.has_value());
  std::map<std::string, std::string> m;
  for (const auto& p : problems) m[p.path] = p.problem;
  for (const auto& [path, what] : m) UNSCOPED_INFO(path << ": " << what);
  return m;
}

// A valid bare household; `member` and `extra` are spliced into the applicant and the household.
std::string household(const std::string& member = "", const std::string& extra = "") {
  return R"({"as_of":"2025-03-10","township_code":"451229205","residence":"rural",)"
         R"("members":[{"pid":"p1","relation":"applicant","sex":"M","birth_date":"1960-01-01")" +
         member + R"(}],"assets":{"financial":0})" + extra + "}";
}

}  // namespace

TEST_CASE("the reference households parse as they are", "[household_schema]") {
  xj::Problems problems;
  CHECK(xj::household::evaluateHousehold(household(), xj::testing::sharedStandards(), problems));
  CHECK(problems.empty());
  for (const auto& file : xj::testing::caseFiles()) {
    INFO(file);
    problems.clear();
    CHECK(xj::household::evaluateHousehold(xj::testing::readFile(file),
                                           xj::testing::sharedStandards(), problems));
    CHECK(problems.empty());
  }
}

TEST_CASE("unknown and misspelled fields are refused with their paths", "[household_schema]") {
  auto p = problemsOf(household(R"(,"incom":{"wage":1000})", R"(,"banana":1)"));
  CHECK(p["/members/0/incom"] == "unknown field (did you mean income?)");
  CHECK(p["/banana"] == "unknown field");
  CHECK(p.size() == 2);

  // Nested objects: school, disability, assets, vehicles, support, obligors, the FPM record.
  p = problemsOf(household(
      R"(,"school":{"level":"primary","fulltime":true},"disability":{"type":"physical","grade":2,"grde":2},)"
      R"("assets_personal":{"financal":1},)"
      R"("income":{"support_received":[{"actual":1,"form":"son"}]},)"
      R"("obligors":[{"age":40,"anual_income":1}])",
      R"(,"fpm":{"is_monitoring_object":true,"risk_eliminatd":true})"));
  CHECK(p["/members/0/school/fulltime"].rfind("unknown field", 0) == 0);
  CHECK(p["/members/0/disability/grde"] == "unknown field (did you mean grade?)");
  CHECK(p["/members/0/assets_personal/financal"] == "unknown field (did you mean financial?)");
  CHECK(p["/members/0/income/support_received/0/form"] == "unknown field (did you mean from?)");
  CHECK(p["/members/0/obligors/0/anual_income"] == "unknown field (did you mean annual_income?)");
  CHECK(p["/fpm/risk_eliminatd"] == "unknown field (did you mean risk_eliminated?)");
  CHECK(p.size() == 6);  // nothing else (the lookups above add no entries: all were present)

  p = problemsOf(
      R"({"as_of":"2025-03-10","township_code":"451229205","residence":"rural",)"
      R"("members":[{"pid":"p1","relation":"applicant","sex":"M","birth_date":"1960-01-01"}],)"
      R"("assets":{"financial":0,"vehicles":[{"type":"motorcycle","value":1,"colour":"red"}],"house":1}})");
  CHECK(p["/assets/vehicles/0/colour"] == "unknown field");
  CHECK(p["/assets/house"] == "unknown field");
}

TEST_CASE("an obligor who is a member is described by the member, not beside the ref",
          "[household_schema]") {
  auto json =
      R"({"as_of":"2025-03-10","township_code":"451229205","residence":"rural","members":[)"
      R"({"pid":"p1","relation":"applicant","sex":"M","birth_date":"1950-01-01","obligors":[{"ref":"p2","age":40}]},)"
      R"({"pid":"p2","relation":"child","sex":"M","birth_date":"1985-01-01","obligors":[{"ref":"p1","relation":"marsian"}]}],)"
      R"("assets":{"financial":0}})";
  auto p = problemsOf(json);
  CHECK(p["/members/0/obligors/0/age"].rfind("unknown field", 0) == 0);
  CHECK(p["/members/1/obligors/0/relation"] == "unknown relation");
}

TEST_CASE("fields of the wrong type are refused with their paths", "[household_schema]") {
  auto p = problemsOf(household(
      R"(,"employed":"yes","months_coresident":"six","school":"primary","on_fpm_roster":1)",
      R"(,"relocated_to_town":"no","fpm":true)"));
  CHECK(p["/members/0/employed"] == "must be true or false");
  CHECK(p["/members/0/months_coresident"] == "must be a whole number");
  CHECK(p["/members/0/school"].rfind("must be an object", 0) == 0);
  CHECK(p["/members/0/on_fpm_roster"] == "must be true or false");
  CHECK(p["/relocated_to_town"] == "must be true or false");
  CHECK(p["/fpm"] == "must be an object");
}

TEST_CASE("the case-file wrapper is named field by field, not ignored", "[household_schema]") {
  std::string wrapped = R"({"id":"x","title":"t","as_of":"2025-03-10","expected":{"anything":1},)"
                        R"("note":"n","household":)" +
                        household() + "}";
  xj::Problems problems;
  CHECK(xj::household::evaluateHousehold(wrapped, xj::testing::sharedStandards(), problems));
  CHECK(problems.empty());
  auto p = problemsOf(R"({"id":"x","expectd":{},"household":)" + household() + "}");
  CHECK(p["/expectd"] == "unknown field (did you mean expected?)");
  // The path of a household problem inside a case file starts at /household.
  p = problemsOf(R"({"id":"x","household":)" + household(R"(,"banana":1)") + "}");
  CHECK(p["/household/members/0/banana"] == "unknown field");
}
