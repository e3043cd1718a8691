#include "adapters/reception/household_prescreen.h"

#include "adapters/household/decision_json.h"
#include "adapters/household/evaluate.h"
#include "routing/rules/decision.h"

namespace xj::reception {
namespace {

std::vector<std::string> householdTags(uint32_t bits) {
  std::vector<std::string> out;
  if (bits & rules::kTagMonitored) out.push_back("monitored");
  if (bits & rules::kTagMonitoringRiskEliminated) out.push_back("monitoring_risk_eliminated");
  if (bits & rules::kTagMonitoredWithoutCategory) out.push_back("monitored_without_category");
  if (bits & rules::kTagMonitoringReferralSuggested) out.push_back("monitoring_referral_suggested");
  return out;
}

}  // namespace

std::optional<routing::Prescreen> HouseholdPrescreener::prescreen(const std::string& household,
                                                                  const std::string& as_of,
                                                                  Problems& problems) const {
  household::EvalRequest req;
  req.as_of_override = as_of;
  req.trace = true;
  // Stored with the item and shown on its page (and wherever a decision leaves the hub): the
  // household's free-text member ids stay in the message only.
  req.members_by_position = true;
  auto e = household::evaluateHousehold(household, *standards_, problems, req);
  if (!e) return std::nullopt;
  routing::Prescreen p;
  p.category = rules::categoryId(e->decision.household_category);
  p.tags = householdTags(e->decision.household_tags);
  p.rule_set_version = std::string(e->decision.rule_set_version);
  p.decision_json = household::decisionToJson(e->decision, e->input, *standards_);
  return p;
}

}  // namespace xj::reception
