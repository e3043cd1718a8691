#include "routing/rules/names.h"

#include <array>
#include <utility>

namespace xj::rules {

namespace {
template <class E, size_t N>
std::optional<E> lookup(const std::array<std::pair<std::string_view, E>, N>& table,
                        std::string_view s) {
  for (const auto& [name, value] : table)
    if (name == s) return value;
  return std::nullopt;
}

constexpr std::array<std::pair<std::string_view, Relation>, 38> kRelations{{
    {"applicant", Relation::kApplicant},
    {"self", Relation::kApplicant},
    {"spouse", Relation::kSpouse},
    {"husband", Relation::kSpouse},
    {"wife", Relation::kSpouse},
    {"child", Relation::kChild},
    {"son", Relation::kChild},
    {"daughter", Relation::kChild},
    {"parent", Relation::kParent},
    {"father", Relation::kParent},
    {"mother", Relation::kParent},
    {"grandparent", Relation::kGrandparent},
    {"grandfather", Relation::kGrandparent},
    {"grandmother", Relation::kGrandparent},
    {"grandchild", Relation::kGrandchild},
    {"grandson", Relation::kGrandchild},
    {"granddaughter", Relation::kGrandchild},
    {"sibling", Relation::kSibling},
    {"brother", Relation::kSibling},
    {"sister", Relation::kSibling},
    {"other_relative", Relation::kOtherRelative},
    {"other", Relation::kOtherRelative},
    // Relatives without a support duty towards the applicant (SPEC.md §4 step 7).
    {"nephew", Relation::kOtherRelative},
    {"niece", Relation::kOtherRelative},
    {"uncle", Relation::kOtherRelative},
    {"aunt", Relation::kOtherRelative},
    {"cousin", Relation::kOtherRelative},
    {"in_law", Relation::kOtherRelative},
    {"son_in_law", Relation::kOtherRelative},
    {"daughter_in_law", Relation::kOtherRelative},
    {"parent_in_law", Relation::kOtherRelative},
    {"father_in_law", Relation::kOtherRelative},
    {"mother_in_law", Relation::kOtherRelative},
    {"sibling_in_law", Relation::kOtherRelative},
    {"grandnephew", Relation::kOtherRelative},
    {"grandniece", Relation::kOtherRelative},
    {"stepchild", Relation::kChild},
    {"stepparent", Relation::kParent},
}};

constexpr std::array<std::pair<std::string_view, SchoolLevel>, 14> kSchool{{
    {"none", SchoolLevel::kNone},
    {"preschool", SchoolLevel::kPreschool},
    {"kindergarten", SchoolLevel::kPreschool},
    {"primary", SchoolLevel::kPrimary},
    {"junior", SchoolLevel::kJunior},
    {"senior", SchoolLevel::kSenior},
    {"secondary_vocational", SchoolLevel::kSecondaryVocational},
    {"vocational", SchoolLevel::kSecondaryVocational},
    {"junior_college", SchoolLevel::kJuniorCollege},
    {"undergraduate", SchoolLevel::kUndergraduate},
    {"bachelor", SchoolLevel::kUndergraduate},
    {"postgraduate", SchoolLevel::kPostgraduate},
    {"master", SchoolLevel::kPostgraduate},
    {"doctoral", SchoolLevel::kPostgraduate},
}};

constexpr std::array<std::pair<std::string_view, DisabilityType>, 8> kDisability{{
    {"none", DisabilityType::kNone},
    {"intellectual", DisabilityType::kIntellectual},
    {"mental", DisabilityType::kMental},
    {"physical", DisabilityType::kPhysical},
    {"visual", DisabilityType::kVisual},
    {"hearing", DisabilityType::kHearing},
    {"speech", DisabilityType::kSpeech},
    {"multiple", DisabilityType::kMultiple},
}};

constexpr std::array<std::pair<std::string_view, Exclusion>, 9> kExclusion{{
    {"none", Exclusion::kNone},
    {"prison", Exclusion::kPrison},
    {"drug_rehab", Exclusion::kDrugRehab},
    {"compulsory_drug_rehab", Exclusion::kDrugRehab},
    {"missing", Exclusion::kMissing},
    {"declared_missing", Exclusion::kMissing},
    {"religious", Exclusion::kReligious},
    {"religious_personnel", Exclusion::kReligious},
    {"imprisoned", Exclusion::kPrison},
}};

constexpr std::array<std::pair<std::string_view, CurrentStatus>, 4> kStatus{{
    {"none", CurrentStatus::kNone},
    {"dibao", CurrentStatus::kDibao},
    {"tekun", CurrentStatus::kTekun},
    {"", CurrentStatus::kNone},
}};

constexpr std::array<std::pair<std::string_view, VehicleType>, 10> kVehicles{{
    {"car", VehicleType::kCar},
    {"truck", VehicleType::kTruck},
    {"van", VehicleType::kVan},
    {"motorcycle", VehicleType::kMotorcycle},
    {"agricultural", VehicleType::kAgricultural},
    {"tricycle", VehicleType::kTricycle},
    {"disability_mobility", VehicleType::kDisabilityMobility},
    {"other", VehicleType::kOther},
    {"suv", VehicleType::kCar},
    {"farm", VehicleType::kAgricultural},
}};
}  // namespace

std::optional<Relation> relationFromName(std::string_view s) { return lookup(kRelations, s); }
std::optional<SchoolLevel> schoolLevelFromName(std::string_view s) { return lookup(kSchool, s); }
std::optional<DisabilityType> disabilityTypeFromName(std::string_view s) {
  return lookup(kDisability, s);
}
std::optional<Exclusion> exclusionFromName(std::string_view s) { return lookup(kExclusion, s); }
std::optional<CurrentStatus> currentStatusFromName(std::string_view s) {
  return lookup(kStatus, s);
}
std::optional<VehicleType> vehicleTypeFromName(std::string_view s) { return lookup(kVehicles, s); }

std::optional<SupporterKind> supporterKindFromName(std::string_view s) {
  if (s == "siblings") return SupporterKind::kSibling;
  if (s == "parents") return SupporterKind::kParent;
  if (s == "children") return SupporterKind::kChild;
  if (s == "grandparents") return SupporterKind::kGrandparent;
  if (s == "grandchildren") return SupporterKind::kGrandchild;
  if (s == "relative" || s == "friend" || s == "neighbour" || s == "neighbor")
    return SupporterKind::kOther;
  // Any relation word: a payer is described like a listed person (son, brother, aunt ...).
  auto r = relationFromName(s);
  if (!r || *r == Relation::kApplicant) return std::nullopt;
  switch (*r) {
    case Relation::kSibling:
      return SupporterKind::kSibling;
    case Relation::kParent:
      return SupporterKind::kParent;
    case Relation::kChild:
      return SupporterKind::kChild;
    case Relation::kSpouse:
      return SupporterKind::kSpouse;
    case Relation::kGrandparent:
      return SupporterKind::kGrandparent;
    case Relation::kGrandchild:
      return SupporterKind::kGrandchild;
    default:
      return SupporterKind::kOther;
  }
}

const char* relationName(Relation r) {
  switch (r) {
    case Relation::kApplicant:
      return "applicant";
    case Relation::kSpouse:
      return "spouse";
    case Relation::kChild:
      return "child";
    case Relation::kParent:
      return "parent";
    case Relation::kGrandparent:
      return "grandparent";
    case Relation::kGrandchild:
      return "grandchild";
    case Relation::kSibling:
      return "sibling";
    case Relation::kOtherRelative:
      return "other_relative";
  }
  return "other_relative";
}

const char* disabilityTypeName(DisabilityType t) {
  for (const auto& [name, value] : kDisability)
    if (value == t) return name.data();
  return "none";
}

const char* vehicleTypeName(VehicleType t) {
  for (const auto& [name, value] : kVehicles)
    if (value == t) return name.data();
  return "other";
}

}  // namespace xj::rules
