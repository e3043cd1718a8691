// SPEC.md §6.1, tekun (特困办法 arts.4-9, 21-22, 24): no work ability, no livelihood, no capable
// obligor, the orphan choice and the care level, each on its line and either side of it.
#include <catch2/catch.hpp>

#include "tests/unit/rules/spec_support.h"

using namespace xj::spec;

namespace {

const Date kAsOf = day("2025-06-02");

// A person living alone with no obligor at all (obligors given, none listed).
Person alone(Date birth) {
  Person p = person("p1", Relation::kApplicant, birth);
  p.obligors_given = true;
  return p;
}

struct Solo {
  Household h;
  Decision d;
  bool tekun() const { return outcome(d, h, "p1").tekun; }
};

Solo solo(Person p, Fen financial = 0) {
  Solo s;
  s.h = household(kAsOf, {std::move(p)}, financial);
  s.d = decide(s.h);
  CHECK(s.tekun() == (categoryOf(s.d, s.h, "p1") == "tekun"));
  return s;
}

Obligor outside(int age, Fen income) {
  Obligor o;
  o.age = age;
  o.annual_income = income;
  o.income_known = true;
  return o;
}

// A person of 75 whose one obligor is `o`.
Solo withObligor(Obligor o) {
  Person p = alone(yearsBefore(kAsOf, 75));
  p.obligors.push_back(o);
  return solo(p);
}

}  // namespace

TEST_CASE("§6.1 no work ability: age >= 60 on the 60th birthday, not the day before",
          "[spec][tekun]") {
  Solo at60 = solo(alone(yearsBefore(kAsOf, 60)));
  CHECK(at60.tekun());
  CHECK(householdCategory(at60.d) == "tekun");
  CHECK(step(at60.d, "tekun.no_work_ability", "p1").passed);
  CHECK(input(step(at60.d, "tekun.no_work_ability", "p1"), "age") == "60");

  Solo at59 = solo(alone(yearsBefore(kAsOf, 60).plusDays(1)));
  CHECK_FALSE(at59.tekun());
  CHECK_FALSE(step(at59.d, "tekun.no_work_ability", "p1").passed);
  CHECK(householdCategory(at59.d) == "dibao");  // no income: a one-person dibao unit
}

TEST_CASE("§6.1 no work ability: under 16, not at 16", "[spec][tekun]") {
  // A nephew (no support duty, so not in the unit) with no obligor, assessed on his own.
  auto nephew = [](Date birth) {
    Person n = person("p2", Relation::kOtherRelative, birth);
    n.obligors_given = true;
    Household h = household(kAsOf, {applicant(kAsOf), n});
    Decision d = decide(h);
    return std::pair{categoryOf(d, h, "p2"), step(d, "tekun.no_work_ability", "p2").passed};
  };
  CHECK(nephew(yearsBefore(kAsOf, 16).plusDays(1)) == std::pair{std::string("tekun"), true});
  CHECK(nephew(yearsBefore(kAsOf, 16)) == std::pair{std::string("-"), false});
}

TEST_CASE("§6.1 no work ability by disability: intellectual/mental 1-3, physical 1-2, visual 1",
          "[spec][tekun]") {
  struct Row {
    DisabilityType type;
    int grade;
    bool qualifies;
  };
  for (Row r :
       {Row{DisabilityType::kIntellectual, 3, true}, Row{DisabilityType::kIntellectual, 4, false},
        Row{DisabilityType::kMental, 3, true}, Row{DisabilityType::kMental, 4, false},
        Row{DisabilityType::kPhysical, 2, true}, Row{DisabilityType::kPhysical, 3, false},
        Row{DisabilityType::kVisual, 1, true}, Row{DisabilityType::kVisual, 2, false},
        Row{DisabilityType::kHearing, 1, false}, Row{DisabilityType::kSpeech, 1, false}}) {
    Person p = alone(yearsBefore(kAsOf, 40));
    p.disability_type = r.type;
    p.disability_grade = r.grade;
    INFO("type " << static_cast<int>(r.type) << " grade " << r.grade);
    Solo s = solo(p);
    CHECK(s.tekun() == r.qualifies);
    CHECK(step(s.d, "tekun.no_work_ability", "p1").passed == r.qualifies);
  }
}

TEST_CASE(
    "§6.1 continuation: tekun as a minor stays tekun to 18, beyond only in school to "
    "senior/secondary vocational",
    "[spec][tekun]") {
  auto young = [](int age, SchoolLevel school, bool as_minor) {
    Person p = alone(yearsBefore(kAsOf, age));
    p.tekun_as_minor = as_minor;
    p.school = school;
    p.school_full_time = school != SchoolLevel::kNone;
    return solo(p).tekun();
  };
  CHECK(young(17, SchoolLevel::kNone, true));
  CHECK_FALSE(young(17, SchoolLevel::kNone, false));
  CHECK_FALSE(young(18, SchoolLevel::kNone, true));
  CHECK(young(19, SchoolLevel::kSenior, true));
  CHECK(young(19, SchoolLevel::kSecondaryVocational, true));
  CHECK_FALSE(young(19, SchoolLevel::kUndergraduate, true));
  CHECK_FALSE(young(19, SchoolLevel::kJuniorCollege, true));
  CHECK_FALSE(young(19, SchoolLevel::kSenior, false));
}

TEST_CASE("§6.1 no livelihood: own tekun income < std, strictly; art.6 exclusions",
          "[spec][tekun]") {
  Person p = alone(yearsBefore(kAsOf, 70));
  p.income.business_net = kStd2025;
  Solo on = solo(p);
  CHECK_FALSE(on.tekun());
  CHECK_FALSE(step(on.d, "tekun.no_livelihood.income", "p1").passed);
  CHECK(input(step(on.d, "tekun.no_livelihood.income", "p1"), "own_income") == "5880");

  p.income.business_net = kStd2025 - 1;
  CHECK(solo(p).tekun());

  // The pension base, social insurance, 高龄津贴 and other exempt items are not tekun income.
  p.income.pension_basic_base = yuan(100000);
  p.income.social_insurance = yuan(100000);
  p.income.exempt = yuan(100000);
  Solo excluded = solo(p);
  CHECK(excluded.tekun());
  CHECK(input(step(excluded.d, "tekun.no_livelihood.income", "p1"), "own_income") == "5879.99");
}

TEST_CASE("§6.1 no livelihood: personal financial assets <= 2 x std (inclusive)", "[spec][tekun]") {
  Person p = alone(yearsBefore(kAsOf, 70));
  p.personal_financial_assets = 2 * kStd2025;
  Solo on = solo(p);
  CHECK(on.tekun());
  CHECK(step(on.d, "assets.tekun", "p1").passed);
  p.personal_financial_assets = 2 * kStd2025 + 1;
  Solo over = solo(p);
  CHECK_FALSE(over.tekun());
  CHECK_FALSE(step(over.d, "assets.tekun", "p1").passed);
  // Living alone, the household's own assets are theirs.
  p.personal_financial_assets = 0;
  CHECK_FALSE(solo(p, 2 * kStd2025 + 1).tekun());
}

TEST_CASE("§6.1 art.8(2): an obligor on dibao aged >= 60 lacks capacity; 59 does not",
          "[spec][tekun][obligor]") {
  Obligor o = outside(60, yuan(50000));
  o.current_status = CurrentStatus::kDibao;
  Solo at60 = withObligor(o);
  CHECK(at60.tekun());
  CHECK(step(at60.d, "tekun.no_capable_obligor", "p1").passed);
  o.age = 59;
  Solo at59 = withObligor(o);
  CHECK_FALSE(at59.tekun());
  CHECK_FALSE(step(at59.d, "tekun.no_capable_obligor", "p1").passed);
}

TEST_CASE("§6.1 art.8(1): an obligor who is already tekun lacks capacity", "[spec][tekun]") {
  Obligor o = outside(40, yuan(50000));
  o.current_status = CurrentStatus::kTekun;
  CHECK(withObligor(o).tekun());
}

TEST_CASE("§6.1 art.8(3): aged >= 70 with income < dpi and low assets lacks capacity",
          "[spec][tekun][obligor]") {
  CHECK(withObligor(outside(70, kDpi2025 - 1)).tekun());
  CHECK_FALSE(withObligor(outside(70, kDpi2025)).tekun());  // not below
  CHECK_FALSE(withObligor(outside(69, 0)).tekun());
  // Assets within the low-income rule: taken as the edge limit for one, 3 x 5,880 = 17,640.
  Obligor o = outside(72, 0);
  o.financial_assets = 3 * kStd2025;
  CHECK(withObligor(o).tekun());
  o.financial_assets = 3 * kStd2025 + 1;
  CHECK_FALSE(withObligor(o).tekun());
  // An outside obligor whose income is not stated cannot be found incapable on income.
  Obligor unknown;
  unknown.age = 80;
  CHECK_FALSE(withObligor(unknown).tekun());
}

TEST_CASE("§6.1 art.8(4): a severely disabled obligor with low income lacks capacity",
          "[spec][tekun][obligor]") {
  Obligor o = outside(40, kDpi2025 - 1);
  o.disability_type = DisabilityType::kPhysical;
  o.disability_grade = 2;
  CHECK(withObligor(o).tekun());
  o.disability_grade = 3;
  CHECK_FALSE(withObligor(o).tekun());
  o.disability_type = DisabilityType::kMental;  // grade 3 intellectual/mental is severe
  CHECK(withObligor(o).tekun());
  o.annual_income = kDpi2025;
  CHECK_FALSE(withObligor(o).tekun());
}

TEST_CASE("§6.1 art.8(5): no civil capacity, missing or in prison, with low assets",
          "[spec][tekun][obligor]") {
  Obligor prison = outside(40, yuan(100000));
  prison.in_prison = true;
  CHECK(withObligor(prison).tekun());
  Obligor missing = outside(40, yuan(100000));
  missing.missing = true;
  CHECK(withObligor(missing).tekun());
  Obligor incapacitated = outside(40, yuan(100000));
  incapacitated.no_civil_capacity = true;
  CHECK(withObligor(incapacitated).tekun());
  incapacitated.financial_assets = yuan(1'000'000);
  CHECK_FALSE(withObligor(incapacitated).tekun());
}

TEST_CASE("§6.1 every obligor must lack capacity", "[spec][tekun][obligor]") {
  Person p = alone(yearsBefore(kAsOf, 75));
  p.obligors.push_back(outside(75, 0));        // incapable
  p.obligors.push_back(outside(40, yuan(1)));  // able-bodied, 40: capable
  Solo s = solo(p);
  CHECK_FALSE(s.tekun());
  CHECK(input(step(s.d, "tekun.no_capable_obligor", "p1"), "obligors") == "2");
}

TEST_CASE("§6.1 default obligors: spouse and adult children among the listed persons",
          "[spec][tekun][obligor]") {
  // An elderly couple (76, 72), no children: each other's only obligor, 70+, low income
  // (case-01): both tekun, household tekun.
  Person a = person("p1", Relation::kApplicant, yearsBefore(kAsOf, 76));
  Person b = person("p2", Relation::kSpouse, yearsBefore(kAsOf, 72));
  Household h = household(kAsOf, {a, b});
  Decision d = decide(h);
  CHECK(householdCategory(d) == "tekun");
  CHECK(categoryOf(d, h, "p1") == "tekun");
  CHECK(categoryOf(d, h, "p2") == "tekun");
  CHECK(d.detail.members_counted == 0);

  // A wife of 69 is not under art.8(3): she is a capable obligor of her husband, who stays in
  // the unit (dibao); he, at 76 without income, cannot support her: she is tekun.
  Household h2 = h;
  h2.members[1].birth_date = yearsBefore(kAsOf, 69);
  Decision d2 = decide(h2);
  CHECK_FALSE(outcome(d2, h2, "p1").tekun);
  CHECK(categoryOf(d2, h2, "p1") == "dibao");
  CHECK(outcome(d2, h2, "p2").tekun);

  // An adult son living with them is an able obligor of both.
  Household h3 = h;
  h3.members.push_back(person("p3", Relation::kChild, yearsBefore(kAsOf, 45)));
  Decision d3 = decide(h3);
  CHECK_FALSE(outcome(d3, h3, "p1").tekun);
  CHECK_FALSE(outcome(d3, h3, "p2").tekun);
  CHECK(householdCategory(d3) == "dibao");
}

TEST_CASE("§6.1 art.9: an orphan minor may take the orphan allowance instead", "[spec][tekun]") {
  Person orphan = person("p2", Relation::kOtherRelative, yearsBefore(kAsOf, 10));
  orphan.obligors_given = true;
  orphan.orphan = true;
  Household h = household(kAsOf, {applicant(kAsOf), orphan});
  Decision d = decide(h);
  CHECK(categoryOf(d, h, "p2") == "tekun");
  CHECK(outcome(d, h, "p2").tags & kPersonTagAlsoEligibleOrphanAllowance);
  CHECK(step(d, "tekun.orphan_choice", "p2").passed);

  h.members[1].prefers_orphan_allowance = true;
  Decision chose = decide(h);
  CHECK(categoryOf(chose, h, "p2") == "-");
  CHECK(outcome(chose, h, "p2").tags & kPersonTagAlsoEligibleOrphanAllowance);
  CHECK_FALSE(step(chose, "tekun.orphan_choice", "p2").passed);
}

TEST_CASE("§6.1 care level: 0 ADL failures self care, 1-3 partially lost, >= 4 fully lost",
          "[spec][tekun]") {
  auto care = [](int failures) {
    Person p = alone(yearsBefore(kAsOf, 80));
    p.adl_failures = failures;
    Solo s = solo(p);
    REQUIRE(s.tekun());
    return std::string(careLevelId(outcome(s.d, s.h, "p1").care));
  };
  CHECK(care(0) == "self_care");
  CHECK(care(1) == "partially_lost");
  CHECK(care(3) == "partially_lost");
  CHECK(care(4) == "fully_lost");
  CHECK(care(6) == "fully_lost");
}
