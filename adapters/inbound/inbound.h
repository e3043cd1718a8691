// Inbound: the wire side of taking in a message, shared by the HTTP and MQTT adapters: parse and
// validate the envelope (adapters/envelope), hand the parsed facts to the intake
// (routing/intake, which pre-screens, routes and sets deadlines), and hash the normalised
// payload for idempotency. Owns the household pre-screen port the intake uses.
// Pure apart from reading the clock; const after construction; any thread.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "adapters/envelope/envelope_codec.h"
#include "adapters/household/standards.h"
#include "adapters/inbound/household_prescreen.h"
#include "hub/core/clock.h"
#include "hub/core/message.h"
#include "hub/core/person_keys.h"
#include "hub/core/problem.h"
#include "hub/core/township.h"
#include "routing/intake/intake.h"
#include "routing/route_table.h"

namespace xj::inbound {

class Inbound {
 public:
  // `keys` makes the stored person keys (id_key, phone_key) from ID numbers and phones.
  Inbound(std::shared_ptr<const household::Standards> standards, const TownshipDirectory& townships,
          const routing::RouteTableHolder& routes, const Clock& clock, envelope::Limits limits,
          const PersonKeyer& keys);

  // On kOk the record is complete: received_at, body_hash and the WorkPlan are filled; with
  // `why` the router's full decision (with its explanation) is copied out for tools.
  envelope::ParseOutcome prepare(std::string_view bytes, MessageKind kind, IngestRecord& record,
                                 Problems& problems, routing::RouteDecision* why = nullptr) const;

  const routing::Intake& intake() const { return intake_; }
  std::string deadline(const std::string& accepted_on, int working_days) const {
    return intake_.deadline(accepted_on, working_days);
  }
  const household::Standards& standards() const { return *standards_; }
  const routing::RouteTableHolder& routes() const { return intake_.routes(); }
  const envelope::Limits& limits() const { return limits_; }

 private:
  std::shared_ptr<const household::Standards> standards_;
  const TownshipDirectory& townships_;
  const Clock& clock_;
  envelope::Limits limits_;
  HouseholdPrescreener prescreener_;
  routing::Intake intake_;
};

}  // namespace xj::inbound
