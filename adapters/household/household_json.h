// Household JSON (the case-file format of shared/rules/cases) -> rules::Household. Accepts a
// whole case file (its "household" and "as_of" are used) or a bare household object. Lists
// EVERY problem as {JSON pointer, problem}; nothing is guessed: a missing birth date, a negative
// or unknown income, a member without a relation, a date outside the calendar, an unknown
// township ... are problems, not defaults. Problems never quote names or ID numbers. Pure
// function of its inputs; any thread.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "adapters/household/standards.h"
#include "hub/core/problem.h"
#include "routing/rules/household.h"

namespace xj::household {

struct ParsedHousehold {
  rules::Household household;
  std::string township_code;  // normalised 2023 code
  std::string base_path;      // "/household" for a case file, "" for a bare household
};

// `as_of_override` (YYYY-MM-DD), when non-empty, replaces the file's as_of.
std::optional<ParsedHousehold> parseHouseholdJson(std::string_view json, const Standards& standards,
                                                  std::string_view as_of_override,
                                                  Problems& problems);

}  // namespace xj::household
