// SPEC.md §2 (ages on the acceptance date) and §3 (dated parameters: the entry with the greatest
// key <= as_of, including the day a value changes; no value in force is an error, never a
// default; the rigid rules and the pilot's local rules start on their own dates).
#include <catch2/catch.hpp>

#include "tests/unit/rules/spec_support.h"

using namespace xj::spec;

namespace {

// One able applicant of 45 with `income` of their own.
Household one(Date as_of, Fen income) {
  Person p = applicant(as_of);
  p.income.business_net = income;
  return household(as_of, {p});
}

const TraceParam& param(const TraceStep& s, Slot slot) {
  for (const auto& p : s.params)
    if (p.slot == slot) return p;
  FAIL("step " << s.test << " names no parameter " << slotName(slot));
  return s.params.front();
}

}  // namespace

TEST_CASE("§2 ages: reached on the birthday; 29 February falls on 28 February in common years",
          "[spec][dates]") {
  Date b = day("2008-02-29");
  CHECK(ageOn(b, day("2026-02-27"), false) == 17);
  CHECK(ageOn(b, day("2026-02-28"), false) == 18);
  CHECK(ageOn(b, day("2028-02-28"), false) == 19);  // leap year: the real birthday
  CHECK(ageOn(b, day("2028-02-29"), false) == 20);
  // The alternative reading (parameter age.reached_on = day_after_birthday).
  CHECK(ageOn(day("2007-06-02"), day("2025-06-02"), true) == 17);
  CHECK(ageOn(day("2007-06-02"), day("2025-06-03"), true) == 18);

  // In a decision: a child born on 29 February 2008, living apart all year, is a minor member
  // on 27 February 2026 and an adult non-member on the 28th.
  for (auto [as_of, member] : {std::pair{"2026-02-27", true}, std::pair{"2026-02-28", false}}) {
    Date d = day(as_of);
    Person c = person("p2", Relation::kChild, b);
    c.months_coresident = 0;
    Household h = household(d, {applicant(d), c});
    Decision dec = decide(h);
    CHECK(outcome(dec, h, "p2").member == member);
    CHECK(input(step(dec, "household.membership", "p2"), "age") == (member ? "17" : "18"));
  }
}

TEST_CASE("§3 the value in force on the day a parameter changes is the new one",
          "[spec][dates][parameters]") {
  // 5,700 for one: not below 5,640 (2024) -> edge; below 5,880 (2025) -> dibao.
  Decision last_2024 = decide(one(day("2024-12-31"), yuan(5700)));
  CHECK(householdCategory(last_2024) == "dibao_edge");
  CHECK(last_2024.detail.standard_annual == kStd2024);
  const TraceParam& p24 = param(step(last_2024, "standard", "household"), Slot::kStdRuralAnnual);
  CHECK(p24.value == "5640");
  CHECK(p24.effective == day("2024-01-01"));

  Decision first_2025 = decide(one(day("2025-01-01"), yuan(5700)));
  CHECK(householdCategory(first_2025) == "dibao");
  const TraceParam& p25 = param(step(first_2025, "standard", "household"), Slot::kStdRuralAnnual);
  CHECK(p25.value == "5880");
  CHECK(p25.effective == day("2025-01-01"));

  // The FPM line: 7,500 to 7,800 on the same day (a hint only).
  Decision fpm24 = decide(one(day("2024-12-31"), yuan(7650)));
  CHECK_FALSE(fpm24.household_tags & kTagMonitoringReferralSuggested);
  Decision fpm25 = decide(one(day("2025-01-01"), yuan(7650)));
  CHECK(fpm25.household_tags & kTagMonitoringReferralSuggested);
}

TEST_CASE("§3/§6.4 the rigid-expenditure test exists from 2025-01-01 (刚性办法 in force)",
          "[spec][dates][parameters]") {
  // 15,000 for one (not edge, below dpi), 30,000 of medical costs for a healthy applicant (not
  // deducted).
  auto rigid = [](const char* as_of) {
    Household h = one(day(as_of), yuan(15000));
    h.members[0].medical_oop = yuan(30000);
    return decide(h);
  };
  Decision before = rigid("2024-12-31");
  CHECK(householdCategory(before) == "none");
  CHECK_FALSE(step(before, "rigid.in_force", "household").passed);
  Decision from = rigid("2025-01-01");
  CHECK(householdCategory(from) == "rigid_expense");
  CHECK(param(step(from, "rigid.ratio", "household"), Slot::kRigidRatio).effective ==
        day("2025-01-01"));
}

TEST_CASE("§3 no value in force on as_of is an error naming the parameter, never a default",
          "[spec][dates][parameters]") {
  std::string e = evaluationError(one(day("2023-12-31"), yuan(1000)));
  CHECK(e.rfind("parameter_missing: dibao.standard.rural_annual", 0) == 0);
  CHECK(e.find("2023-12-31") != std::string::npos);
  CHECK(decide(one(day("2024-01-01"), yuan(1000))).detail.standard_annual == kStd2024);
}

TEST_CASE(
    "§3/§4 the pilot plan's member rules [L] apply from the plan's date (2024-06-28); "
    "before it the national rules alone decide",
    "[spec][dates][parameters][membership]") {
  auto migrantSon = [](const char* as_of) {
    Date d = day(as_of);
    Person son = person("p2", Relation::kChild, yearsBefore(d, 22));
    son.months_coresident = 2;
    son.migrant_worker = true;
    Person grad = person("p3", Relation::kChild, yearsBefore(d, 24));
    grad.months_coresident = 0;
    grad.school = SchoolLevel::kPostgraduate;
    grad.school_full_time = true;
    Person brother = person("p4", Relation::kSibling, yearsBefore(d, 40));
    brother.on_fpm_roster = true;
    Household h = household(d, {applicant(d), son, grad, brother});
    Decision dec = decide(h);
    return std::tuple{outcome(dec, h, "p2").member, outcome(dec, h, "p3").member,
                      outcome(dec, h, "p4").member, dec};
  };
  auto [son_before, grad_before, roster_before, before] = migrantSon("2024-06-27");
  CHECK_FALSE(son_before);
  CHECK_FALSE(grad_before);
  CHECK_FALSE(roster_before);
  CHECK(step(before, "household.membership", "p2").reason_en.find("not in force") !=
        std::string::npos);
  auto [son_from, grad_from, roster_from, from] = migrantSon("2024-06-28");
  CHECK(son_from);
  CHECK(grad_from);
  CHECK(roster_from);
  CHECK(param(step(from, "household.membership", "p2"), Slot::kIncludeMigrantWorkers).effective ==
        day("2024-06-28"));
}
