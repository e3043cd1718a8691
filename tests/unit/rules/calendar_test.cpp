#include <rapidjson/document.h>

#include <catch2/catch.hpp>

#include "routing/rules/calendar.h"
#include "tests/unit/rules/test_support.h"

using xj::rules::Date;
using xj::rules::parseDate;

namespace {
const xj::rules::WorkCalendar& cal() { return xj::testing::sharedStandards().calendar; }
Date d(const char* s) { return *parseDate(s); }
}  // namespace

TEST_CASE("every vector in workday-deadlines.json", "[calendar]") {
  std::string text =
      xj::testing::readFile(xj::testing::sharedRulesDir() + "/workday-deadlines.json");
  rapidjson::Document doc;
  doc.Parse(text.c_str());
  REQUIRE(doc.HasMember("cases"));
  size_t n = 0;
  for (const auto& c : doc["cases"].GetArray()) {
    std::string accepted = c["accepted_on"].GetString();
    int wd = c["working_days"].GetInt();
    INFO(accepted << " + " << wd << " WD: " << c["why"].GetString());
    auto got = cal().deadline(d(accepted.c_str()), wd);
    REQUIRE(got.isOk());
    CHECK(xj::rules::formatDate(got.value()) == c["deadline"].GetString());
    ++n;
  }
  CHECK(n >= 15);
}

TEST_CASE("deadline across the 2024 Spring Festival and a make-up Sunday", "[calendar]") {
  // 2024-02-04 (Sun) and 2024-02-18 (Sun) are make-up working days; 02-10..02-17 are off.
  CHECK(cal().isWorkingDay(d("2024-02-04")).value());
  CHECK(cal().isWorkingDay(d("2024-02-18")).value());
  CHECK_FALSE(cal().isWorkingDay(d("2024-02-12")).value());
  CHECK_FALSE(cal().isWorkingDay(d("2024-02-11")).value());
  // Accepted Fri 2024-02-02: day 1 is the make-up Sunday 02-04.
  CHECK(xj::rules::formatDate(cal().deadline(d("2024-02-02"), 1).value()) == "2024-02-04");
  // Accepted Fri 2024-02-09 (last day before the festival): day 1 is make-up Sunday 02-18.
  CHECK(xj::rules::formatDate(cal().deadline(d("2024-02-09"), 1).value()) == "2024-02-18");
  CHECK(xj::rules::formatDate(cal().deadline(d("2024-02-01"), 15).value()) == "2024-02-27");
  // An acceptance on a holiday does not shift the rule.
  CHECK(xj::rules::formatDate(cal().deadline(d("2024-02-12"), 1).value()) == "2024-02-18");
  // Counting the acceptance day as day 1 gives a deadline one working day earlier.
  CHECK(xj::rules::formatDate(cal().deadline(d("2024-02-01"), 15, true).value()) == "2024-02-26");
}

TEST_CASE("working days per year match the notices", "[calendar]") {
  CHECK(cal().workingDaysIn(2024).value() == 251);
  CHECK(cal().workingDaysIn(2025).value() == 248);
  CHECK(cal().workingDaysIn(2026).value() == 248);
}

TEST_CASE("a year without calendar data is calendar_missing, never Mon-Fri", "[calendar]") {
  // Before the first official year (later years are provisional: lunar_test.cpp).
  auto r = cal().deadline(d("2023-12-20"), 15);
  REQUIRE_FALSE(r.isOk());
  CHECK(r.status().message().rfind("calendar_missing", 0) == 0);
  auto w = cal().isWorkingDay(d("2023-01-04"));
  REQUIRE_FALSE(w.isOk());
  CHECK(w.status().message().rfind("calendar_missing", 0) == 0);
  CHECK_FALSE(cal().deadline(d("2023-12-29"), 1).isOk());
}

TEST_CASE("calendar data errors are all reported", "[calendar]") {
  xj::rules::CalendarYearData y;
  y.year = 2030;
  y.holidays = {d("2030-01-01"), d("2031-01-01")};
  y.makeup_workdays = {d("2030-01-01")};
  xj::Problems problems;
  auto c = xj::rules::WorkCalendar::build({y}, problems);
  CHECK_FALSE(c.isOk());
  CHECK(problems.size() == 2);
}

TEST_CASE("working days left to a due date, and overdue by", "[calendar]") {
  auto left = [](const char* today, const char* due) {
    auto r = cal().workingDaysUntil(d(today), d(due));
    REQUIRE(r.isOk());
    return r.value().days;
  };
  // Fri 2024-02-09 to the make-up Sunday 02-18 after the Spring Festival: one working day.
  CHECK(left("2024-02-09", "2024-02-18") == 1);
  CHECK(left("2024-02-01", "2024-02-27") == 15);  // as deadline(02-01, 15)
  CHECK(left("2024-02-27", "2024-02-27") == 0);   // due today
  // Fri 2024-03-01 to Tue 03-05: the weekend does not count.
  CHECK(left("2024-03-01", "2024-03-05") == 2);
  // Past: the working days after the due date up to today, at least one.
  CHECK(left("2024-03-04", "2024-03-01") == -1);  // Mon after a Friday due date
  CHECK(left("2024-03-02", "2024-03-01") == -1);  // the Saturday already
  CHECK(left("2024-03-06", "2024-03-01") == -3);
  CHECK_FALSE(cal().workingDaysUntil(d("2024-03-06"), d("2024-03-01")).value().provisional);
  // Into a year without its notice: counted from the statutory holidays, and says so.
  CHECK(cal().workingDaysUntil(d("2026-12-30"), d("2027-01-05")).value().provisional);
  // No calendar for the year: calendar_missing, never Mon-Fri.
  auto r = cal().workingDaysUntil(d("2023-12-29"), d("2024-01-03"));
  REQUIRE_FALSE(r.isOk());
  CHECK(r.status().message().rfind("calendar_missing", 0) == 0);
}
