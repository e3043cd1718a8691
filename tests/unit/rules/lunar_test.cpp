// The lunar calendar, the Qingming term and the statutory holidays behind provisional deadlines
// (the years whose notice is not yet loaded): known dates, an independent formula, and the
// official 2024-2026 notices.
#include <rapidjson/document.h>

#include <catch2/catch.hpp>

#include <cmath>
#include <set>

#include "adapters/household/evaluate.h"
#include "routing/rules/calendar.h"
#include "routing/rules/lunar.h"
#include "routing/rules/statutory_holidays.h"
#include "tests/unit/rules/test_support.h"

using xj::rules::Date;
using xj::rules::formatDate;
using xj::rules::parseDate;

namespace {
Date d(const char* s) { return *parseDate(s); }
std::string fmt(std::optional<Date> x) { return x ? formatDate(*x) : "none"; }
}  // namespace

TEST_CASE("lunar dates of the festivals match the published calendar", "[lunar]") {
  // 春节 (正月初一)
  CHECK(fmt(xj::rules::lunarToSolar(2024, 1, 1)) == "2024-02-10");
  CHECK(fmt(xj::rules::lunarToSolar(2025, 1, 1)) == "2025-01-29");
  CHECK(fmt(xj::rules::lunarToSolar(2026, 1, 1)) == "2026-02-17");
  CHECK(fmt(xj::rules::lunarToSolar(2027, 1, 1)) == "2027-02-06");
  CHECK(fmt(xj::rules::lunarToSolar(2028, 1, 1)) == "2028-01-26");
  CHECK(fmt(xj::rules::lunarToSolar(2030, 1, 1)) == "2030-02-03");
  // 端午 (五月初五)
  CHECK(fmt(xj::rules::lunarToSolar(2024, 5, 5)) == "2024-06-10");
  CHECK(fmt(xj::rules::lunarToSolar(2025, 5, 5)) == "2025-05-31");
  CHECK(fmt(xj::rules::lunarToSolar(2026, 5, 5)) == "2026-06-19");
  CHECK(fmt(xj::rules::lunarToSolar(2027, 5, 5)) == "2027-06-09");
  // 中秋 (八月十五)
  CHECK(fmt(xj::rules::lunarToSolar(2024, 8, 15)) == "2024-09-17");
  CHECK(fmt(xj::rules::lunarToSolar(2025, 8, 15)) == "2025-10-06");
  CHECK(fmt(xj::rules::lunarToSolar(2026, 8, 15)) == "2026-09-25");
  CHECK(fmt(xj::rules::lunarToSolar(2027, 8, 15)) == "2027-09-15");
  // 除夕: the eve of the next 正月初一.
  CHECK(fmt(xj::rules::lunarNewYearsEve(2024)) == "2025-01-28");
  CHECK(fmt(xj::rules::lunarNewYearsEve(2026)) == "2027-02-05");
  // A leap month: 2025 has a leap sixth month (闰六月), 2023 a leap second (闰二月).
  CHECK(fmt(xj::rules::lunarToSolar(2025, 6, 1, true)) == "2025-07-25");
  CHECK(fmt(xj::rules::lunarToSolar(2023, 2, 1, true)) == "2023-03-22");
  CHECK_FALSE(xj::rules::lunarToSolar(2026, 6, 1, true));  // no leap month that year
  CHECK_FALSE(xj::rules::lunarToSolar(2101, 1, 1));        // past the table
}

TEST_CASE("every lunar year 1900-2100 has a plausible length and new year", "[lunar]") {
  for (int y = xj::rules::kLunarFirstYear; y <= xj::rules::kLunarLastYear; ++y) {
    INFO(y);
    int n = xj::rules::lunarYearDays(y);
    CHECK(((n >= 353 && n <= 355) || (n >= 383 && n <= 385)));
    auto ny = xj::rules::lunarToSolar(y, 1, 1);
    REQUIRE(ny);
    // 正月初一 falls between 21 January and 20 February.
    CHECK(ny->year() == y);
    CHECK(*ny >= d((std::to_string(y) + "-01-21").c_str()));
    CHECK(*ny <= d((std::to_string(y) + "-02-20").c_str()));
    if (y < xj::rules::kLunarLastYear)
      CHECK(ny->plusDays(n) == *xj::rules::lunarToSolar(y + 1, 1, 1));
  }
}

TEST_CASE("Qingming: known dates, and the 21st-century term formula agrees every year", "[lunar]") {
  CHECK(fmt(xj::rules::qingming(2024)) == "2024-04-04");
  CHECK(fmt(xj::rules::qingming(2025)) == "2025-04-04");
  CHECK(fmt(xj::rules::qingming(2026)) == "2026-04-05");
  CHECK(fmt(xj::rules::qingming(2027)) == "2027-04-05");
  // The empirical solar-term formula (寿星公式) for 清明 in 2000-2099: floor(Y x 0.2422 + 4.81) -
  // floor(Y / 4), Y = year mod 100 -- independent of the astronomical computation.
  for (int y = 2000; y <= 2099; ++y) {
    int yy = y % 100;
    int day = static_cast<int>(std::floor(yy * 0.2422 + 4.81)) - yy / 4;
    INFO(y);
    CHECK(fmt(xj::rules::qingming(y)) ==
          formatDate(*Date::fromYmd(y, 4, static_cast<unsigned>(day))));
  }
}

TEST_CASE("the statutory holidays of 2024-2026 are all days off in the official notices",
          "[lunar][calendar]") {
  const auto& official = xj::testing::sharedStandards().calendar;
  for (int y = 2024; y <= 2026; ++y) {
    REQUIRE(official.hasYear(y));
    auto days = xj::rules::statutoryHolidays(y);
    CHECK(days.size() >= (y >= 2025 ? 13u : 11u));
    for (const auto& s : days) {
      INFO(formatDate(s.date) << " " << s.name << (s.in_lieu ? " (补假)" : ""));
      CHECK(s.date.year() == y);
      CHECK_FALSE(official.isWorkingDay(s.date).value());
    }
  }
}

TEST_CASE("the 2027 statutory holidays under the 2024 revision", "[lunar]") {
  std::set<std::string> got;
  for (const auto& s : xj::rules::statutoryHolidays(2027))
    got.insert(formatDate(s.date) + (s.in_lieu ? "*" : ""));
  std::set<std::string> want = {
      "2027-01-01",                                               // 元旦 (Fri)
      "2027-02-05",  "2027-02-06",  "2027-02-07",  "2027-02-08",  // 除夕 + 初一..初三 (Fri-Mon)
      "2027-02-09*", "2027-02-10*",                               // Sat and Sun given back
      "2027-04-05",                                               // 清明 (Mon)
      "2027-05-01",  "2027-05-02",  "2027-05-03*", "2027-05-04*",  // 劳动节 Sat, Sun
      "2027-06-09",                                                // 端午 (Wed)
      "2027-09-15",                                                // 中秋 (Wed)
      "2027-10-01",  "2027-10-02",  "2027-10-03",  "2027-10-04*", "2027-10-05*"};  // 国庆 Fri-Sun
  CHECK(got == want);
  CHECK(xj::rules::statutoryHolidays(2013).empty());
  CHECK(xj::rules::statutoryHolidays(2101).empty());
}

TEST_CASE("a year without its notice gets provisional deadlines; earlier years stay missing",
          "[calendar]") {
  const auto& cal = xj::testing::sharedStandards().calendar;
  CHECK(cal.hasYear(2026));
  CHECK_FALSE(cal.hasYear(2027));
  CHECK(cal.isProvisional(2027));
  CHECK(cal.isProvisional(2100));
  CHECK_FALSE(cal.isProvisional(2026));
  REQUIRE(cal.lastOfficialDay());
  CHECK(formatDate(*cal.lastOfficialDay()) == "2026-12-31");

  // Entirely official: not provisional.
  auto in2026 = cal.deadlineOf(d("2026-03-02"), 15).value();
  CHECK_FALSE(in2026.provisional);
  // Counting into 2027 from an official day: provisional.
  auto across = cal.deadlineOf(d("2026-12-21"), 15).value();
  CHECK(across.provisional);
  // 2027-03-01 (Mon) + 15 working days, no holiday in March: 2027-03-22.
  auto march = cal.deadlineOf(d("2027-03-01"), 15).value();
  CHECK(march.provisional);
  CHECK(formatDate(march.date) == "2027-03-22");
  // Across the provisional 2027 Spring Festival: Thu 02-04 + 1 WD skips 02-05..02-10 -> 02-11.
  CHECK(formatDate(cal.deadline(d("2027-02-04"), 1).value()) == "2027-02-11");
  CHECK(cal.workingDaysIn(2027).value() == 261 - 13);  // 261 weekdays, 13 statutory ones off

  // Before the first official year, and after 2100: calendar_missing, never a guess.
  auto before = cal.deadline(d("2023-12-29"), 1);
  REQUIRE_FALSE(before.isOk());
  CHECK(before.status().message().rfind("calendar_missing", 0) == 0);
  CHECK_FALSE(cal.isWorkingDay(d("2101-01-03")).isOk());
}

TEST_CASE("a decision never depends on the calendar; its review deadline says provisional",
          "[calendar][bad_input]") {
  // As of 2027-03-01, a year without its notice (the 2026 standards still in force).
  const std::string json = R"({"as_of": "2027-03-01", "township_code": "451229205",
    "residence": "rural", "assets": {"financial": 0},
    "members": [{"pid": "p1", "relation": "applicant", "birth_date": "1960-01-01"}]})";
  xj::Problems problems;
  std::string out =
      xj::household::evaluateHouseholdJson(json, xj::testing::sharedStandards(), problems);
  for (const auto& p : problems) INFO(p.path << ": " << p.problem);
  REQUIRE(problems.empty());
  rapidjson::Document doc;
  doc.Parse(out.c_str());
  REQUIRE(doc.IsObject());
  CHECK(std::string(doc["household_category"].GetString()) != "");
  REQUIRE(doc.HasMember("review_deadline"));
  CHECK(std::string(doc["review_deadline"]["date"].GetString()) == "2027-03-22");
  CHECK(doc["review_deadline"]["provisional"].GetBool());
  // The same household in 2026 has an official deadline.
  std::string y2026 = json;
  y2026.replace(y2026.find("2027-03-01"), 10, "2026-03-02");
  doc.Parse(xj::household::evaluateHouseholdJson(y2026, xj::testing::sharedStandards(), problems)
                .c_str());
  REQUIRE(doc.IsObject());
  CHECK_FALSE(doc["review_deadline"]["provisional"].GetBool());
}
