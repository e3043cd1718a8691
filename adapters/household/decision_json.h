// Decision -> JSON with the field names of the cases' `expected` (household_category,
// person_categories, household_tags, person_tags, detail) plus as_of, review_deadline,
// rule_set_version and trace; and the readable bilingual --explain rendering. Pure functions;
// any thread.
#pragma once

#include <string>

#include "adapters/household/household_json.h"
#include "config/standards.h"
#include "routing/rules/decision.h"

namespace xj::household {

std::string decisionToJson(const rules::Decision& d, const ParsedHousehold& input,
                           const Standards& standards);
std::string explainDecision(const rules::Decision& d, const ParsedHousehold& input,
                            const Standards& standards);
// [{"path": ..., "problem": ...}, ...] wrapped as {"problems": [...]}.
std::string problemsToJson(const Problems& problems);

}  // namespace xj::household
