// SPEC.md §4, the household-member checklist, one boundary at a time: each person sits exactly on
// a rule's line and on each side of it; the decision's membership and its trace step are checked.
#include <catch2/catch.hpp>

#include "tests/unit/rules/spec_support.h"

using namespace xj::spec;

namespace {

const Date kAsOf = day("2025-06-02");

// The applicant and one other listed person `p2`, evaluated; returns whether p2 was counted.
struct Two {
  Household h;
  Decision d;
  bool member() const { return outcome(d, h, "p2").member; }
  NotMemberReason reason() const { return outcome(d, h, "p2").not_member; }
  bool tracedMember() const { return step(d, "household.membership", "p2").passed; }
};

Two withP2(Person p2) {
  Two t;
  t.h = household(kAsOf, {applicant(kAsOf), std::move(p2)});
  t.d = decide(t.h);
  CHECK(t.member() == t.tracedMember());
  return t;
}

Person adultChild(int age = 25) { return person("p2", Relation::kChild, yearsBefore(kAsOf, age)); }

}  // namespace

TEST_CASE("§4.1 hard exclusions: prison, drug rehab, missing exclude whatever the relation",
          "[spec][membership]") {
  for (Exclusion e : {Exclusion::kPrison, Exclusion::kDrugRehab, Exclusion::kMissing}) {
    Person spouse = person("p2", Relation::kSpouse, yearsBefore(kAsOf, 44));
    spouse.exclusion = e;
    auto t = withP2(spouse);
    CHECK_FALSE(t.member());
    CHECK(t.reason() != NotMemberReason::kNone);
    CHECK(categoryOf(t.d, t.h, "p2") == "-");
    // Hard-excluded persons are not tested for tekun either (§7: "not hard-excluded").
    CHECK_FALSE(hasStep(t.d, "tekun.no_work_ability", "p2"));
    CHECK(t.d.detail.members_counted == 1);
  }
}

TEST_CASE("§4.1 religious personnel: apart >= 3 years (inclusive) excluded, 2 years not",
          "[spec][membership]") {
  Person spouse = person("p2", Relation::kSpouse, yearsBefore(kAsOf, 44));
  spouse.exclusion = Exclusion::kReligious;
  spouse.religious_absence_years = 3;
  auto on = withP2(spouse);
  CHECK_FALSE(on.member());
  CHECK(on.reason() == NotMemberReason::kReligious);
  CHECK(input(step(on.d, "household.membership", "p2"), "religious_absence_years") == "3");

  spouse.religious_absence_years = 2;
  auto below = withP2(spouse);
  CHECK(below.member());  // not excluded: the spouse rule (art.7(1)) applies
  CHECK(below.d.detail.members_counted == 2);
}

TEST_CASE("§4.2a a person on the agriculture bureau's roster is counted without a support duty",
          "[spec][membership]") {
  Person brother = person("p2", Relation::kSibling, yearsBefore(kAsOf, 40));
  auto off = withP2(brother);
  CHECK_FALSE(off.member());
  CHECK(off.reason() == NotMemberReason::kNoSupportDuty);

  brother.on_fpm_roster = true;
  auto on = withP2(brother);
  CHECK(on.member());
  CHECK(step(on.d, "household.membership", "p2").reason_en.find("monitoring roster") !=
        std::string::npos);
}

TEST_CASE("§4.3 a spouse is counted wherever they live", "[spec][membership]") {
  Person spouse = person("p2", Relation::kSpouse, yearsBefore(kAsOf, 44));
  spouse.months_coresident = 0;
  spouse.migrant_worker = true;
  auto t = withP2(spouse);
  CHECK(t.member());
  CHECK(step(t.d, "household.membership", "p2").reason_en.find("art.7(1)") != std::string::npos);
}

TEST_CASE("§4.4 a child under 18 is counted wherever they live; at 18 the other rules apply",
          "[spec][membership]") {
  // Turns 18 on as_of (SPEC §2: reached on the birthday); lives apart all year.
  Person child = person("p2", Relation::kChild, yearsBefore(kAsOf, 18));
  child.months_coresident = 0;
  auto at18 = withP2(child);
  CHECK(outcome(at18.d, at18.h, "p2").age == 18);
  CHECK_FALSE(at18.member());
  CHECK(at18.reason() == NotMemberReason::kNotCoresident);

  child.birth_date = child.birth_date.plusDays(1);  // 18 tomorrow: still a minor today
  auto at17 = withP2(child);
  CHECK(outcome(at17.d, at17.h, "p2").age == 17);
  CHECK(at17.member());
  CHECK(step(at17.d, "household.membership", "p2").reason_en.find("art.7(2)") != std::string::npos);
}

TEST_CASE("§4.5 adult child in full-time study at bachelor level or below, wherever they study",
          "[spec][membership]") {
  for (SchoolLevel level : {SchoolLevel::kPrimary, SchoolLevel::kJunior, SchoolLevel::kSenior,
                            SchoolLevel::kSecondaryVocational, SchoolLevel::kJuniorCollege,
                            SchoolLevel::kUndergraduate}) {
    Person c = adultChild(20);
    c.months_coresident = 0;
    c.school = level;
    c.school_full_time = true;
    auto t = withP2(c);
    CHECK(t.member());
    // Part-time study is not the art.7(3) case: apart all year, not counted.
    c.school_full_time = false;
    auto part = withP2(c);
    CHECK_FALSE(part.member());
  }
}

TEST_CASE("§4.5 postgraduates: counted only if full-time, dependent and without income [L]",
          "[spec][membership]") {
  Person c = adultChild(24);
  c.months_coresident = 0;
  c.school = SchoolLevel::kPostgraduate;
  c.school_full_time = true;
  c.income.exempt = yuan(3000);  // a scholarship is exempt: still "no income"
  auto in = withP2(c);
  CHECK(in.member());
  CHECK(step(in.d, "household.membership", "p2").reason_en.find("postgraduate") !=
        std::string::npos);

  Person earning = c;
  earning.income.wage = yuan(1);
  CHECK_FALSE(withP2(earning).member());

  Person independent = c;
  independent.depends_on_family = Tri::kFalse;
  CHECK_FALSE(withP2(independent).member());

  Person part_time = c;
  part_time.school_full_time = false;
  CHECK_FALSE(withP2(part_time).member());
}

TEST_CASE("§4.5 an adult child unable to live independently is counted", "[spec][membership]") {
  Person c = adultChild(28);
  c.months_coresident = 0;
  CHECK_FALSE(withP2(c).member());
  c.can_live_independently = Tri::kFalse;
  auto t = withP2(c);
  CHECK(t.member());
  CHECK(step(t.d, "household.membership", "p2").reason_en.find("unable to live independently") !=
        std::string::npos);
}

TEST_CASE("§4.6 others with a support duty: co-resident >= 6 months counted, 5 months not",
          "[spec][membership]") {
  Person parent = person("p2", Relation::kParent, yearsBefore(kAsOf, 58));
  parent.months_coresident = 6;
  auto six = withP2(parent);
  CHECK(six.member());
  CHECK(input(step(six.d, "household.membership", "p2"), "months_coresident") == "6");

  parent.months_coresident = 5;
  auto five = withP2(parent);
  CHECK_FALSE(five.member());
  CHECK(five.reason() == NotMemberReason::kNotCoresident);

  // Unknown months: a listed person is taken as living there.
  parent.months_coresident = -1;
  CHECK(withP2(parent).member());
}

TEST_CASE("§4.6 a migrant worker who has not split from the household is counted [L]",
          "[spec][membership]") {
  Person son = adultChild(22);
  son.months_coresident = 2;
  son.migrant_worker = true;
  son.employed = true;
  auto t = withP2(son);
  CHECK(t.member());
  CHECK(step(t.d, "household.membership", "p2").reason_en.find("migrant") != std::string::npos);

  // ... unless they have their own household (case-14, case-02).
  son.own_separate_household = true;
  auto own = withP2(son);
  CHECK_FALSE(own.member());
  CHECK(own.reason() == NotMemberReason::kOwnHousehold);

  // Away for work only: the same rule.
  Person away = adultChild(22);
  away.months_coresident = 1;
  away.away_for_work_only = true;
  CHECK(withP2(away).member());
}

TEST_CASE("§4.6 an adult child with their own household is not counted even if co-resident",
          "[spec][membership]") {
  Person son = adultChild(35);
  son.own_separate_household = true;
  son.months_coresident = 12;
  auto t = withP2(son);
  CHECK_FALSE(t.member());
  CHECK(t.reason() == NotMemberReason::kOwnHousehold);
}

TEST_CASE("§4.6 grandparents, grandchildren and siblings count only when a duty is stated",
          "[spec][membership]") {
  for (Relation r : {Relation::kGrandparent, Relation::kGrandchild, Relation::kSibling}) {
    Person p = person("p2", r, yearsBefore(kAsOf, r == Relation::kGrandchild ? 20 : 70));
    p.months_coresident = 12;
    auto no_duty = withP2(p);
    CHECK_FALSE(no_duty.member());
    CHECK(no_duty.reason() == NotMemberReason::kNoSupportDuty);
    p.legal_obligation = Tri::kTrue;
    CHECK(withP2(p).member());
  }
  // A parent whose duty is expressly denied is not counted.
  Person parent = person("p2", Relation::kParent, yearsBefore(kAsOf, 58));
  parent.legal_obligation = Tri::kFalse;
  CHECK_FALSE(withP2(parent).member());
}

TEST_CASE("§4.7 everyone else is excluded but may be tekun on their own (case-18's aunt)",
          "[spec][membership]") {
  Person aunt = person("p2", Relation::kOtherRelative, yearsBefore(kAsOf, 80));
  aunt.obligors_given = true;  // no obligor at all
  auto t = withP2(aunt);
  CHECK_FALSE(t.member());
  CHECK(t.reason() == NotMemberReason::kNoSupportDuty);
  CHECK(categoryOf(t.d, t.h, "p2") == "tekun");
  CHECK(t.d.detail.members_counted == 1);  // the unit is the applicant alone
  CHECK(categoryOf(t.d, t.h, "p1") == householdCategory(t.d));
}

TEST_CASE("§4.8 tekun persons are removed from the unit before the household tests",
          "[spec][membership]") {
  // A mother of 85 whose only obligor, her son the applicant, is a dibao recipient of 62
  // (art.8(2)): she is tekun; the son, with 6,000 of his own, is not.
  Person son = person("p1", Relation::kApplicant, yearsBefore(kAsOf, 62));
  son.current_status = CurrentStatus::kDibao;
  son.income.business_net = yuan(6000);
  Person mother = person("p2", Relation::kParent, yearsBefore(kAsOf, 85));
  mother.income.pension_other = yuan(3000);
  Household h = household(kAsOf, {son, mother});
  Decision d = decide(h);
  CHECK(categoryOf(d, h, "p2") == "tekun");
  CHECK(outcome(d, h, "p2").member);
  CHECK(step(d, "tekun.no_capable_obligor", "p2").passed);
  CHECK(d.detail.members_counted == 1);
  // Her income does not enter the unit: 6,000 for one is not below 5,880 -> edge, not dibao.
  CHECK(d.detail.gross == yuan(6000));
  CHECK(householdCategory(d) == "dibao_edge");
  CHECK(categoryOf(d, h, "p1") == "dibao_edge");
}
