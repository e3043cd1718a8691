#include "routing/intake/intake.h"

#include <cstdio>

#include "hub/core/time_format.h"
#include "routing/queues/work_policy.h"
#include "routing/rules/date.h"

namespace xj::routing {
namespace {

std::string isoDate(std::chrono::sys_days d) {
  std::chrono::year_month_day ymd{d};
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
  return buf;
}

// Since when an open ticket case takes a repeat call: the route table's window before `now`.
std::string repeatSince(const RouteTable& table, std::chrono::system_clock::time_point now) {
  return formatRfc3339(now - std::chrono::hours(24) * table.repeat_window_days);
}

}  // namespace

std::string acceptedOn(std::chrono::system_clock::time_point t) {
  return isoDate(std::chrono::floor<std::chrono::days>(t + std::chrono::hours(8)));
}

Intake::Intake(const rules::WorkCalendar& calendar, const RouteTableHolder& routes,
               const Prescreener& prescreener, const PersonKeyer& keys)
    : calendar_(calendar), routes_(routes), prescreener_(prescreener), keys_(keys) {}

PlannedDeadline Intake::deadline(const std::string& accepted_on, int working_days) const {
  auto d = rules::parseDate(accepted_on);
  if (!d) return {};
  auto r = calendar_.deadlineOf(*d, working_days);
  if (!r.isOk()) return {};  // calendar_missing: stored as no deadline, never a guess
  return {rules::formatDate(r.value().date), r.value().provisional};
}

std::optional<rules::WorkingDaysLeft> Intake::workingDaysUntil(const std::string& today,
                                                               const std::string& due) const {
  auto from = rules::parseDate(today);
  auto to = rules::parseDate(due);
  if (!from || !to) return std::nullopt;
  auto r = calendar_.workingDaysUntil(*from, *to);
  if (!r.isOk()) return std::nullopt;  // calendar_missing: no count, never a guess
  return r.value();
}

std::optional<OpenItemQuery> Intake::repeatLookup(const MessageFacts& facts,
                                                  std::chrono::system_clock::time_point now) const {
  WorkPlan plan;
  if (!facts.phone_digits.empty()) plan.phone_key = keys_.phoneKey(facts.phone_digits);
  if (!facts.id_number.empty()) plan.id_key = keys_.idKey(facts.id_number);
  plan.repeat_since = repeatSince(*routes_.get(), now);
  return repeatCallQuery(plan);
}

bool Intake::plan(const MessageFacts& facts, std::chrono::system_clock::time_point now,
                  IngestRecord& record, Problems& problems, RouteDecision* why) const {
  const MessageKind kind = record.kind;
  auto& plan = record.plan;
  plan.accepted_on = acceptedOn(now);

  // Pre-screen against the shared rules core, as of the acceptance date (SPEC.md §3).
  if (!facts.household_json.empty()) {
    Problems hp;
    auto p = prescreener_.prescreen(facts.household_json, plan.accepted_on, hp);
    if (!p) {
      for (auto& e : hp)
        problems.push_back(
            {"/subject/household" + (e.path == "--as-of" ? std::string() : e.path), e.problem});
      return false;
    }
    plan.prescreen_category = p->category;
    plan.prescreen_tags = std::move(p->tags);
    plan.rule_set_version = std::move(p->rule_set_version);
    plan.prescreen_json = std::move(p->decision_json);
    for (const auto& id : facts.member_ids) plan.member_id_keys.push_back(keys_.idKey(id));
  }

  auto table = routes_.get();
  RoutingInput in;
  in.kind = kind;
  in.source = record.source;
  in.township = record.township;
  in.category = plan.prescreen_category;
  in.tags = plan.prescreen_tags;
  in.urgency = facts.urgency;
  in.signal = facts.signal;
  in.ticket_category = facts.ticket_category;
  auto decision = route(*table, in);
  if (why) *why = decision;
  plan.route_rule = decision.rule;
  plan.route_version = decision.version;
  plan.queues = decision.queues;
  plan.urgency = facts.urgency;
  plan.signal = facts.signal;
  plan.ticket_category = facts.ticket_category;
  plan.township_queue = townshipQueueId(record.township);
  if (!facts.phone_digits.empty()) plan.phone_key = keys_.phoneKey(facts.phone_digits);
  if (!facts.id_number.empty()) plan.id_key = keys_.idKey(facts.id_number);
  const std::string kind_name(toString(kind));
  plan.item_category = kind == MessageKind::kTicket && plan.prescreen_category == "unknown"
                           ? facts.ticket_category
                           : plan.prescreen_category;
  const std::string& category = plan.item_category;
  plan.case_working_days = table->workingDaysFor("case", kind_name, category);
  auto case_deadline = deadline(plan.accepted_on, plan.case_working_days);
  plan.case_deadline = case_deadline.date;
  plan.case_deadline_provisional = case_deadline.provisional;
  plan.alert_working_days = table->workingDaysFor("risk_alert", kind_name, category);
  auto alert_deadline = deadline(plan.accepted_on, plan.alert_working_days);
  plan.alert_deadline = alert_deadline.date;
  plan.alert_deadline_provisional = alert_deadline.provisional;
  plan.repeat_since = repeatSince(*table, now);
  record.received_at = formatRfc3339(now);
  return true;
}

}  // namespace xj::routing
