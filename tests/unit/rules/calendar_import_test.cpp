// `xianjie calendar import`'s parser and writer: both input formats, every problem
// with its path, and a written file that the standards loader reads back unchanged.
#include <catch2/catch.hpp>

#include <map>

#include "config/calendar_import.h"
#include "config/standards.h"
#include "routing/rules/calendar.h"

using xj::household::parseArrangement;

namespace {
std::map<std::string, std::string> problemsOf(const std::string& json) {
  xj::Problems problems;
  auto r = parseArrangement(json, problems);
  CHECK_FALSE(r.isOk());
  std::map<std::string, std::string> m;
  for (const auto& p : problems) m[p.path] += p.problem + ";";
  return m;
}
}  // namespace

TEST_CASE("a holiday-cn year is imported and reads back as the same calendar", "[import]") {
  const std::string in = R"({"year": 2027, "days": [
    {"name": "元旦", "date": "2027-01-01", "isOffDay": true},
    {"name": "春节", "date": "2027-02-13", "isOffDay": false},
    {"name": "春节", "date": "2027-02-09", "isOffDay": true}]})";
  xj::Problems problems;
  auto y = parseArrangement(in, problems);
  REQUIRE(y.isOk());
  CHECK(y.value().year == 2027);
  REQUIRE(y.value().holidays.size() == 2);
  CHECK(xj::rules::formatDate(y.value().holidays[1].date) == "2027-02-09");  // sorted
  REQUIRE(y.value().makeup_workdays.size() == 1);

  std::string file = xj::household::calendarFileJson(y.value());
  auto back = xj::household::parseHolidaysJson(file, problems);
  REQUIRE(back.isOk());
  REQUIRE(back.value().size() == 1);
  auto cal = xj::rules::WorkCalendar::build(back.value(), problems);
  REQUIRE(cal.isOk());
  CHECK(cal.value().hasYear(2027));
  CHECK(cal.value().isWorkingDay(*xj::rules::parseDate("2027-02-13")).value());  // make-up Sat
  CHECK_FALSE(cal.value().isWorkingDay(*xj::rules::parseDate("2027-02-09")).value());
  // The hub's own format is accepted as input too (what the writer produced).
  auto again = parseArrangement(file, problems);
  REQUIRE(again.isOk());
  CHECK(again.value().holidays.size() == 2);
  CHECK(problems.empty());
}

TEST_CASE("every problem of an arrangement is listed with its path", "[import]") {
  auto m = problemsOf(R"({"year": 2027, "days": [
    {"name": "元旦", "date": "2027-01-01", "isOffDay": true},
    {"name": "x", "date": "2027-02-30", "isOffDay": true},
    {"name": "x", "date": "2028-01-01", "isOffDay": true},
    {"name": "x", "date": "2027-01-01", "isOffDay": false},
    {"name": "x", "date": "2027-02-10", "isOffDay": false},
    {"name": "x", "date": "2027-02-11"},
    {"name": "元旦", "date": "2027-01-01", "isOffDay": true}]})");
  CHECK(m.count("/days/1/date"));                                       // not a date
  CHECK(m["/days/2"].find("outside 2027") != std::string::npos);        // other year
  CHECK(m["/days/3"].find("both a holiday") != std::string::npos);      // off and worked
  CHECK(m["/days/4"].find("Saturday or Sunday") != std::string::npos);  // a weekday worked
  CHECK(m.count("/days/5/isOffDay"));                                   // no flag
  CHECK(m["/days/6"].find("listed twice") != std::string::npos);        // twice
  CHECK(problemsOf(R"({"years": {"2026": {"holidays": [], "makeup_workdays": []},
                                 "2027": {"holidays": [], "makeup_workdays": []}}})")
            .count("/years"));  // one year per file
  CHECK(problemsOf(R"({"days": []})").count("/year"));
  CHECK(problemsOf(R"([1])").count(""));
}

TEST_CASE("a statutory holiday left as a working day is pointed out", "[import]") {
  xj::Problems problems;
  auto y = parseArrangement(R"({"year": 2027, "days": [
    {"name": "元旦", "date": "2027-01-01", "isOffDay": true}]})",
                            problems);
  REQUIRE(y.isOk());
  auto missing = xj::household::statutoryDaysNotOff(y.value());
  // 2027: 除夕 Fri 02-05 and 初三 Mon 02-08, 清明 Mon 04-05, 端午 Wed 06-09, 中秋 Wed 09-15,
  // 国庆 Fri 10-01 fall on weekdays; the weekend ones are off anyway.
  CHECK(missing.size() == 6);
  CHECK(missing.front() == "2027-02-05 春节");
}
