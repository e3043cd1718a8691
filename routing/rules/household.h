// Household: the input of the rules core (SPEC.md §2), already validated by an adapter. Plain
// value types with no JSON, owned by the caller; read-only during evaluation, so one Household
// may be evaluated from several threads at once. Money in fen, dates as rules::Date.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "routing/rules/date.h"
#include "routing/rules/money.h"

namespace xj::rules {

// Relation to the applicant (SPEC.md §4 relations are taken relative to the applicant).
enum class Relation : uint8_t {
  kApplicant,
  kSpouse,
  kChild,
  kParent,
  kGrandparent,
  kGrandchild,
  kSibling,
  kOtherRelative,  // nephew, aunt, in-law ...: no support duty unless legal_obligation says so
};

enum class Residence : uint8_t { kRural, kUrban };

enum class SchoolLevel : uint8_t {
  kNone,
  kPreschool,
  kPrimary,
  kJunior,
  kSenior,
  kSecondaryVocational,
  kJuniorCollege,
  kUndergraduate,
  kPostgraduate,
};

enum class DisabilityType : uint8_t {
  kNone,
  kIntellectual,
  kMental,
  kPhysical,
  kVisual,
  kHearing,
  kSpeech,
  kMultiple,
};
inline constexpr int kDisabilityTypeCount = 8;

// Hard exclusions of 审核确认办法 art.7 (SPEC.md §4 step 1).
enum class Exclusion : uint8_t { kNone, kPrison, kDrugRehab, kMissing, kReligious };

// Status held BEFORE this application (SPEC.md §6.1 circularity rule).
enum class CurrentStatus : uint8_t { kNone, kDibao, kTekun };

// A boolean the input may leave unsaid.
enum class Tri : uint8_t { kUnset, kFalse, kTrue };

enum class VehicleType : uint8_t {
  kCar,
  kTruck,
  kVan,
  kMotorcycle,
  kAgricultural,
  kTricycle,
  kDisabilityMobility,
  kOther,
};
inline constexpr int kVehicleTypeCount = 8;

// Who paid a support payment, as far as §6.5 needs to know (siblings are exempt there).
enum class SupporterKind : uint8_t {
  kOther,
  kSibling,
  kParent,
  kChild,
  kSpouse,
  kGrandparent,
  kGrandchild
};

struct SupportPayment {
  Fen actual = 0;
  Fen assessed = 0;   // caseworker's assessment; the household counts max(actual, assessed)
  int from_age = -1;  // -1 unknown
  bool from_in_household = false;  // internal transfer between unit members: ignored
  SupporterKind from = SupporterKind::kOther;
};

// Income of one person over the look-back period, by type (SPEC.md §5). All fen, all >= 0.
struct Income {
  Fen wage = 0;          // countable, minus the employment-cost rate
  Fen business_net = 0;  // countable
  Fen property_net = 0;  // countable
  Fen pension_basic_base =
      0;  // 城乡居民基本养老保险基础养老金: exempt (parameter); never tekun income
  Fen pension_other = 0;     // retirement / enterprise pensions: countable
  Fen social_insurance = 0;  // unemployment insurance and other social-insurance benefits:
                             // countable transfer income, excluded from tekun income (art.6)
  Fen other_transfer = 0;    // compensation, regular gifts ...: countable
  Fen exempt = 0;            // 优待抚恤金, scholarships, social assistance, disability
                             // subsidies, 高龄津贴 ...: never countable; FPM income only
  Fen transfers_paid = 0;    // taxes, social-insurance contributions, support paid out
  std::vector<SupportPayment> support_received;
};

// A legal obligor (法定赡养、抚养、扶养义务人): a member of the listed household (ref) or an
// outside person described by the caseworker.
struct Obligor {
  int ref = -1;  // index into Household::members, or -1 for an outside person
  // Outside person only:
  int age = -1;  // -1 unknown
  Fen annual_income = 0;
  bool income_known = false;
  DisabilityType disability_type = DisabilityType::kNone;
  int disability_grade = 0;
  CurrentStatus current_status = CurrentStatus::kNone;
  bool no_civil_capacity = false;
  bool missing = false;
  bool in_prison = false;
  Fen financial_assets = 0;
};

struct Person {
  std::string pid;  // caller's stable id ("p1"); used only to label output
  Relation relation = Relation::kOtherRelative;
  Date birth_date;
  SchoolLevel school = SchoolLevel::kNone;
  bool school_full_time = false;
  DisabilityType disability_type = DisabilityType::kNone;
  int disability_grade = 0;  // 1 (most severe) .. 4; 0 = none
  bool serious_illness = false;
  bool employed = false;
  bool migrant_worker = false;  // employment == "migrant"
  bool away_for_work_only = false;
  bool own_separate_household = false;
  int months_coresident = -1;  // -1 unknown: a listed person is taken as living there
  Exclusion exclusion = Exclusion::kNone;
  int religious_absence_years = 0;
  bool no_civil_capacity = false;
  Income income;
  Fen personal_financial_assets = 0;
  int adl_failures = 0;  // 0..6 of the six ADLs
  CurrentStatus current_status = CurrentStatus::kNone;
  bool tekun_as_minor = false;  // made tekun as a minor (art.24 continuation)
  bool applies_individually = false;
  bool orphan = false;  // orphan or de-facto unsupported child
  bool prefers_orphan_allowance = false;
  Tri can_live_independently = Tri::kUnset;
  Tri legal_obligation = Tri::kUnset;   // support duty towards the applicant, when it must be said
  Tri depends_on_family = Tri::kUnset;  // postgraduates: supported by the family (default yes)
  bool on_fpm_roster = false;           // listed by agriculture as a monitoring object
  bool obligors_given = false;          // false: derive spouse/parents/adult children (§6.1)
  std::vector<Obligor> obligors;
  Fen medical_oop = 0;  // out-of-pocket medical cost over 12 months (rigid_expenditure_12m)
};

struct Vehicle {
  VehicleType type = VehicleType::kCar;
  Fen value = 0;
};

struct FpmRecord {
  bool is_monitoring_object = false;
  bool risk_eliminated = false;
};

struct Household {
  Date as_of;  // acceptance date: parameters in force on it apply
  Residence residence = Residence::kRural;
  bool relocated_to_town = false;  // 易地扶贫搬迁 to a town: urban standard
  std::vector<Person> members;
  Fen financial_assets = 0;  // whole household, including members' personal assets
  std::vector<Vehicle> vehicles;
  int extra_housing_units = 0;
  Fen education_12m = 0;    // rigid expenditure, public-school rates
  Fen rehab_12m = 0;        // disability rehabilitation out of pocket
  Fen other_rigid_12m = 0;  // other county-recognised rigid costs
  FpmRecord fpm;
};

// Members beyond this are refused by the adapters (bit sets of members are 64 wide).
inline constexpr size_t kMaxMembers = 64;

}  // namespace xj::rules
