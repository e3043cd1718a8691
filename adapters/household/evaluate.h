// One entry point for every way in (CLI `xianjie eval`, POST /v1/eligibility/evaluate, the
// pre-screen of ingested messages): household JSON in, decision out. Pure function of its
// inputs and the shared read-only Standards; any thread.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "adapters/household/household_json.h"
#include "config/standards.h"
#include "hub/core/problem.h"
#include "routing/rules/decision.h"

namespace xj::household {

struct EvalRequest {
  std::string as_of_override;  // "YYYY-MM-DD" or empty (use the file's as_of)
  bool trace = true;           // include the full trace in the decision
  bool explain = false;        // evaluateHouseholdJson returns the readable text instead of JSON
  // Members named by their position ("member 1", "member 2", ...) instead of their pid in the
  // decision, its trace and its explanation. A pid is the caller's free text and may hold a name:
  // a decision kept by the hub and shown to others (the pre-screen of a message) never shows it.
  bool members_by_position = false;
};

struct Evaluation {
  ParsedHousehold input;
  rules::Decision decision;
};

// Bad input (every problem listed, paths as JSON pointers into `body`) gives nullopt. A
// parameter missing on the date is reported as a problem on as_of.
std::optional<Evaluation> evaluateHousehold(std::string_view body, const Standards& standards,
                                            Problems& problems, const EvalRequest& request = {});

// The decision as JSON (field names of the cases' `expected` + as_of, review_deadline,
// rule_set_version, trace), or the --explain text when request.explain. Empty string on bad
// input, with `problems` filled (render them with problemsToJson from decision_json.h).
std::string evaluateHouseholdJson(std::string_view body, const Standards& standards,
                                  Problems& problems, const EvalRequest& request = {});

}  // namespace xj::household
