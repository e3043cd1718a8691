// Exchanges (双向转介): one referral between civil affairs and a partner organisation, in either
// direction, tracked until the loop is closed. The closed vocabularies (statuses, events, sides,
// directions) with one name table each, and the stored record and timeline entry. Which moves are
// legal is routing/exchange/exchange.h. Plain values, std-only; any thread.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace xj {

// FHIR Task.status values used for referrals (snake_case here; FHIR spells them with hyphens).
enum class ExchangeState {
  kRequested,
  kReceived,  // the performer's system has it
  kAccepted,
  kRejected,  // terminal; reason required
  kInProgress,
  kOnHold,
  kCompleted,      // terminal; outcome required
  kFailed,         // terminal; reason required
  kCancelled,      // terminal; reason required
  kEnteredInError  // terminal
};

// What a side reports. Each event leads to exactly one state (exchangeEventTarget); kNote changes
// nothing and is legal in every state, for both sides (the timeline keeps talking after closure).
enum class ExchangeEvent {
  kReceive,
  kAccept,
  kReject,
  kStart,
  kHold,
  kResume,
  kComplete,
  kFail,
  kCancel,
  kEnterInError,
  kNote
};

enum class ExchangeSide { kRequester, kPerformer };

// outbound: civil affairs requests, the partner performs; inbound: the partner (a charity)
// requests, civil affairs performs.
enum class ExchangeDirection { kOutbound, kInbound };

// Who is acting: the county's staff (or the hub on their behalf), or the partner organisation.
enum class ExchangeParty { kCivilAffairs, kPartner };

std::string_view toString(ExchangeState v);
std::string_view toString(ExchangeEvent v);
std::string_view toString(ExchangeSide v);
std::string_view toString(ExchangeDirection v);
std::optional<ExchangeState> parseExchangeState(std::string_view s);
std::optional<ExchangeEvent> parseExchangeEvent(std::string_view s);
std::optional<ExchangeSide> parseExchangeSide(std::string_view s);
std::optional<ExchangeDirection> parseExchangeDirection(std::string_view s);

const std::vector<ExchangeState>& allExchangeStates();
const std::vector<ExchangeEvent>& allExchangeEvents();

// One exchange as stored. The person's data is not here: it stays in the message (inbound) or
// the item's message (outbound); what left for the partner is in the outbox.
struct ExchangeRecord {
  int64_t exchange_id = 0;
  std::string ex_id;  // as the API and the partner see it: "ex-" + exchange_id
  ExchangeDirection direction = ExchangeDirection::kOutbound;
  std::string partner;  // the partner organisation (its tokens' org)
  ExchangeState state = ExchangeState::kRequested;
  std::string township;
  std::string queue;         // the township queue of the item
  int64_t item_id = 0;       // outbound: the item referred out; inbound: the verification item
  int64_t hub_seq = 0;       // the message the person came in with
  std::string need;          // the service asked for (partner directory services vocabulary)
  std::string partner_ref;   // inbound: the partner's own id for the case (its message id)
  std::string reason;        // the latest reason (rejected, failed, cancelled)
  std::string outcome;       // completed
  std::string consent_json;  // outbound: {recorded, by, at, method} as given
  std::string created_by;    // token id, or the partner org for inbound
  std::string created_at;
  std::string updated_at;
  int64_t timeline_seq = 0;  // number of timeline rows so far
  std::string due;           // YYYY-MM-DD: the next answer due from the performer; "" none
  bool overdue = false;
  // Outbound, while the partner works on it (accepted, in_progress): the day by which its next
  // progress report is due (its progress_every_working_days); "" none. Escalated once per period.
  std::string progress_due;
  bool progress_overdue = false;  // escalated for no progress, and no report since
};

// One timeline row: who did what, when, with which note. Append only.
struct ExchangeTimelineEntry {
  int64_t seq = 0;  // 1, 2, ... within the exchange
  std::string at;
  std::string actor;  // token id, partner org, or "hub"
  ExchangeSide side = ExchangeSide::kRequester;
  std::string event;  // an ExchangeEvent name, or "created"
  std::string from_state;
  std::string to_state;
  std::string reason;
  std::string outcome;
  std::string note;
  // The person of the actor's token at that moment (a partner's worker, a caseworker); empty
  // for a token with none, MQTT feedback (the organisation only) and the hub. Personal data:
  // shown to the county's staff and to the partner for its own side's rows only.
  std::string actor_name;
};

// One outbound message about an exchange (an outbox row of its lane): what was sent to the
// partner and how its delivery went, without the body.
struct ExchangeDelivery {
  int64_t outbox_id = 0;
  std::string kind;   // e.g. "exchange.referral", "exchange.status"
  std::string state;  // pending | delivered | dead
  int attempts = 0;
  std::string last_error;
  std::string created_at;
  std::string updated_at;
  std::string delivered_at;  // empty until delivered
};

// A change asked of the exchange store: open an outbound referral, or an event on an exchange
// (from staff, a partner, or the hub itself). Checked and applied by routing/exchange in the
// store's writer transaction.
struct ExchangeCommand {
  enum class Kind { kCreateOutbound, kEvent };
  Kind kind = Kind::kEvent;
  std::string at;          // RFC 3339
  std::string actor;       // token id (HTTP) or the partner org (MQTT)
  std::string actor_name;  // the token's person (HTTP), kept on the timeline row; "" none
  // kCreateOutbound: the item referred out and to whom.
  std::string queue;
  int64_t item_id = 0;
  std::string partner;
  std::string need;
  std::string consent_json;  // {recorded, by, at, method} as given
  std::string person_json;   // the person, already minimised to the partner's allowed fields
  std::string due;           // YYYY-MM-DD: accept/reject due (partner's working days); "" none
  // kEvent.
  int64_t exchange_id = 0;
  ExchangeParty party = ExchangeParty::kCivilAffairs;
  std::string partner_org;             // kPartner: the caller's org, must be the exchange's
  std::vector<std::string> townships;  // kCivilAffairs: the caller's scope; empty = county-wide
  ExchangeEvent event = ExchangeEvent::kNote;
  // Set when the client named the status to move to rather than the event: the writer picks the
  // event that leads there from the exchange's current state (in_progress: start or resume).
  std::optional<ExchangeState> status_target;
  std::string reason;
  std::string outcome;
  std::string note;
  // kEvent named by its sender (HTTP: the Idempotency-Key header or the body's `id`; MQTT: the
  // feedback's `id`): applied once; a resend gets the answer the first one got. Empty: not
  // deduplicated. `event_hash` fingerprints the event's fields (not the id and not the
  // exchange), so that a resend is told from another event under the same id.
  std::string event_id;
  std::string event_hash;
  std::string caller_org;   // the caller's organisation (its token's org, or the topic's)
  std::string event_scope;  // whose ids these are: set by the work service from party and org
};

// kEventIdReused: the command's event id was used before for another event (other fields or
// another exchange); nothing was changed.
enum class ExchangeCommandOutcome { kOk, kNotFound, kConflict, kUnavailable, kEventIdReused };

std::string_view toString(ExchangeCommandOutcome v);
std::optional<ExchangeCommandOutcome> parseExchangeCommandOutcome(std::string_view s);

struct ExchangeCommandResult {
  ExchangeCommandOutcome outcome = ExchangeCommandOutcome::kUnavailable;
  std::string problem;  // kConflict: the current state and the legal moves
  std::string path;     // kConflict: the request field at fault
  ExchangeRecord exchange;
  bool replayed = false;  // the answer recorded for the command's event id; nothing changed
};

// An exchange event stored under its sender's event id with the answer it got, in the
// transaction that applied it. Of `result.exchange` the store keeps the fields an event changes
// (state, reason, outcome, updated_at, timeline_seq, due, overdue, progress_due,
// progress_overdue) as they were answered; the others are the exchange's, which no event changes.
struct ExchangeEventRecord {
  std::string scope;  // whose ids: ExchangeCommand::event_scope
  std::string event_id;
  std::string event_hash;
  int64_t exchange_id = 0;  // the exchange the event named
  std::string at;
  ExchangeCommandResult result;
};

// Which exchanges a reader asks for: those of one partner, those of some townships, or all.
struct ExchangeQuery {
  std::string partner;                 // non-empty: this partner's only
  std::vector<std::string> townships;  // non-empty: these townships' only
  int64_t after = 0;                   // exchange_id cursor
  int limit = 50;
};

// One exchange as the exchange report (routing/exchange/exchange_report.h) needs it.
struct ExchangeReportRow {
  ExchangeDirection direction = ExchangeDirection::kOutbound;
  std::string partner;
  std::string township;
  ExchangeState state = ExchangeState::kRequested;
  std::string reason;
  std::string created_at;   // RFC 3339
  std::string accepted_at;  // RFC 3339 of the first accept; empty if never accepted
};

// The day by which a partner performing an exchange must next report progress: `from`
// (YYYY-MM-DD) plus the partner's progress_every_working_days on the hub's working-day calendar;
// "" when nothing can be due (a partner no longer in the directory, no calendar for the year).
// Given by the hub from the directory and calendar in force; pure, any thread.
using ProgressDueCounter =
    std::function<std::string(const std::string& partner, const std::string& from)>;

std::string exchangeIdOf(int64_t exchange_id);  // 42 -> "ex-42"
int64_t exchangeSeqOf(std::string_view ex_id);  // "ex-42" -> 42; -1 if not an exchange id

}  // namespace xj
