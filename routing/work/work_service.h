// WorkService: the one place in front of the store that decides what a write is. Each write the
// hub takes (an inbound message, a staff action on an item, a referral out, a side's report on
// an exchange, the overdue sweep, a replay of a dead letter) is one call here that makes the
// policy decisions and submits one write job through the store's ports (MessageStore::submit,
// WorkStore::submitAction / submitExchange / sweep, OutboxStore::replayOutbound), whose
// WriteJobFactory (policy_jobs.h) turns it into the job the writer runs. The ports, not
// SqliteStore::write, because they keep the writer's rooms (inbound or beside it) and the
// failure answers in one place for every caller, and because they are not SQLite's: the unit
// tests run the service over the in-memory store (tests/support/memory_work_store.h).
//
// The adapters (HTTP, MQTT) parse, authorize, call one function here and encode its answer;
// they decide nothing, so the two paths cannot drift. Decided here: the follow-up of a resolved
// ticket and its working-day deadline, where a category change is uploaded (the platform's
// fields), a referral's partner checks (in the directory, offers the need, has capacity, serves
// the item's township), its answer-by date, which of the person's fields leave for the partner,
// the partners to suggest, the sweep's cut-off for items without a deadline, and when a
// partner's next progress report is due (progressDueCounter, for the write jobs).
//
// Std-only. Thread: any; every member is const or a port that is itself thread-safe. The
// directory, route table and calendar are read at each call, so a SIGHUP reload applies to the
// next one. Callbacks run on a store thread, as the ports' do.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "hub/core/clock.h"
#include "hub/core/exchange.h"
#include "hub/core/message_store.h"
#include "hub/core/outbox_store.h"
#include "hub/core/partner_directory.h"
#include "hub/core/problem.h"
#include "hub/core/work.h"
#include "hub/core/work_store.h"
#include "routing/intake/intake.h"
#include "routing/route_table.h"

namespace xj::routing {

// Which of a person's data may leave for a partner: the subject's fields (in the order they are
// written), and whether the household and the needs go too. Decided from the partner's
// directory entry (personFieldsFor).
struct PersonFields {
  std::vector<std::string> subject;  // of name, phone, id_number, township, village, address
  bool household = false;
  bool needs = false;
};
PersonFields personFieldsFor(const Partner& partner);

// Writes the person of a stored message as `fields` allow (the referral's `person`), with `need`
// first among the needs. JSON work, so the adapters provide it (adapters/envelope); pure.
using PersonEncoder = std::function<std::string(
    const std::string& payload, const PersonFields& fields, const std::string& need)>;

// The directory in force and a working-day count on the calendar in force, as the service and
// the write jobs read them (at each use, so that a SIGHUP reload applies to the next one).
using PartnersInForce = std::function<std::shared_ptr<const PartnerDirectory>()>;
using WorkingDayCount = std::function<PlannedDeadline(const std::string& from, int working_days)>;
// Working days from one day to another on the calendar in force (nullopt: it cannot count them).
using WorkingDaysBetween = std::function<std::optional<rules::WorkingDaysLeft>(
    const std::string& today, const std::string& due)>;

// A partner's next progress report for the write jobs (PolicyJobs): its
// progress_every_working_days from `from`; "" when the partner is no longer in the directory or
// reports no progress.
ProgressDueCounter progressDueCounter(PartnersInForce partners, WorkingDayCount deadline);

// What the service needs; every reference outlives it.
struct WorkServiceDeps {
  MessageStore& messages;
  WorkStore& work;
  OutboxStore* outbox = nullptr;  // null: no replays
  const RouteTableHolder& routes;
  const Clock& clock;
  // The partner directory in force (null: none loaded).
  PartnersInForce partners;
  // The n-th working day after a date on the calendar in force.
  WorkingDayCount deadline;
  PersonEncoder encode_person;
  // Working days from one day to another on the same calendar (null: no counts are shown).
  WorkingDaysBetween working_days_between;
};

// What a referral out came to.
struct ReferralAnswer {
  enum class Outcome {
    kInvalid,       // `problems` lists every one (the caller's parse problems first)
    kForbidden,     // the caller may not see the item's queue
    kItemNotFound,  // no such item in that queue
    kUnreadable,    // the item or its message could not be read: nothing written
    kBusy,          // the store's queue is full: nothing written
    kDone           // the exchange command ran: `result` says how
  };
  Outcome outcome = Outcome::kUnreadable;
  Problems problems;
  ExchangeCommandResult result;
};

class WorkService {
 public:
  explicit WorkService(WorkServiceDeps deps) : deps_(std::move(deps)) {}

  // An inbound message the intake has planned (HTTP and MQTT alike). False: not queued.
  bool ingest(IngestRecord record, MessageStore::IngestCallback done) const;

  // A staff action on an item: stamps the time, and a resolution gets the follow-up the route
  // table asks for (its deadline counted on the calendar) and the platform's upload policy.
  // False: not queued.
  bool act(ItemActionRequest req, std::function<void(ActionResult)> done) const;

  // A referral out (`cmd` as parsed: queue, item, partner, need, consent, note, actor). Checks the
  // partner and the queue (adding to `problems`, the caller's parse problems), asks `may_see`
  // whether the caller may see the queue, reads the item (its township must be served) and its
  // message (the person, as the partner may see them), counts the answer-by date and submits the
  // exchange. `done` runs once, on a store thread or at once on the caller's.
  void referOut(ExchangeCommand cmd, Problems problems, std::function<bool(const Queue&)> may_see,
                std::function<void(ReferralAnswer)> done) const;

  // A side's report on an exchange (HTTP for staff and partners, MQTT feedback for partners):
  // the caller has set the party, its scope and the event. An event with an event id is applied
  // once per organisation and id (the partner's org, or the staff's): a resend gets the recorded
  // answer and changes nothing; the id used for another event is kEventIdReused (the write job,
  // exchange_job.h, decides in the event's transaction). False: not queued.
  bool report(ExchangeCommand cmd, std::function<void(ExchangeCommandResult)> done) const;

  // The overdue sweep as of `today` (YYYY-MM-DD, China Standard Time): the escalation queue
  // and the cut-off of undated items from the route table in force. False: not queued.
  bool sweep(const std::string& today, std::function<void(std::optional<SweepResult>)> done) const;

  // A staff replay of a dead letter. False: not queued (or no outbox).
  bool replay(int64_t outbox_id, std::string actor,
              std::function<void(ReplayResult, std::optional<OutboxRecord>)> done) const;

  // The person of a referral out as its partner may see them now, for the partner's own view of
  // the exchange: the item's message kept to the partner's fields in force by the same encoder
  // as the referral's body (the webhook's exchange.referral `person`), so there is one
  // minimiser. `done(ok, person_json, person_keys)` runs once on a store thread: ok false when
  // the message could not be read; person_json empty when there is nothing to show (an inbound
  // exchange, or a partner no longer in the directory); person_keys are the message's (what the
  // access record names). False: not queued (`done` is not called).
  using SubjectDone =
      std::function<void(bool ok, std::string person_json, std::vector<std::string> person_keys)>;
  bool partnerSubject(const ExchangeRecord& ex, SubjectDone done) const;

  // Working days from today (the hub's clock, China Standard Time date) to `due` (YYYY-MM-DD),
  // on the calendar that counted the deadline: 0 when due today, negative once it has passed;
  // nullopt when there is nothing to count (no due date, or the calendar cannot count it).
  std::optional<rules::WorkingDaysLeft> workingDaysLeft(const std::string& due) const;

  // Partners that serve `township` and offer `need` (any when empty), not full, except
  // `except`: those with room first, then those with a waiting list, in directory order.
  std::vector<Partner> suggestPartners(const std::string& township, const std::string& need,
                                       const std::string& except = "") const;
  // The next candidates for a referral out that its partner turned down for capacity; empty
  // for any other exchange.
  std::optional<std::vector<Partner>> nextCandidates(const ExchangeRecord& ex) const;

 private:
  void referItem(std::shared_ptr<ExchangeCommand> cmd, Partner partner,
                 std::function<void(ReferralAnswer)> done) const;

  const WorkServiceDeps deps_;
};

}  // namespace xj::routing
