// Intake: what the hub decides about a valid inbound message before it is stored, shared by
// HTTP and MQTT: pre-screen any household with the rules core, route with the table in force,
// compute the working-day deadlines from the calendar, and key the people it names. The result
// is the record's WorkPlan, stored in the same transaction as the message and applied there by
// the work policy (routing/queues/work_policy.h). The wire is the adapters' business
// (adapters/reception parses the envelope and calls this).
// Pure apart from its ports; const after construction; any thread.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "hub/core/message.h"
#include "hub/core/person_keys.h"
#include "hub/core/problem.h"
#include "hub/core/work_transaction.h"
#include "routing/intake/prescreen.h"
#include "routing/route_table.h"
#include "routing/rules/calendar.h"

namespace xj::routing {

// China Standard Time (UTC+8, no daylight saving): the date a message was accepted on.
std::string acceptedOn(std::chrono::system_clock::time_point t);

// A working-day deadline: the date (empty: calendar_missing) and whether a year without its
// holiday notice took part in counting it (then it is provisional, and recounted later).
struct PlannedDeadline {
  std::string date;
  bool provisional = false;
};

class Intake {
 public:
  // `calendar` must outlive the Intake (it lives in the loaded standards).
  Intake(const rules::WorkCalendar& calendar, const RouteTableHolder& routes,
         const Prescreener& prescreener, const PersonKeyer& keys);

  // Fills record.plan for a message accepted at `now`. False with every problem listed (paths
  // into the envelope) when the household cannot be pre-screened. With `why` the router's full
  // decision (with its explanation) is copied out for tools.
  bool plan(const MessageFacts& facts, std::chrono::system_clock::time_point now,
            IngestRecord& record, Problems& problems, RouteDecision* why = nullptr) const;

  // The repeat-call query (routing/queues/work_policy.h) for a ticket about this person if it
  // were accepted at `now`: the same keys and window the intake would use; nullopt when the
  // facts carry neither an ID number nor a phone.
  std::optional<OpenItemQuery> repeatLookup(const MessageFacts& facts,
                                            std::chrono::system_clock::time_point now) const;

  // The n-th working day after `accepted_on`; no date when the calendar cannot count it.
  PlannedDeadline deadline(const std::string& accepted_on, int working_days) const;
  // Working days from `today` to `due` (both YYYY-MM-DD) on the same calendar
  // (WorkCalendar::workingDaysUntil); nullopt when a date is bad or the calendar cannot count it.
  std::optional<rules::WorkingDaysLeft> workingDaysUntil(const std::string& today,
                                                         const std::string& due) const;
  const RouteTableHolder& routes() const { return routes_; }

 private:
  const rules::WorkCalendar& calendar_;
  const RouteTableHolder& routes_;
  const Prescreener& prescreener_;
  const PersonKeyer& keys_;
};

}  // namespace xj::routing
