// Reception: the wire side of taking in a message, shared by the HTTP and MQTT adapters: parse and
// validate the envelope (adapters/envelope), hand the parsed facts to the intake
// (routing/intake, which pre-screens, routes and sets deadlines), and hash the normalised
// payload for idempotency, and the rules that depend on who sends (a listed agency's signals),
// so that a message is checked the same on every transport. Owns the household pre-screen port
// the intake uses.
// Pure apart from reading the clock; any thread. The standards (parameters, calendar) may be
// replaced while it runs (SIGHUP, setStandards): each message is prepared with one set, the one
// in force when it started.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "adapters/envelope/envelope_codec.h"
#include "adapters/reception/household_prescreen.h"
#include "config/standards.h"
#include "hub/core/clock.h"
#include "hub/core/message.h"
#include "hub/core/partner_directory.h"
#include "hub/core/person_keys.h"
#include "hub/core/problem.h"
#include "hub/core/township.h"
#include "routing/intake/intake.h"
#include "routing/route_table.h"

namespace xj::reception {

class Reception {
 public:
  // `keys` makes the stored person keys (id_key, phone_key) from ID numbers and phones.
  // `partners`: the directory in force (its `agencies` list which signals an agency sends; read
  // at each message, so a SIGHUP reload applies); nullptr for tools that only explain routing.
  Reception(std::shared_ptr<const household::Standards> standards,
            const TownshipDirectory& townships, const routing::RouteTableHolder& routes,
            const Clock& clock, envelope::Limits limits, const PersonKeyer& keys,
            const PartnerDirectoryHolder* partners = nullptr);

  // On kOk the record is complete: received_at, body_hash and the WorkPlan are filled; with
  // `why` the router's full decision (with its explanation) is copied out for tools.
  envelope::ParseOutcome prepare(std::string_view bytes, MessageKind kind, IngestRecord& record,
                                 Problems& problems, routing::RouteDecision* why = nullptr) const;
  // A message from the organisation `sender` (the token's org over HTTP, the topic's over MQTT):
  // prepare(), then the sender's own rules: a notification from an agency listed in the partner
  // directory must carry one of its signals, else kInvalid with the problem at /body/signal
  // naming the allowed ones. Both adapters take messages in through here.
  envelope::ParseOutcome prepareFrom(const std::string& sender, std::string_view bytes,
                                     MessageKind kind, IngestRecord& record,
                                     Problems& problems) const;

  // The console's repeat-caller hint: a lookup body {"phone"?, "id_number"?} checked like a
  // subject, turned into the query the intake's repeat-call linking would run now (nullopt
  // query: nothing to look up). Never stores anything.
  envelope::ParseOutcome repeatLookup(std::string_view bytes, std::optional<OpenItemQuery>& query,
                                      Problems& problems) const;

  // The intake of the standards in force (kept alive by the pointer).
  std::shared_ptr<const routing::Intake> intake() const;
  routing::PlannedDeadline deadline(const std::string& accepted_on, int working_days) const {
    return intake()->deadline(accepted_on, working_days);
  }
  std::optional<rules::WorkingDaysLeft> workingDaysUntil(const std::string& today,
                                                         const std::string& due) const {
    return intake()->workingDaysUntil(today, due);
  }
  std::shared_ptr<const household::Standards> standards() const;
  // SIGHUP: a validated new set; messages being prepared finish with the old one.
  void setStandards(std::shared_ptr<const household::Standards> next);
  const routing::RouteTableHolder& routes() const { return routes_; }
  const envelope::Limits& limits() const { return limits_; }
  const Clock& clock() const { return clock_; }

 private:
  // What depends on the standards, built together and swapped as one.
  struct Current {
    Current(std::shared_ptr<const household::Standards> s, const routing::RouteTableHolder& routes,
            const PersonKeyer& keys)
        : standards(std::move(s)),
          prescreener(standards),
          intake(standards->calendar, routes, prescreener, keys) {}
    std::shared_ptr<const household::Standards> standards;
    HouseholdPrescreener prescreener;
    routing::Intake intake;
  };
  std::shared_ptr<const Current> current() const {
    std::lock_guard lock(mu_);
    return current_;
  }

  const TownshipDirectory& townships_;
  const routing::RouteTableHolder& routes_;
  const Clock& clock_;
  envelope::Limits limits_;
  const PersonKeyer& keys_;
  const PartnerDirectoryHolder* partners_;
  mutable std::mutex mu_;
  std::shared_ptr<const Current> current_;
};

}  // namespace xj::reception
