#include "adapters/intake/intake.h"

#include <cstdio>

#include "adapters/household/decision_json.h"
#include "adapters/household/evaluate.h"
#include "hub/core/time_format.h"
#include "hub/security/crypto.h"
#include "routing/rules/decision.h"

namespace xj::intake {
namespace {

std::string isoDate(std::chrono::sys_days d) {
  std::chrono::year_month_day ymd{d};
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
  return buf;
}

std::vector<std::string> householdTags(uint32_t bits) {
  std::vector<std::string> out;
  if (bits & rules::kTagMonitored) out.push_back("monitored");
  if (bits & rules::kTagMonitoringRiskEliminated) out.push_back("monitoring_risk_eliminated");
  if (bits & rules::kTagMonitoredWithoutCategory) out.push_back("monitored_without_category");
  if (bits & rules::kTagMonitoringReferralSuggested) out.push_back("monitoring_referral_suggested");
  return out;
}

}  // namespace

std::string acceptedOn(std::chrono::system_clock::time_point t) {
  return isoDate(std::chrono::floor<std::chrono::days>(t + std::chrono::hours(8)));
}

Intake::Intake(std::shared_ptr<const household::Standards> standards,
               const TownshipDirectory& townships, const routing::RouteTableHolder& routes,
               const Clock& clock, envelope::Limits limits, const PersonKeyer& keys)
    : standards_(std::move(standards)),
      townships_(townships),
      routes_(routes),
      clock_(clock),
      limits_(limits),
      keys_(keys) {}

std::string Intake::deadline(const std::string& accepted_on, int working_days) const {
  auto d = rules::parseDate(accepted_on);
  if (!d) return {};
  auto r = standards_->calendar.deadline(*d, working_days);
  if (!r.isOk()) return {};  // calendar_missing: stored as no deadline, never a guess
  return rules::formatDate(r.value());
}

envelope::ParseOutcome Intake::prepare(std::string_view bytes, MessageKind kind,
                                       IngestRecord& record, Problems& problems,
                                       routing::RouteDecision* why) const {
  envelope::Facts facts;
  auto now = clock_.now();
  envelope::Limits limits = limits_;
  limits.latest_birth_date = std::chrono::year_month_day{
      std::chrono::floor<std::chrono::days>(now + std::chrono::hours(8))};
  auto outcome = envelope::parseEnvelope(bytes, kind, townships_, limits, record, problems, &facts);
  if (outcome != envelope::ParseOutcome::kOk) return outcome;
  auto& plan = record.plan;
  plan.accepted_on = acceptedOn(now);

  // Pre-screen against the shared rules core, as of the acceptance date (SPEC.md §3).
  if (!facts.household_json.empty()) {
    Problems hp;
    household::EvalRequest req;
    req.as_of_override = plan.accepted_on;
    req.trace = true;
    auto e = household::evaluateHousehold(facts.household_json, *standards_, hp, req);
    if (!e) {
      for (auto& p : hp)
        problems.push_back(
            {"/subject/household" + (p.path == "--as-of" ? std::string() : p.path), p.problem});
      return envelope::ParseOutcome::kInvalid;
    }
    plan.prescreen_category = rules::categoryId(e->decision.household_category);
    plan.prescreen_tags = householdTags(e->decision.household_tags);
    plan.rule_set_version = std::string(e->decision.rule_set_version);
    plan.prescreen_json = household::decisionToJson(e->decision, e->input, *standards_);
    for (const auto& id : facts.member_ids) plan.member_id_keys.push_back(keys_.idKey(id));
  }

  auto table = routes_.get();
  routing::RoutingInput in;
  in.kind = kind;
  in.source = record.source;
  in.township = record.township;
  in.category = plan.prescreen_category;
  in.tags = plan.prescreen_tags;
  in.urgency = facts.urgency;
  in.signal = facts.signal;
  in.ticket_category = facts.ticket_category;
  auto decision = routing::route(*table, in);
  if (why) *why = decision;
  plan.route_rule = decision.rule;
  plan.route_version = decision.version;
  plan.queues = decision.queues;
  plan.urgency = facts.urgency;
  plan.signal = facts.signal;
  plan.ticket_category = facts.ticket_category;
  plan.township_queue = routing::townshipQueueId(record.township);
  if (!facts.phone_digits.empty()) plan.phone_key = keys_.phoneKey(facts.phone_digits);
  if (!facts.id_number.empty()) plan.id_key = keys_.idKey(facts.id_number);
  const std::string kind_name(toString(kind));
  plan.item_category = kind == MessageKind::kTicket && plan.prescreen_category == "unknown"
                           ? facts.ticket_category
                           : plan.prescreen_category;
  const std::string& category = plan.item_category;
  plan.case_deadline =
      deadline(plan.accepted_on, table->workingDaysFor("case", kind_name, category));
  plan.alert_deadline =
      deadline(plan.accepted_on, table->workingDaysFor("risk_alert", kind_name, category));
  plan.repeat_since = formatRfc3339(now - std::chrono::hours(24) * table->repeat_window_days);

  record.received_at = formatRfc3339(now);
  record.body_hash = security::sha256Hex(record.payload);
  return outcome;
}

}  // namespace xj::intake
