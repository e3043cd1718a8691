// Intake: one path from inbound bytes to a record the store can commit, shared by the HTTP and
// MQTT adapters: parse and validate the envelope, pre-screen any household with the rules core,
// route with the table in force, and compute the working-day deadlines from the calendar.
// Pure apart from reading the clock; const after construction; any thread.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "adapters/envelope/envelope_codec.h"
#include "adapters/household/standards.h"
#include "hub/core/clock.h"
#include "hub/core/message.h"
#include "hub/core/person_keys.h"
#include "hub/core/problem.h"
#include "hub/core/township.h"
#include "routing/route_table.h"

namespace xj::intake {

// China Standard Time (UTC+8, no daylight saving): the date a message was accepted on.
std::string acceptedOn(std::chrono::system_clock::time_point t);

class Intake {
 public:
  // `keys` makes the stored person keys (id_key, phone_key) from ID numbers and phones.
  Intake(std::shared_ptr<const household::Standards> standards, const TownshipDirectory& townships,
         const routing::RouteTableHolder& routes, const Clock& clock, envelope::Limits limits,
         const PersonKeyer& keys);

  // On kOk the record is complete: received_at, body_hash and the WorkPlan are filled; with
  // `why` the router's full decision (with its explanation) is copied out for tools.
  envelope::ParseOutcome prepare(std::string_view bytes, MessageKind kind, IngestRecord& record,
                                 Problems& problems, routing::RouteDecision* why = nullptr) const;

  // The n-th working day after `accepted_on`; empty when the calendar lacks the year.
  std::string deadline(const std::string& accepted_on, int working_days) const;
  const household::Standards& standards() const { return *standards_; }
  const routing::RouteTableHolder& routes() const { return routes_; }
  const envelope::Limits& limits() const { return limits_; }

 private:
  std::shared_ptr<const household::Standards> standards_;
  const TownshipDirectory& townships_;
  const routing::RouteTableHolder& routes_;
  const Clock& clock_;
  envelope::Limits limits_;
  const PersonKeyer& keys_;
};

}  // namespace xj::intake
