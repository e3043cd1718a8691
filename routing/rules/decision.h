// Decision: the output of the rules core for one household (SPEC.md §2 "Output", §7). A plain
// value owned by the caller; evaluate() refills it, reusing its buffers, so a caller that keeps
// one Decision per thread evaluates without allocating when the trace is off.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "routing/rules/date.h"
#include "routing/rules/money.h"
#include "routing/rules/parameters.h"

namespace xj::rules {

// Ordered by rank: a greater value is the more generous category (就高不就低, SPEC.md §7).
enum class Category : uint8_t { kNone, kRigidExpense, kDibaoEdge, kDibao, kTekun };
const char* categoryId(Category c);  // "none", "rigid_expense", "dibao_edge", "dibao", "tekun"
const char* categoryZh(Category c);  // 无, 刚性支出困难, 低保边缘, 低保, 特困

// Household tags (bit set).
enum HouseholdTag : uint32_t {
  kTagMonitored = 1u << 0,
  kTagMonitoringRiskEliminated = 1u << 1,
  kTagMonitoredWithoutCategory = 1u << 2,
  kTagMonitoringReferralSuggested = 1u << 3,
};
// Person tags (bit set); the tekun care level is a separate field.
enum PersonTag : uint32_t {
  kPersonTagSinglePersonDibao = 1u << 0,
  kPersonTagAlsoEligibleOrphanAllowance = 1u << 1,
  kPersonTagMonitored = 1u << 2,
};
enum class CareLevel : uint8_t { kNone, kSelfCare, kPartiallyLost, kFullyLost };
const char* careLevelId(CareLevel c);  // "self_care", "partially_lost", "fully_lost"

// Why a listed person is not in the unit (SPEC.md §4).
enum class NotMemberReason : uint8_t {
  kNone,
  kPrison,
  kDrugRehab,
  kMissing,
  kReligious,
  kOwnHousehold,
  kNotCoresident,
  kNoSupportDuty,
};
const char* notMemberReasonEn(NotMemberReason r);
const char* notMemberReasonZh(NotMemberReason r);

// The §6.5 route that made a member a single-person dibao recipient.
enum class SingleRoute : uint8_t { kNone, kEdgeFamilySpecial, kAdultSevereDisabled };
const char* singleRouteEn(SingleRoute r);
const char* singleRouteZh(SingleRoute r);

struct PersonOutcome {
  uint16_t index = 0;  // into Household::members (same order)
  int age = 0;
  bool member = false;        // passed the §4 checklist (before tekun removal)
  bool tekun = false;         // tekun on their own (§6.1), removed from the unit
  bool has_category = false;  // counted member or tekun person
  Category category = Category::kNone;
  NotMemberReason not_member = NotMemberReason::kNone;
  CareLevel care = CareLevel::kNone;
  SingleRoute single_route = SingleRoute::kNone;
  uint32_t tags = 0;   // PersonTag bits
  Fen own_income = 0;  // §6.5 own income when a single-person route was assessed
};

// Intermediate figures (`detail` of the cases). Money in fen.
struct Detail {
  bool urban = false;
  Fen standard_annual = 0;        // per person
  int members_counted = 0;        // n: counted, non-tekun
  Fen gross = 0;                  // countable income after employment cost
  Fen deduction = 0;              // illness / disability out-of-pocket deduction
  Fen assessed = 0;               // max(0, gross - deduction)
  bool rigid_known = false;       // rigid_total computed (whenever the income tests ran)
  Fen rigid_total = 0;            // R of §6.4
  int fpm_members = 0;            // members (incl. tekun) over whom FPM income is averaged
  Fen fpm_total = 0;              // FPM-style gross income (hint only)
  bool income_tests_ran = false;  // false when the unit is empty
};

// name and value point into the RuleSet (valid while it lives, like rule_set_version), so a
// traced evaluation copies no parameter text.
struct TraceParam {
  Slot slot = Slot::kCount;
  std::string_view name;
  std::string_view value;
  Date effective;
};
struct TraceInput {
  std::string_view name;  // a static identifier
  std::string value;
};
// One test that ran: what it looked at, which parameters (value and effective date), the
// outcome and a short reason in Chinese and English.
struct TraceStep {
  std::string_view test;  // static id, e.g. "household.membership", "tekun.no_work_ability"
  std::string subject;    // a pid, or "household"
  bool passed = false;
  std::vector<TraceInput> inputs;
  std::vector<TraceParam> params;
  std::string reason_zh;
  std::string reason_en;
};

struct Decision {
  Date as_of;
  Category household_category = Category::kNone;
  uint32_t household_tags = 0;         // HouseholdTag bits
  std::vector<PersonOutcome> persons;  // one per listed member, in input order
  Detail detail;
  uint64_t params_used = 0;           // slotBit() of every parameter the evaluation read
  std::string_view rule_set_version;  // points into the RuleSet; valid while it lives
  bool traced = false;
  std::vector<TraceStep> trace;  // empty unless traced

  // Steps kept from earlier evaluations so their buffers are reused (not part of the result).
  std::vector<TraceStep> spare_steps;
};

}  // namespace xj::rules
