// RuleSet: the effective-dated parameters of SPEC.md §3 (parameters.json), validated and
// pre-resolved into one flat table per interval between effective dates, plus the rule-set
// version that goes with every decision. Built once at start-up (by adapters/household, which
// reads the JSON); immutable afterwards and safe to share read-only across threads.
//
// The value in force on a date is the entry with the greatest start <= date. A parameter with no
// entry in force on a date is ABSENT for that date: evaluation reports an error if it needs it,
// never a default.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "hub/core/problem.h"
#include "hub/core/status.h"
#include "routing/rules/date.h"
#include "routing/rules/household.h"
#include "routing/rules/money.h"

namespace xj::rules {

// Bumped whenever the rules code changes meaning; hashed into the rule-set version.
inline constexpr std::string_view kRulesVersion = "xj-rules/1.0.0";

// One slot per scalar the engine reads. Keyed parameters (e.g. the asset multiple by level) get
// one slot per key so that the trace can name exactly what was used.
enum class Slot : uint8_t {
  kStdRuralAnnual,
  kStdUrbanMonthly,
  kEdgeMultiplier,
  kDisposableIncome,
  kRigidRatio,
  kRigidLivingBasis,
  kEmploymentCostRate,
  kDeductIllnessOop,
  kExcludePensionBase,
  kImputeUnemployed,
  kTekunAgeElderly,
  kTekunAgeMinor,
  kTekunDisability,
  kObligorAgeLowIncome,
  kObligorDibaoAge,
  kAssetFinDibao,
  kAssetFinTekun,
  kAssetFinEdge,
  kAssetFinRigid,
  kExemptVehicleTypes,
  kVehicleMaxDibao,
  kVehicleMaxTekun,
  kVehicleMaxEdge,
  kVehicleMaxRigid,
  kHousingMaxDibao,
  kHousingMaxTekun,
  kHousingMaxEdge,
  kHousingMaxRigid,
  kCohabitationMonths,
  kReligiousYears,
  kSingleSevereDisability,
  kFpmLine,
  kIncludePostgraduates,
  kIncludeMigrantWorkers,
  kIncludeFpmRoster,
  kAgeReachedOn,
  kTekunBasicMultiplier,
  kCareSelf,
  kCarePartial,
  kCareFull,
  kMinWageMonthly,
  kIncomeLookbackMonths,
  kRigidLookbackMonths,
  kRigidValidityMonths,
  kPilotReviewWd,
  kDibaoWd,
  kTekunTownshipWd,
  kRigidWd,
  kPublicityDays,
  kGradualExitMonths,
  kCount,
};
inline constexpr size_t kSlotCount = static_cast<size_t>(Slot::kCount);
static_assert(kSlotCount <= 64, "params_used is a 64-bit set");

inline constexpr uint64_t slotBit(Slot s) { return uint64_t{1} << static_cast<unsigned>(s); }

enum class SlotKind : uint8_t {
  kMoney,     // yuan in the file, fen here
  kRatio,     // > 0, micro
  kFraction,  // 0..1, micro
  kCount,     // non-negative integer (years, months, days, units)
  kBool,
  kText,        // one of a fixed list of words, held as its index
  kGradeMap,    // disability type -> max grade, held in SlotValue::grades
  kVehicleList  // vehicle types, held as a bit set in SlotValue::num
};

struct SlotInfo {
  const char* parameter;  // name in parameters.json
  const char* key;        // key inside an object value, or nullptr
  SlotKind kind;
};
const SlotInfo& slotInfo(Slot s);
// "assets.financial_per_capita_max_x_annual_std.dibao" style name used in traces.
std::string slotName(Slot s);
// The same, as a view into a static table (any thread).
std::string_view slotNameView(Slot s);

// Text-valued slots and their accepted words.
enum class AgeRule : int64_t { kBirthday = 0, kDayAfterBirthday = 1 };
enum class LivingBasis : int64_t { kDibaoStandardTimesMembers = 0 };

struct SlotValue {
  bool present = false;
  Date effective;   // start of the entry in force
  int64_t num = 0;  // fen, micro, count, 0/1, text index or vehicle bit set by kind
  std::array<int8_t, kDisabilityTypeCount> grades{};  // kGradeMap: 0 = type never qualifies
};

// What a JSON (or other) loader hands over: the file's shape without the file format.
struct RawMember;
struct RawValue {
  enum class Kind : uint8_t { kNull, kNumber, kBool, kText, kObject, kList };
  Kind kind = Kind::kNull;
  double number = 0;
  bool boolean = false;
  std::string text;
  // A named member type rather than std::pair<std::string, RawValue>: clang (the fuzz build)
  // with libstdc++ cannot instantiate a pair of a type still incomplete here.
  std::vector<RawMember> object;  // kObject, in document order
  std::vector<RawValue> list;     // kList
};
struct RawMember {
  std::string key;
  RawValue value;
};
struct RawEntry {
  std::string start;  // "YYYY-MM-DD" as written
  RawValue value;
};
struct RawParameter {
  std::string name;
  std::vector<RawEntry> entries;
};

// The parameters in force over one interval [start, next start).
struct ResolvedParameters {
  Date start;
  std::array<SlotValue, kSlotCount> slots;
  std::array<std::string, kSlotCount> display;  // formatSlotValue of each slot, for traces
  const SlotValue& operator[](Slot s) const { return slots[static_cast<size_t>(s)]; }
};

class RuleSet {
 public:
  // Validates every parameter and entry; on failure appends EVERY problem found (path like
  // "/dibao.standard.rural_annual/values/2025-01-01/value") and returns an invalid Status.
  // `parameter_file_bytes` is hashed with kRulesVersion into version().
  static Result<RuleSet> build(const std::vector<RawParameter>& parameters,
                               std::string_view parameter_file_bytes, Problems& problems);

  // The parameters in force on `date` (binary search; never allocates). Slots without an entry
  // in force are !present.
  const ResolvedParameters& at(Date date) const;

  // e.g. "xj-rules/1.0.0+3f2a9c0d1e2b4a5c"
  const std::string& version() const { return version_; }

 private:
  std::vector<ResolvedParameters> intervals_;  // sorted by start; [0] is "before any entry"
  std::string version_;
};

// Display of a slot's value for traces ("5880", "1.5", "true", "motorcycle,agricultural").
std::string formatSlotValue(Slot s, const SlotValue& v);

}  // namespace xj::rules
