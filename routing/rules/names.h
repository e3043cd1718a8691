// Identifiers of the rules core's enums as they appear in the case files and in the decision
// JSON (SPEC.md, shared/DOMAIN.md), in both directions. Pure; any thread.
#pragma once

#include <optional>
#include <string_view>

#include "routing/rules/household.h"

namespace xj::rules {

std::optional<Relation> relationFromName(std::string_view s);
std::optional<SchoolLevel> schoolLevelFromName(std::string_view s);
std::optional<DisabilityType> disabilityTypeFromName(std::string_view s);
std::optional<Exclusion> exclusionFromName(std::string_view s);
std::optional<CurrentStatus> currentStatusFromName(std::string_view s);
std::optional<VehicleType> vehicleTypeFromName(std::string_view s);
// A relation word (son, brother, aunt, other ...), a plural (parents, siblings ...) or relative,
// friend, neighbour; nullopt for any other word, so that a misspelled payer ("sibbling") is
// refused rather than counted as someone whose support is never exempt (SPEC.md §6.5).
std::optional<SupporterKind> supporterKindFromName(std::string_view s);

const char* relationName(Relation r);
const char* disabilityTypeName(DisabilityType t);
const char* vehicleTypeName(VehicleType t);

}  // namespace xj::rules
