#include "adapters/household/evaluate.h"

#include "adapters/household/decision_json.h"
#include "routing/rules/engine.h"

namespace xj::household {

std::optional<Evaluation> evaluateHousehold(std::string_view body, const Standards& standards,
                                            Problems& problems, const EvalRequest& request) {
  auto parsed = parseHouseholdJson(body, standards, request.as_of_override, problems);
  if (!parsed) return std::nullopt;
  Evaluation e{std::move(*parsed), {}};
  // After parsing, members are referred to by index (obligors, medical costs): the pids are only
  // labels from here on, so replacing them changes no figure of the decision.
  if (request.members_by_position)
    for (size_t i = 0; i < e.input.household.members.size(); ++i)
      e.input.household.members[i].pid = "member " + std::to_string(i + 1);
  rules::EvalOptions opts;
  opts.trace = request.trace || request.explain;
  Status s = rules::evaluate(e.input.household, standards.rules, opts, e.decision);
  if (!s.isOk()) {
    problems.push_back(
        {request.as_of_override.empty() ? e.input.base_path + "/as_of" : "--as-of", s.message()});
    return std::nullopt;
  }
  return e;
}

std::string evaluateHouseholdJson(std::string_view body, const Standards& standards,
                                  Problems& problems, const EvalRequest& request) {
  auto e = evaluateHousehold(body, standards, problems, request);
  if (!e) return {};
  if (request.explain) return explainDecision(e->decision, e->input, standards);
  return decisionToJson(e->decision, e->input, standards);
}

}  // namespace xj::household
