// SPEC.md §5 (income, deductions, assets) and §6.2-§6.4, §7 (dibao, edge, rigid, the higher
// category wins): a household of three (applicant, spouse, minor child) in 2025, rural standard
// 5,880, whose figures sit exactly on each line and one fen either side.
#include <catch2/catch.hpp>

#include "tests/unit/rules/spec_support.h"
#include "tests/unit/rules/test_support.h"

using namespace xj::spec;

namespace {

const Date kAsOf = day("2025-06-02");

Household three(Fen business_net, Fen financial = 0) {
  Person app = applicant(kAsOf);
  app.income.business_net = business_net;
  Person spouse = person("p2", Relation::kSpouse, yearsBefore(kAsOf, 43));
  Person child = person("p3", Relation::kChild, yearsBefore(kAsOf, 10));
  return household(kAsOf, {app, spouse, child}, financial);
}

std::string category(const Household& h) { return householdCategory(decide(h)); }

}  // namespace

TEST_CASE("the boundary tests are built on the 2025 figures of parameters.json", "[spec]") {
  const auto& p = xj::testing::sharedStandards().rules.at(kAsOf);
  CHECK(p[Slot::kStdRuralAnnual].num == kStd2025);
  CHECK(p[Slot::kStdUrbanMonthly].num * 12 == kUrbanStd2025);
  CHECK(p[Slot::kDisposableIncome].num == kDpi2025);
  CHECK(p[Slot::kFpmLine].num == kFpmLine2025);
  CHECK(p[Slot::kEdgeMultiplier].num == 1'500'000);
  CHECK(xj::testing::sharedStandards().rules.at(day("2024-06-02"))[Slot::kStdRuralAnnual].num ==
        kStd2024);
}

TEST_CASE("§6.2 dibao: assessed < std x n, strictly (cross-multiplied, no float)",
          "[spec][categories]") {
  // 3 x 5,880 = 17,640: equal is not below (case-04); one fen less is (per capita 5,879.9966).
  Decision on = decide(three(yuan(17640)));
  CHECK(householdCategory(on) == "dibao_edge");
  CHECK_FALSE(step(on, "dibao.income", "household").passed);
  CHECK(input(step(on, "dibao.income", "household"), "standard_x_members") == "17640");
  CHECK(step(on, "edge.income", "household").passed);

  Decision below = decide(three(yuan(17639, 99)));
  CHECK(householdCategory(below) == "dibao");
  CHECK(step(below, "dibao.income", "household").passed);
  CHECK(input(step(below, "dibao.income", "household"), "assessed_income") == "17639.99");
  CHECK_FALSE(hasStep(below, "edge.income", "household"));  // the higher category won
}

TEST_CASE("§6.3 edge: assessed < 1.5 x std x n, strictly", "[spec][categories]") {
  // 1.5 x 5,880 x 3 = 26,460.
  Decision on = decide(three(yuan(26460)));
  CHECK(householdCategory(on) == "none");
  CHECK_FALSE(step(on, "edge.income", "household").passed);
  CHECK(input(step(on, "edge.income", "household"), "edge_line_x_members") == "26460");

  Decision below = decide(three(yuan(26459, 99)));
  CHECK(householdCategory(below) == "dibao_edge");
  CHECK(step(below, "edge.income", "household").passed);
}

TEST_CASE("§6.4 rigid: R > ratio x gross, strictly; R = living + medical + education + rehab",
          "[spec][categories]") {
  // Gross 30,000 (not edge: 26,460). Living 3 x 5,880 = 17,640; education 12,360 -> R = 30,000.
  Household h = three(yuan(30000));
  h.education_12m = yuan(12360);
  Decision equal = decide(h);
  CHECK(householdCategory(equal) == "none");
  CHECK(equal.detail.rigid_total == yuan(30000));
  CHECK_FALSE(step(equal, "rigid.ratio", "household").passed);

  h.education_12m = yuan(12360, 1);
  Decision above = decide(h);
  CHECK(householdCategory(above) == "rigid_expense");
  CHECK(step(above, "rigid.ratio", "household").passed);
  CHECK(input(step(above, "rigid.ratio", "household"), "rigid_expenditure_total") == "30000.01");

  // Medical (any member's out-of-pocket), rehab and other costs count in R.
  Household m = three(yuan(30000));
  m.members[1].medical_oop = yuan(5000);
  m.rehab_12m = yuan(4000);
  m.other_rigid_12m = yuan(3360, 1);
  CHECK(decide(m).detail.rigid_total == yuan(30000, 1));
}

TEST_CASE("§6.4 rigid: assessed < dpi x n, strictly", "[spec][categories]") {
  // dpi 19,000 x 3 = 57,000; R far above income either way.
  Household h = three(yuan(57000));
  h.education_12m = yuan(100000);
  Decision on = decide(h);
  CHECK(householdCategory(on) == "none");
  CHECK_FALSE(step(on, "rigid.income", "household").passed);
  CHECK(input(step(on, "rigid.income", "household"), "disposable_income_x_members") == "57000");

  h.members[0].income.business_net = yuan(56999, 99);
  Decision below = decide(h);
  CHECK(householdCategory(below) == "rigid_expense");
  CHECK(step(below, "rigid.income", "household").passed);
}

TEST_CASE("§6.4 rigid compares R with gross income, before the illness deduction",
          "[spec][categories]") {
  // Gross 40,000, a seriously ill spouse's 10,000 deducted -> assessed 30,000 (not edge).
  // R = 17,640 living + 10,000 medical + education.
  Household h = three(yuan(40000));
  h.members[1].serious_illness = true;
  h.members[1].medical_oop = yuan(10000);
  h.education_12m = yuan(2360, 1);  // R = 30,000.01: above assessed, not above gross
  Decision d = decide(h);
  CHECK(d.detail.assessed == yuan(30000));
  CHECK(d.detail.rigid_total == yuan(30000, 1));
  CHECK_FALSE(step(d, "rigid.ratio", "household").passed);
  CHECK(input(step(d, "rigid.ratio", "household"), "countable_income_gross") == "40000");
  CHECK(householdCategory(d) == "none");

  h.education_12m = yuan(12360, 1);  // R = 40,000.01 > gross
  CHECK(category(h) == "rigid_expense");
}

TEST_CASE("§5 assets: financial per person <= k x std (inclusive), per level",
          "[spec][categories][assets]") {
  // Income 0 (dibao on income). Dibao limit 2 x 5,880 x 3 = 35,280; edge 3 x ... = 52,920.
  Decision at_dibao = decide(three(0, yuan(35280)));
  CHECK(householdCategory(at_dibao) == "dibao");
  CHECK(step(at_dibao, "assets.dibao", "household").passed);

  Decision over_dibao = decide(three(0, yuan(35280, 1)));
  CHECK(householdCategory(over_dibao) == "dibao_edge");  // case-16
  CHECK_FALSE(step(over_dibao, "assets.dibao", "household").passed);
  CHECK(step(over_dibao, "assets.edge", "household").passed);

  Decision at_edge = decide(three(0, yuan(52920)));
  CHECK(householdCategory(at_edge) == "dibao_edge");

  Decision over_edge = decide(three(0, yuan(52920, 1)));
  CHECK(householdCategory(over_edge) == "none");
  CHECK_FALSE(step(over_edge, "assets.edge", "household").passed);
  CHECK_FALSE(step(over_edge, "assets.rigid", "household").passed);
}

TEST_CASE("§5 assets: non-exempt vehicles 0 for dibao, 30,000 for edge and rigid; exempt types",
          "[spec][categories][assets]") {
  auto with = [](VehicleType t, Fen value) {
    Household h = three(0);
    Vehicle v;
    v.type = t;
    v.value = value;
    h.vehicles.push_back(v);
    return h;
  };
  CHECK(category(with(VehicleType::kCar, yuan(0, 1))) == "dibao_edge");
  CHECK(category(with(VehicleType::kCar, yuan(30000))) == "dibao_edge");
  Decision over = decide(with(VehicleType::kCar, yuan(30000, 1)));
  CHECK(householdCategory(over) == "none");  // case-17
  CHECK(input(step(over, "assets.edge", "household"), "nonexempt_vehicle_value") == "30000.01");
  for (VehicleType t : {VehicleType::kMotorcycle, VehicleType::kAgricultural,
                        VehicleType::kTricycle, VehicleType::kDisabilityMobility})
    CHECK(category(with(t, yuan(100000))) == "dibao");  // case-18
  CHECK(category(with(VehicleType::kTruck, yuan(1))) == "dibao_edge");
}

TEST_CASE("§5 assets: any extra housing unit fails every level", "[spec][categories][assets]") {
  Household h = three(0);
  h.extra_housing_units = 1;
  Decision d = decide(h);
  CHECK(householdCategory(d) == "none");
  CHECK(input(step(d, "assets.dibao", "household"), "extra_housing_units") == "1");
}

TEST_CASE("§5 assets of persons outside the unit are not the unit's",
          "[spec][categories][assets]") {
  // The household's 40,000 include 10,000 of a son in prison (art.7, not a member): the unit
  // of three holds 30,000, within the dibao limit of 35,280.
  Household h = three(0, yuan(40000));
  Person son = person("p4", Relation::kChild, yearsBefore(kAsOf, 24));
  son.exclusion = Exclusion::kPrison;
  son.personal_financial_assets = yuan(10000);
  h.members.push_back(son);
  Decision d = decide(h);
  CHECK(input(step(d, "assets.dibao", "household"), "financial_assets") == "30000");
  CHECK(householdCategory(d) == "dibao");
}

TEST_CASE("§5 income: wages minus 20% employment cost; exempt items; pension base",
          "[spec][categories][income]") {
  Household h = three(0);
  h.members[0].income.wage = yuan(10000);               // counts 8,000
  h.members[1].income.pension_basic_base = yuan(1740);  // exempt (十四五)
  h.members[1].income.exempt = yuan(2000);              // scholarship, subsidies ...: exempt
  h.members[1].income.pension_other = yuan(1000);       // countable
  h.members[1].income.social_insurance = yuan(500);     // countable transfer income
  h.members[1].income.other_transfer = yuan(250);       // countable
  h.members[0].income.property_net = yuan(100);         // countable
  CHECK(decide(h).detail.gross == yuan(8000 + 1000 + 500 + 250 + 100));

  // 2026: the pension base stays exempt ([A] parameter value for 2026).
  Household later = h;
  later.as_of = day("2026-03-02");
  CHECK(decide(later).detail.gross == yuan(9850));
}

TEST_CASE("§5 income: outside support at max(actual, assessed); internal transfers ignored",
          "[spec][categories][income]") {
  Household h = three(0);
  SupportPayment outside;
  outside.actual = yuan(3600);
  outside.assessed = yuan(4800);  // case-02
  SupportPayment inside;
  inside.actual = yuan(2000);
  inside.from_in_household = true;
  h.members[0].income.support_received = {outside, inside};
  CHECK(decide(h).detail.gross == yuan(4800));
  h.members[0].income.support_received[0].actual = yuan(6000);  // paid more than assessed
  CHECK(decide(h).detail.gross == yuan(6000));
}

TEST_CASE("§5 income: transfers paid out are subtracted, never below zero",
          "[spec][categories][income]") {
  Household h = three(yuan(10000));
  h.members[0].income.transfers_paid = yuan(1500);
  CHECK(decide(h).detail.gross == yuan(8500));
  h.members[0].income.transfers_paid = yuan(20000);
  CHECK(decide(h).detail.gross == 0);
}

TEST_CASE("§5 deductions: medical costs of ill or disabled members and rehab, not education",
          "[spec][categories][income]") {
  // 20,000 gross: edge on income (>= 17,640). Deducting 2,360.01 brings it below -> dibao.
  Household h = three(yuan(20000));
  h.members[1].medical_oop = yuan(2360, 1);  // a healthy member: not deducted
  h.education_12m = yuan(50000);             // education: never deducted
  Decision healthy = decide(h);
  CHECK(healthy.detail.deduction == 0);
  CHECK(householdCategory(healthy) == "dibao_edge");

  h.members[1].serious_illness = true;
  Decision ill = decide(h);
  CHECK(ill.detail.deduction == yuan(2360, 1));
  CHECK(ill.detail.assessed == yuan(17639, 99));
  CHECK(householdCategory(ill) == "dibao");
  CHECK(input(step(ill, "income.household", "household"), "illness_disability_deduction") ==
        "2360.01");

  Household d = three(yuan(20000));
  d.members[2].disability_type = DisabilityType::kHearing;
  d.members[2].disability_grade = 4;
  d.members[2].medical_oop = yuan(1000);
  d.rehab_12m = yuan(1360);
  CHECK(decide(d).detail.deduction == yuan(2360));

  // Floored at zero.
  Household f = three(yuan(1000));
  f.rehab_12m = yuan(5000);
  Decision floored = decide(f);
  CHECK(floored.detail.assessed == 0);
  CHECK(floored.detail.gross == yuan(1000));
}

TEST_CASE("§6 the urban standard applies when urban or relocated to a town", "[spec][categories]") {
  // 3 x 10,800 = 32,400 urban; 20,000 is edge under the rural standard, dibao under the urban.
  Household h = three(yuan(20000));
  CHECK(category(h) == "dibao_edge");
  h.relocated_to_town = true;
  Decision relocated = decide(h);
  CHECK(relocated.detail.standard_annual == kUrbanStd2025);
  CHECK(householdCategory(relocated) == "dibao");
  h.relocated_to_town = false;
  h.residence = Residence::kUrban;
  Decision urban = decide(h);
  CHECK(urban.detail.urban);
  CHECK(input(step(urban, "dibao.income", "household"), "standard_x_members") == "32400");
  h.members[0].income.business_net = yuan(32400);
  CHECK(category(h) == "dibao_edge");
}

TEST_CASE("§7 an empty unit: tekun if anyone is tekun, else none", "[spec][categories]") {
  // An applicant in prison and nobody else: no unit, no category.
  Person app = applicant(kAsOf);
  app.exclusion = Exclusion::kPrison;
  Household h = household(kAsOf, {app});
  Decision d = decide(h);
  CHECK(householdCategory(d) == "none");
  CHECK(categoryOf(d, h, "p1") == "-");
  CHECK_FALSE(step(d, "household.unit", "household").passed);
}
