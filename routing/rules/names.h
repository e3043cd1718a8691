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
SupporterKind supporterKindFromName(std::string_view s);  // unknown words are kOther

const char* relationName(Relation r);
const char* disabilityTypeName(DisabilityType t);
const char* vehicleTypeName(VehicleType t);

}  // namespace xj::rules
