// The household input against the specification's concepts (SPEC.md §2): values no real
// household can have are refused with their paths, all problems at once, and nothing crashes.
// Every person has a distinct, valid GB 11643 number made for the test.
#include <catch2/catch.hpp>

#include <map>
#include <string>

#include "adapters/household/evaluate.h"
#include "tests/unit/rules/spec_support.h"
#include "tests/unit/rules/test_support.h"

using namespace xj::spec;

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

bool accepted(const std::string& json) {
  xj::Problems problems;
  auto e = xj::household::evaluateHousehold(json, xj::testing::sharedStandards(), problems);
  for (const auto& p : problems) UNSCOPED_INFO(p.path << ": " << p.problem);
  return e.has_value() && problems.empty();
}

std::string memberJson(const std::string& pid, const char* relation, const char* birth, bool male,
                       int seq, const std::string& extra = "") {
  return R"({"pid":")" + pid + R"(","relation":")" + relation + R"(","sex":")" +
         (male ? "M" : "F") + R"(","birth_date":")" + birth + R"(","id_number":")" +
         idNumber(day(birth), male, seq) + R"(")" + extra + "}";
}

std::string household(const std::string& members, const std::string& extra = "") {
  return R"({"as_of":"2025-03-10","township_code":"451229205","residence":"rural","members":[)" +
         members + R"(],"assets":{"financial":0})" + extra + "}";
}

const std::string kApplicant = memberJson("p1", "applicant", "1960-01-01", true, 101);

}  // namespace

TEST_CASE("ID numbers: distinct persons pass, one person listed twice is refused",
          "[spec][validation]") {
  std::string spouse = memberJson("p2", "spouse", "1962-05-17", false, 102);
  CHECK(accepted(household(kApplicant + "," + spouse)));
  // The same person under a second pid (same number) would be counted twice.
  std::string twice = R"({"pid":"p2","relation":"spouse","sex":"M","birth_date":"1960-01-01",)"
                      R"("id_number":")" +
                      idNumber(day("1960-01-01"), true, 101) + R"("})";
  auto p = problemsOf(household(kApplicant + "," + twice));
  CHECK(p["/members/1/id_number"] == "same ID number as /members/0");
  CHECK(p.size() == 1);
  // A lower-case x is the same number as an upper-case X.
  std::string with_x;
  for (int seq = 1; seq < 500 && with_x.empty(); ++seq) {
    std::string id = idNumber(day("1970-03-03"), true, seq);
    if (id.back() == 'X') with_x = id;
  }
  REQUIRE_FALSE(with_x.empty());
  std::string lower = with_x.substr(0, 17) + "x";
  auto m = [](const std::string& pid, const std::string& id) {
    return R"({"pid":")" + pid + R"(","relation":"child","sex":"M","birth_date":"1970-03-03",)" +
           R"("id_number":")" + id + R"("})";
  };
  p = problemsOf(household(kApplicant + "," + m("p2", with_x) + "," + m("p3", lower)));
  CHECK(p["/members/2/id_number"] == "same ID number as /members/1");
}

TEST_CASE("a support payer must be a known kind: a misspelling would lose the exemption",
          "[spec][validation]") {
  auto with = [](const char* from) {
    return household(memberJson("p1", "applicant", "1990-02-02", true, 103,
                                R"(,"disability":{"type":"physical","grade":2},)"
                                R"("applies_individually":true,"income":{"support_received":[)"
                                R"({"actual":6000,"from":")" +
                                    std::string(from) + R"(","from_age":40}]})"));
  };
  auto p = problemsOf(with("sibbling"));
  CHECK(p["/members/0/income/support_received/0/from"].rfind("unknown payer", 0) == 0);
  for (const char* ok :
       {"brother", "sister", "sibling", "siblings", "parents", "son", "aunt", "other", "relative"})
    CHECK(accepted(with(ok)));
  CHECK_FALSE(problemsOf(with("self")).empty());  // the applicant does not support themself
}

TEST_CASE("ages: a birth date after as_of or more than 130 years before it is refused",
          "[spec][validation]") {
  auto with = [](const char* birth) {
    return household(R"({"pid":"p1","relation":"applicant","birth_date":")" + std::string(birth) +
                     R"("})");
  };
  CHECK(problemsOf(with("2025-03-11"))["/members/0/birth_date"] == "after as_of");
  CHECK(accepted(with("2025-03-10")));  // born on the acceptance day: age 0
  CHECK(problemsOf(with("1894-03-10"))["/members/0/birth_date"] ==
        "more than 130 years before as_of");
  CHECK(accepted(with("1894-03-11")));  // 130, 131 tomorrow
  CHECK(problemsOf(with("2025-02-29"))["/members/0/birth_date"] == "must be a date YYYY-MM-DD");
}

TEST_CASE("numbers: negative money, fractions where a count is meant, and huge values",
          "[spec][validation]") {
  auto p = problemsOf(household(
      R"({"pid":"p1","relation":"applicant","birth_date":"1960-01-01","months_coresident":6.5,)"
      R"("adl_failures":2.5,"religious_absence_years":-1,"disability":{"type":"physical","grade":1.5},)"
      R"("income":{"wage":-0.01,"business_net":1e12,"support_received":[{"actual":1,"from_age":60.5}]},)"
      R"("assets_personal":{"financial":-1}})",
      R"(,"rigid_expenditure_12m":{"education":-5,"medical_oop":{"p1":1e15}})"));
  CHECK(p["/members/0/months_coresident"] == "must be a whole number");
  CHECK(p["/members/0/adl_failures"] == "must be a whole number");
  CHECK(p["/members/0/religious_absence_years"] == "must be between 0 and 150");
  CHECK(p["/members/0/disability/grade"] == "must be a whole number");
  CHECK(p["/members/0/income/wage"] == "negative income");
  CHECK(p["/members/0/income/business_net"] == "income implausibly large");
  CHECK(p["/members/0/income/support_received/0/from_age"] == "must be a whole number");
  CHECK(p["/members/0/assets_personal/financial"] == "negative assets");
  CHECK(p["/rigid_expenditure_12m/education"] == "negative expenditure");
  CHECK(p["/rigid_expenditure_12m/medical_oop/p1"] == "expenditure implausibly large");
  CHECK(p.size() == 10);

  std::string overflow = household(kApplicant);
  overflow.replace(overflow.find(R"("financial":0)"), 13, R"("financial":1e400)");
  p = problemsOf(overflow);
  REQUIRE(p.size() == 1);
  CHECK(p.begin()->second.rfind("not valid JSON", 0) == 0);
}

TEST_CASE("members: none, duplicate pids, no or two applicants", "[spec][validation]") {
  CHECK(problemsOf(household(""))["/members"] == "must be a non-empty list");
  std::string again = memberJson("p1", "spouse", "1962-05-17", false, 104);
  CHECK(problemsOf(household(kApplicant + "," + again))["/members/1/pid"] == "duplicate pid");
  std::string second = memberJson("p2", "applicant", "1962-05-17", false, 105);
  CHECK(problemsOf(household(kApplicant + "," + second))["/members"] == "more than one applicant");
  std::string child = memberJson("p1", "child", "1990-01-01", true, 106);
  CHECK(problemsOf(household(child))["/members"] == "no applicant");
}

TEST_CASE("contradictions: disability 'none' with a grade; risk eliminated for a non-object",
          "[spec][validation]") {
  auto p = problemsOf(household(
      R"({"pid":"p1","relation":"applicant","birth_date":"1960-01-01","disability":{"type":"none","grade":2}})"));
  CHECK(p["/members/0/disability/type"] == "none is not a disability type (leave disability out)");
  p = problemsOf(
      household(kApplicant, R"(,"fpm":{"is_monitoring_object":false,"risk_eliminated":true})"));
  CHECK(p["/fpm/risk_eliminated"] == "true for a household that is not a monitoring object");
  CHECK(accepted(
      household(kApplicant, R"(,"fpm":{"is_monitoring_object":true,"risk_eliminated":true})")));
}

TEST_CASE("a deeply nested or non-UTF-8 body is a problem, not a crash", "[spec][validation]") {
  std::string deep(200000, '[');
  deep += std::string(200000, ']');
  auto p = problemsOf(deep);
  REQUIRE(p.size() == 1);
  const std::string& what = p.begin()->second;
  CHECK((what.rfind("not valid JSON", 0) == 0 || what == "must be a JSON object"));
  std::string bad_utf8 = household(kApplicant);
  bad_utf8.replace(bad_utf8.find("rural"), 5, "rur\xff\xfe");
  p = problemsOf(bad_utf8);
  CHECK(p.begin()->second.find("not valid JSON") == 0);
}
