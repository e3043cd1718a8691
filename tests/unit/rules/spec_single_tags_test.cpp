// SPEC.md §6.5 (single-person dibao routes) and §6.6 (the FPM tags and the referral hint), each
// condition on its line and either side of it.
#include <catch2/catch.hpp>

#include <set>

#include "tests/unit/rules/spec_support.h"

using namespace xj::spec;

namespace {

const Date kAsOf = day("2025-06-02");

// Applicant, spouse and a severely disabled adult son (physical grade 2) who applies alone.
// `household_income` is the unit's gross (the son's own part included).
Household withDisabledSon(Fen household_income, Fen son_income = 0) {
  Person app = applicant(kAsOf);
  app.income.business_net = household_income - son_income;
  Person spouse = person("p2", Relation::kSpouse, yearsBefore(kAsOf, 44));
  Person son = person("p3", Relation::kChild, yearsBefore(kAsOf, 20));
  son.disability_type = DisabilityType::kPhysical;
  son.disability_grade = 2;
  son.can_live_independently = Tri::kFalse;
  son.applies_individually = true;
  son.income.pension_other = son_income;
  return household(kAsOf, {app, spouse, son});
}

struct Result {
  Household h;
  Decision d;
  std::string son() const { return categoryOf(d, h, "p3"); }
  bool tagged() const { return outcome(d, h, "p3").tags & kPersonTagSinglePersonDibao; }
  SingleRoute route() const { return outcome(d, h, "p3").single_route; }
};

Result run(Household h) {
  Result r{std::move(h), {}};
  r.d = decide(r.h);
  return r;
}

std::set<std::string> householdTags(const Decision& d) {
  std::set<std::string> out;
  if (d.household_tags & kTagMonitored) out.insert("monitored");
  if (d.household_tags & kTagMonitoringRiskEliminated) out.insert("monitoring_risk_eliminated");
  if (d.household_tags & kTagMonitoredWithoutCategory) out.insert("monitored_without_category");
  if (d.household_tags & kTagMonitoringReferralSuggested)
    out.insert("monitoring_referral_suggested");
  return out;
}

}  // namespace

TEST_CASE("§6.5 edge family: a severely disabled member's own income < std, strictly",
          "[spec][single]") {
  // 20,000 for three: edge. The son's own 5,880 is not below the standard.
  Result on = run(withDisabledSon(yuan(20000), kStd2025));
  CHECK(householdCategory(on.d) == "dibao_edge");
  CHECK(on.son() == "dibao_edge");
  CHECK_FALSE(on.tagged());
  CHECK_FALSE(step(on.d, "single_person.dibao", "p3").passed);
  CHECK(input(step(on.d, "single_person.dibao", "p3"), "own_income") == "5880");

  Result below = run(withDisabledSon(yuan(20000), kStd2025 - 1));
  CHECK(householdCategory(below.d) == "dibao_edge");  // the household keeps its category
  CHECK(below.son() == "dibao");
  CHECK(below.tagged());
  CHECK(below.route() == SingleRoute::kEdgeFamilySpecial);
  CHECK(step(below.d, "single_person.dibao", "p3").passed);
  CHECK(categoryOf(below.d, below.h, "p1") == "dibao_edge");
}

TEST_CASE("§6.5 edge family: grade 1-2 any type, grade 3 intellectual/mental, serious illness",
          "[spec][single]") {
  Household h = withDisabledSon(yuan(20000));
  h.members[2].disability_grade = 3;  // physical 3: not severe
  CHECK(run(h).son() == "dibao_edge");
  h.members[2].disability_type = DisabilityType::kIntellectual;  // intellectual 3: severe
  CHECK(run(h).son() == "dibao");
  h.members[2].disability_type = DisabilityType::kHearing;
  h.members[2].disability_grade = 2;  // any type at grade 2
  CHECK(run(h).son() == "dibao");
  h.members[2].disability_type = DisabilityType::kNone;
  h.members[2].disability_grade = 0;
  h.members[2].can_live_independently = Tri::kUnset;
  h.members[2].school = SchoolLevel::kUndergraduate;  // still a member
  h.members[2].school_full_time = true;
  CHECK(run(h).son() == "dibao_edge");
  h.members[2].serious_illness = true;
  Result ill = run(h);
  CHECK(ill.son() == "dibao");
  CHECK(ill.route() == SingleRoute::kEdgeFamilySpecial);
}

TEST_CASE(
    "§6.5 adult unemployed severely disabled: a single-person unit when the household is "
    "not dibao",
    "[spec][single]") {
  // 30,000 for three: none (case-11).
  Result none = run(withDisabledSon(yuan(30000)));
  CHECK(householdCategory(none.d) == "none");
  CHECK(none.son() == "dibao");
  CHECK(none.route() == SingleRoute::kAdultSevereDisabled);

  Household employed = withDisabledSon(yuan(30000));
  employed.members[2].employed = true;
  CHECK(run(employed).son() == "none");

  Household minor = withDisabledSon(yuan(30000));
  minor.members[2].birth_date = yearsBefore(kAsOf, 18).plusDays(1);  // 17
  Result m = run(minor);
  CHECK(m.son() == "none");
  CHECK_FALSE(step(m.d, "single_person.dibao", "p3").passed);

  Household adult = withDisabledSon(yuan(30000));
  adult.members[2].birth_date = yearsBefore(kAsOf, 18);  // 18 today
  CHECK(run(adult).son() == "dibao");

  // A dibao household: the son is dibao with it, not through a route.
  Result dibao = run(withDisabledSon(yuan(10000)));
  CHECK(householdCategory(dibao.d) == "dibao");
  CHECK(dibao.son() == "dibao");
  CHECK_FALSE(dibao.tagged());

  // Not applying individually: no route is assessed.
  Household not_applying = withDisabledSon(yuan(30000));
  not_applying.members[2].applies_individually = false;
  Result na = run(not_applying);
  CHECK(na.son() == "none");
  CHECK_FALSE(hasStep(na.d, "single_person.dibao", "p3"));
}

TEST_CASE("§6.5 own income: support from siblings or carers aged >= 60 exempt, others count",
          "[spec][single]") {
  auto son_with_support = [](SupporterKind from, int from_age) {
    Household h = withDisabledSon(yuan(30000));
    SupportPayment s;
    s.actual = yuan(6000);
    s.assessed = yuan(6000);
    s.from = from;
    s.from_age = from_age;
    s.from_in_household = true;  // the parents, in the unit: internal for the household
    h.members[2].income.support_received.push_back(s);
    Result r = run(h);
    CHECK(r.d.detail.gross == yuan(30000));  // internal: not in the household's income
    return r.son();
  };
  CHECK(son_with_support(SupporterKind::kParent, 60) == "dibao");
  CHECK(son_with_support(SupporterKind::kParent, 59) == "none");
  CHECK(son_with_support(SupporterKind::kSibling, 30) == "dibao");
  CHECK(son_with_support(SupporterKind::kOther, 40) == "none");
}

TEST_CASE("§6.6 monitored: the tag whatever the category; risk eliminated; without category",
          "[spec][tags]") {
  Household h = withDisabledSon(yuan(10000));
  h.members[2].applies_individually = false;
  h.fpm.is_monitoring_object = true;
  CHECK(householdTags(decide(h)) == std::set<std::string>{"monitored"});
  h.fpm.risk_eliminated = true;
  CHECK(householdTags(decide(h)) ==
        std::set<std::string>{"monitored", "monitoring_risk_eliminated"});  // case-14
  h.members[0].income.business_net = yuan(40000);                           // none
  Decision none = decide(h);
  CHECK(householdCategory(none) == "none");
  CHECK(householdTags(none) == std::set<std::string>{"monitored", "monitoring_risk_eliminated",
                                                     "monitored_without_category"});
  CHECK(step(none, "fpm.monitored_tag", "household").reason_en.find("county task force") !=
        std::string::npos);
  // Risk eliminated is a tag of monitoring objects only.
  h.fpm.is_monitoring_object = false;
  CHECK(householdTags(decide(h)).count("monitoring_risk_eliminated") == 0);
}

TEST_CASE("§6.6 referral hint: rural, not relocated, not monitored, FPM income < line strictly",
          "[spec][tags]") {
  // FPM line 7,800 x 3 = 23,400. FPM income counts wages before the employment cost and the
  // exempt items and the pension base too.
  auto with = [](Fen wage, Fen exempt) {
    Household h = withDisabledSon(0);
    h.members[2].applies_individually = false;
    h.members[0].income.wage = wage;
    h.members[1].income.exempt = exempt;
    return h;
  };
  Decision on = decide(with(yuan(20000), yuan(3400)));
  CHECK(on.detail.fpm_total == yuan(23400));
  CHECK_FALSE(step(on, "fpm.referral_hint", "household").passed);
  CHECK(householdTags(on).empty());

  Decision below = decide(with(yuan(20000), yuan(3399, 99)));
  CHECK(step(below, "fpm.referral_hint", "household").passed);
  CHECK(householdTags(below) == std::set<std::string>{"monitoring_referral_suggested"});

  Household urban = with(0, 0);
  urban.residence = Residence::kUrban;
  Decision u = decide(urban);
  CHECK(householdTags(u).empty());
  CHECK_FALSE(hasStep(u, "fpm.referral_hint", "household"));
  Household relocated = with(0, 0);
  relocated.relocated_to_town = true;
  CHECK(householdTags(decide(relocated)).empty());
  Household monitored = with(0, 0);
  monitored.fpm.is_monitoring_object = true;
  CHECK(householdTags(decide(monitored)).count("monitoring_referral_suggested") == 0);
  // A person on the roster: the person is tagged, no hint for the household.
  Household roster = with(0, 0);
  roster.members[1].on_fpm_roster = true;
  Decision r = decide(roster);
  CHECK(householdTags(r).empty());
  CHECK(outcome(r, roster, "p2").tags & kPersonTagMonitored);
}
