// Generator of synthetic households (1-6 members) for the rules benchmark and the property
// tests: incomes spread around the dibao, edge and disposable-income lines, some disability,
// illness, students, migrant workers, elderly, vehicles and rigid costs. Deterministic for a
// seed; no personal data (pids only). Header-only; one generator per thread.
#pragma once

#include <cstdint>
#include <string>

#include "routing/rules/household.h"

namespace xj::rules::gen {

// splitmix64: tiny and fast, good enough for test data.
class Rng {
 public:
  explicit Rng(uint64_t seed) : s_(seed) {}
  uint64_t next() {
    uint64_t z = (s_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  int uniform(int lo, int hi) {  // inclusive
    return lo + static_cast<int>(next() % static_cast<uint64_t>(hi - lo + 1));
  }
  bool chance(int percent) { return uniform(0, 99) < percent; }

 private:
  uint64_t s_;
};

inline Date dateOf(int y, unsigned m, unsigned d) { return *Date::fromYmd(y, m, d); }

// Fills `h` (reusing its buffers) with a random household accepted on a 2025 date.
inline void generateHousehold(Rng& rng, Household& h) {
  static const char* kPids[] = {"p1", "p2", "p3", "p4", "p5", "p6"};
  h.as_of = dateOf(2025, static_cast<unsigned>(rng.uniform(1, 12)), static_cast<unsigned>(rng.uniform(1, 28)));
  h.residence = rng.chance(85) ? Residence::kRural : Residence::kUrban;
  h.relocated_to_town = rng.chance(5);
  int n = rng.uniform(1, 6);
  h.members.resize(static_cast<size_t>(n));
  int y = h.as_of.year();
  for (int i = 0; i < n; ++i) {
    Person& p = h.members[static_cast<size_t>(i)];
    p = Person{};
    p.pid = kPids[i];
    int age;
    if (i == 0) {
      p.relation = Relation::kApplicant;
      age = rng.uniform(25, 85);
    } else if (i == 1 && rng.chance(75)) {
      p.relation = Relation::kSpouse;
      age = rng.uniform(25, 85);
    } else {
      int r = rng.uniform(0, 9);
      if (r < 6) {
        p.relation = Relation::kChild;
        age = rng.uniform(0, 30);
      } else if (r < 8) {
        p.relation = Relation::kParent;
        age = rng.uniform(55, 95);
      } else {
        p.relation = r == 8 ? Relation::kSibling : Relation::kOtherRelative;
        age = rng.uniform(5, 90);
      }
    }
    p.birth_date = dateOf(y - age, static_cast<unsigned>(rng.uniform(1, 12)), static_cast<unsigned>(rng.uniform(1, 28)));
    if (p.birth_date > h.as_of) p.birth_date = h.as_of;
    bool working_age = age >= 18 && age < 60;
    if (working_age && rng.chance(55)) {
      p.employed = rng.chance(60);
      if (p.employed) p.income.wage = rng.uniform(0, 40000) * 100;
      else p.income.business_net = rng.uniform(0, 20000) * 100;
      if (rng.chance(15)) p.migrant_worker = true, p.months_coresident = rng.uniform(0, 5);
    }
    if (age >= 60 && rng.chance(70)) p.income.pension_basic_base = 1740 * 100;
    if (age >= 60 && rng.chance(15)) p.income.pension_other = rng.uniform(6000, 30000) * 100;
    if (age >= 6 && age < 25 && rng.chance(60)) {
      static const SchoolLevel kLevels[] = {SchoolLevel::kPrimary, SchoolLevel::kJunior,
                                            SchoolLevel::kSenior, SchoolLevel::kUndergraduate,
                                            SchoolLevel::kPostgraduate};
      p.school = kLevels[rng.uniform(0, 4)];
      p.school_full_time = true;
    }
    if (rng.chance(8)) {
      p.disability_type = static_cast<DisabilityType>(rng.uniform(1, 7));
      p.disability_grade = rng.uniform(1, 4);
      if (rng.chance(30)) p.income.exempt = 2160 * 100;
    }
    p.serious_illness = rng.chance(5);
    if (p.serious_illness || p.disability_type != DisabilityType::kNone)
      p.medical_oop = rng.uniform(0, 15000) * 100;
    if (rng.chance(4)) p.own_separate_household = true;
    if (rng.chance(3)) p.exclusion = Exclusion::kPrison;
    if (rng.chance(10)) {
      SupportPayment s;
      s.actual = rng.uniform(0, 8000) * 100;
      s.assessed = rng.chance(50) ? s.actual : rng.uniform(0, 8000) * 100;
      s.from_age = rng.uniform(25, 70);
      s.from = rng.chance(20) ? SupporterKind::kSibling : SupporterKind::kChild;
      p.income.support_received.push_back(s);
    }
    p.applies_individually = (p.disability_type != DisabilityType::kNone || p.serious_illness) && rng.chance(50);
    p.adl_failures = age >= 60 ? rng.uniform(0, 6) : 0;
    p.personal_financial_assets = rng.uniform(0, 10000) * 100;
    if (rng.chance(5)) p.current_status = rng.chance(50) ? CurrentStatus::kDibao : CurrentStatus::kTekun;
  }
  h.financial_assets = 0;
  for (const auto& p : h.members) h.financial_assets += p.personal_financial_assets;
  h.financial_assets += rng.uniform(0, 20000) * 100;
  h.vehicles.clear();
  if (rng.chance(25)) {
    Vehicle v;
    v.type = static_cast<VehicleType>(rng.uniform(0, kVehicleTypeCount - 1));
    v.value = rng.uniform(2000, 80000) * 100;
    h.vehicles.push_back(v);
  }
  h.extra_housing_units = rng.chance(3) ? 1 : 0;
  h.education_12m = rng.chance(30) ? rng.uniform(0, 10000) * 100 : 0;
  h.rehab_12m = rng.chance(5) ? rng.uniform(0, 5000) * 100 : 0;
  h.other_rigid_12m = 0;
  h.fpm.is_monitoring_object = rng.chance(10);
  h.fpm.risk_eliminated = h.fpm.is_monitoring_object && rng.chance(40);
}

}  // namespace xj::rules::gen
