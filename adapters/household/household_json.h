// Household JSON (the case-file format of tests/data/rules/cases) -> rules::Household. Accepts a
// whole case file (its "household" and "as_of" are used) or a bare household object. Lists
// EVERY problem, an unknown or misspelled field included, as {JSON pointer, problem}; nothing is
// guessed: a missing birth date, a negative or unknown income, a member without a relation, an
// unknown township ... are problems, not defaults. Problems never quote names or ID numbers. Pure
// function of its inputs; any thread.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/standards.h"
#include "hub/core/problem.h"
#include "routing/rules/household.h"

namespace xj::household {

struct ParsedHousehold {
  rules::Household household;
  std::string township_code;  // normalised 2023 code
  std::string base_path;      // "/household" for a case file, "" for a bare household
};

// The field names each object of the household input accepts, by object: case_file, household,
// member, school, disability, support_received, obligor (a person outside the unit),
// obligor_member (an obligor given by ref), obligor_assets, assets_personal, member_fpm, assets,
// vehicle, fpm, rigid_expenditure_12m. Any other field is a problem ("unknown field", with a
// did-you-mean). The OpenAPI component Household (adapters/http/openapi.json) documents the same
// names, and the README's household table the same concepts; a unit test keeps them equal.
// Income keys are checked by type name instead (see the README).
const std::map<std::string, std::vector<std::string>>& householdFields();

// `as_of_override` (YYYY-MM-DD), when non-empty, replaces the file's as_of.
std::optional<ParsedHousehold> parseHouseholdJson(std::string_view json, const Standards& standards,
                                                  std::string_view as_of_override,
                                                  Problems& problems);

}  // namespace xj::household
