#include "routing/exchange/exchange_policy.h"

#include <algorithm>

#include "hub/core/time_format.h"
#include "routing/exchange/exchange.h"
#include "routing/intake/intake.h"

namespace xj::routing {
namespace {

using Outcome = ExchangeCommandOutcome;

Status tellPartner(WorkTransaction& tx, const ExchangeRecord& ex, const ExchangeTimelineEntry& t,
                   const std::string& kind, const std::string& body) {
  OutboundMessage m;
  m.partner = ex.partner;
  m.lane_key = ex.ex_id;  // messages about one exchange never overtake each other
  m.kind = kind;
  m.idempotency_key = ex.ex_id + "-" + std::to_string(t.seq);
  m.body_json = body;
  m.created_at = t.at;
  auto id = tx.enqueueOutbound(m);
  return id.isOk() ? Status::ok() : id.status();
}

// Civil affairs hears of the partner's report on the item's own queue (its history and feed).
Status tellCivilAffairs(WorkTransaction& tx, const ExchangeRecord& ex,
                        const ExchangeTimelineEntry& t) {
  auto loaded = tx.loadItem(ex.item_id);
  if (!loaded.isOk()) return loaded.status();
  if (!loaded.value()) return Status::ok();  // no item to tell (cannot happen: items stay)
  const ItemRecord& item = *loaded.value();
  const std::string state(toString(item.state));
  // The partner's person too, so that the caseworker's item page says who at the partner did it.
  std::string detail = ex.ex_id + " " + t.event + " by " + ex.partner +
                       (t.actor_name.empty() ? "" : " (" + t.actor_name + ")") + " (" +
                       t.from_state + " -> " + t.to_state + ")";
  if (!t.reason.empty()) detail += " reason: " + t.reason;
  if (!t.outcome.empty()) detail += " outcome: " + t.outcome;
  if (!t.note.empty()) detail += " note: " + t.note;
  if (auto s = tx.appendHistory(item.item_id, {t.at, t.actor, "exchange", state, state, detail});
      !s.isOk())
    return s;
  if (auto s = tx.appendEvent(item.queue, item.item_id, EventType::kExchange, t.at); !s.isOk())
    return s;
  return Status::ok();
}

// Applies one legal move (already checked) and tells the other side.
Status move(WorkTransaction& tx, ExchangeRecord& ex, ExchangeParty party, const std::string& actor,
            const std::string& actor_name, const std::string& at, ExchangeEvent event,
            ExchangeState next, const std::string& reason, const std::string& outcome,
            const std::string& note, const OutboundBodies& bodies,
            const ProgressDueCounter* progress = nullptr) {
  ExchangeTimelineEntry t;
  t.seq = ex.timeline_seq + 1;
  t.at = at;
  t.actor = actor;
  t.actor_name = actor_name;
  t.side = sideOf(ex.direction, party);
  t.event = std::string(toString(event));
  t.from_state = std::string(toString(ex.state));
  t.to_state = std::string(toString(next));
  t.reason = reason;
  t.outcome = outcome;
  t.note = note;
  ex.state = next;
  ex.timeline_seq = t.seq;
  ex.updated_at = at;
  if (!reason.empty()) ex.reason = reason;
  if (!outcome.empty()) ex.outcome = outcome;
  // Once the performer has answered (or the exchange ended), the accept-or-reject deadline no
  // longer runs.
  if (next != ExchangeState::kRequested && next != ExchangeState::kReceived) {
    ex.due.clear();
    ex.overdue = false;
  }
  // A partner working on a referral out (accepted, in_progress) reports progress every M
  // working days: each of its reports starts the period again, as does the move into work.
  // Outside those states nothing is due (on hold: paused; closed: done).
  const bool working = next == ExchangeState::kAccepted || next == ExchangeState::kInProgress;
  if (!working || ex.direction != ExchangeDirection::kOutbound) {
    ex.progress_due.clear();
    ex.progress_overdue = false;
  } else if (progress && *progress &&
             (party == ExchangeParty::kPartner || ex.progress_due.empty())) {
    auto when = parseRfc3339(at);
    ex.progress_due = when ? (*progress)(ex.partner, acceptedOn(*when)) : "";
    ex.progress_overdue = false;
  }
  if (auto s = tx.updateExchange(ex); !s.isOk()) return s;
  if (auto s = tx.appendExchangeTimeline(ex.exchange_id, t); !s.isOk()) return s;
  if (party == ExchangeParty::kCivilAffairs) {
    const bool closing = next == ExchangeState::kCompleted || next == ExchangeState::kFailed ||
                         next == ExchangeState::kRejected;
    return tellPartner(tx, ex, t, closing ? "exchange.outcome" : "exchange.status",
                       bodies.exchangeStatus(ex, t));
  }
  return tellCivilAffairs(tx, ex, t);
}

// A move by the hub on civil affairs' behalf, if the table allows it from where the exchange is.
Status tryMove(WorkTransaction& tx, ExchangeRecord& ex, const std::string& actor,
               const std::string& actor_name, const std::string& at, ExchangeEvent event,
               const std::string& reason, const std::string& outcome, const std::string& note,
               const OutboundBodies& bodies) {
  auto side = sideOf(ex.direction, ExchangeParty::kCivilAffairs);
  auto check = checkExchangeTransition(ex.state, event, side, reason, outcome);
  if (!check.ok) return Status::ok();
  return move(tx, ex, ExchangeParty::kCivilAffairs, actor, actor_name, at, event, check.next,
              reason, outcome, note, bodies);
}

}  // namespace

Status openOutbound(WorkTransaction& tx, const ExchangeCommand& cmd, ExchangeCommandResult& result,
                    const OutboundBodies& bodies) {
  auto loaded = tx.loadItem(cmd.item_id);
  if (!loaded.isOk()) return loaded.status();
  if (!loaded.value() || loaded.value()->queue != cmd.queue) {
    result.outcome = Outcome::kNotFound;
    return Status::ok();
  }
  const ItemRecord& item = *loaded.value();
  if (item.state == ItemState::kResolved) {
    result.outcome = Outcome::kConflict;
    result.path = "/item";
    result.problem = "the item is resolved: reopen work on a new item before referring out";
    return Status::ok();
  }
  ExchangeRecord ex;
  ex.direction = ExchangeDirection::kOutbound;
  ex.partner = cmd.partner;
  ex.state = ExchangeState::kRequested;
  ex.township = item.township;
  ex.queue = item.queue;
  ex.item_id = item.item_id;
  ex.hub_seq = item.hub_seq;
  ex.need = cmd.need;
  ex.consent_json = cmd.consent_json;
  ex.created_by = cmd.actor;
  ex.created_at = cmd.at;
  ex.updated_at = cmd.at;
  ex.timeline_seq = 1;
  ex.due = cmd.due;
  auto id = tx.insertExchange(ex);
  if (!id.isOk()) return id.status();
  ex.exchange_id = id.value();
  ex.ex_id = exchangeIdOf(ex.exchange_id);
  ExchangeTimelineEntry t;
  t.seq = 1;
  t.at = cmd.at;
  t.actor = cmd.actor;
  t.actor_name = cmd.actor_name;
  t.side = ExchangeSide::kRequester;
  t.event = "created";
  t.to_state = "requested";
  t.note = cmd.note;
  if (auto s = tx.appendExchangeTimeline(ex.exchange_id, t); !s.isOk()) return s;
  if (auto s = tellPartner(tx, ex, t, "exchange.referral", bodies.referral(ex, cmd)); !s.isOk())
    return s;
  // The item says where its person was referred (ids only).
  const std::string state(toString(item.state));
  if (auto s = tx.appendHistory(item.item_id, {cmd.at, cmd.actor, "exchange", state, state,
                                               ex.ex_id + " referred out to " + ex.partner +
                                                   (ex.need.empty() ? "" : " for " + ex.need)});
      !s.isOk())
    return s;
  if (auto s = tx.appendEvent(item.queue, item.item_id, EventType::kExchange, cmd.at); !s.isOk())
    return s;
  result.outcome = Outcome::kOk;
  result.exchange = std::move(ex);
  return Status::ok();
}

Status applyExchangeEvent(WorkTransaction& tx, const ExchangeCommand& cmd,
                          ExchangeCommandResult& result, const ProgressDueCounter& progress_due,
                          const OutboundBodies& bodies) {
  auto loaded = tx.loadExchange(cmd.exchange_id);
  if (!loaded.isOk()) return loaded.status();
  const auto& found = loaded.value();
  // Not party to it, or outside the caller's townships: the same answer as a missing id (ids
  // are sequential; another answer would let one partner map everyone's exchanges).
  bool visible = found.has_value();
  if (visible && cmd.party == ExchangeParty::kPartner) visible = found->partner == cmd.partner_org;
  if (visible && cmd.party == ExchangeParty::kCivilAffairs && !cmd.townships.empty())
    visible = std::find(cmd.townships.begin(), cmd.townships.end(), found->township) !=
              cmd.townships.end();
  if (!visible) {
    result.outcome = Outcome::kNotFound;
    return Status::ok();
  }
  ExchangeRecord ex = *found;
  auto side = sideOf(ex.direction, cmd.party);
  ExchangeEvent event = cmd.event;
  if (cmd.status_target)
    if (auto e = eventForTarget(ex.state, *cmd.status_target)) event = *e;
  auto check = checkExchangeTransition(ex.state, event, side, cmd.reason, cmd.outcome);
  if (!check.ok) {
    result.outcome = Outcome::kConflict;
    result.problem = check.problem;
    result.path = check.path;
    result.exchange = std::move(ex);
    return Status::ok();
  }
  if (auto s = move(tx, ex, cmd.party, cmd.actor, cmd.actor_name, cmd.at, event, check.next,
                    cmd.reason, cmd.outcome, cmd.note, bodies, &progress_due);
      !s.isOk())
    return s;
  result.outcome = Outcome::kOk;
  result.exchange = std::move(ex);
  return Status::ok();
}

Status openInbound(WorkTransaction& tx, int64_t hub_seq, const IngestRecord& rec,
                   const std::string& queue, int64_t item_id, const OutboundBodies& bodies) {
  ExchangeRecord ex;
  ex.direction = ExchangeDirection::kInbound;
  ex.partner = rec.source;
  ex.partner_ref = rec.message_id;
  ex.state = ExchangeState::kRequested;
  ex.township = rec.township;
  ex.queue = queue;
  ex.item_id = item_id;
  ex.hub_seq = hub_seq;
  ex.need = rec.plan.item_category;
  ex.created_by = rec.source;
  ex.created_at = rec.received_at;
  ex.updated_at = rec.received_at;
  ex.timeline_seq = 1;
  auto id = tx.insertExchange(ex);
  if (!id.isOk()) return id.status();
  ex.exchange_id = id.value();
  ex.ex_id = exchangeIdOf(ex.exchange_id);
  if (auto s = tx.appendExchangeTimeline(
          ex.exchange_id, {1, rec.received_at, rec.source, ExchangeSide::kRequester, "created", "",
                           "requested", "", "", "message " + hubIdOf(hub_seq), ""});
      !s.isOk())
    return s;
  // The hub is civil affairs' system: it has the case now, and says so with the exchange id the
  // charity will hear every later change under.
  return tryMove(tx, ex, "hub", "", rec.received_at, ExchangeEvent::kReceive, "", "",
                 "verification item on " + queue, bodies);
}

Status onItemAction(WorkTransaction& tx, const ItemActionRequest& req, const ItemRecord& after,
                    const OutboundBodies& bodies) {
  if (req.action != ItemAction::kClaim && req.action != ItemAction::kResolve) return Status::ok();
  auto found = tx.findExchangeByItem(after.item_id, ExchangeDirection::kInbound);
  if (!found.isOk()) return found.status();
  if (!found.value()) return Status::ok();
  auto loaded = tx.loadExchange(*found.value());
  if (!loaded.isOk()) return loaded.status();
  if (!loaded.value() || isTerminal(loaded.value()->state)) return Status::ok();
  ExchangeRecord ex = *loaded.value();
  // Verification starts when a caseworker takes the item.
  if (auto s = tryMove(tx, ex, req.actor, req.actor_name, req.at, ExchangeEvent::kAccept, "", "",
                       "", bodies);
      !s.isOk())
    return s;
  if (req.action != ItemAction::kResolve) return Status::ok();
  const std::string& o = req.outcome;
  if (o == "duplicate") {
    // Not taken up as a case of its own: rejected if still unanswered, else failed.
    auto check = checkExchangeTransition(ex.state, ExchangeEvent::kReject, ExchangeSide::kPerformer,
                                         "duplicate");
    return tryMove(tx, ex, req.actor, req.actor_name, req.at,
                   check.ok ? ExchangeEvent::kReject : ExchangeEvent::kFail, "duplicate", "",
                   req.text, bodies);
  }
  if (o == "unreachable")
    return tryMove(tx, ex, req.actor, req.actor_name, req.at, ExchangeEvent::kFail,
                   req.reason_code.empty() ? "unreachable" : req.reason_code, "", req.text, bodies);
  std::string outcome = o;
  if (o.rfind("eligible_", 0) == 0) outcome = "taken into category " + o.substr(9);
  if (o == "not_eligible" && !req.reason_code.empty()) outcome += ": " + req.reason_code;
  return tryMove(tx, ex, req.actor, req.actor_name, req.at, ExchangeEvent::kComplete,
                 o == "not_eligible" ? req.reason_code : "", outcome, req.text, bodies);
}

namespace {

// The county follows a late exchange up: a follow-up item on the escalation queue, pointing at
// the item the exchange belongs to (which may already be resolved).
Status escalateExchange(WorkTransaction& tx, const ExchangeRecord& ex,
                        const std::string& escalation_queue, const std::string& at,
                        const std::string& category, const std::string& why) {
  auto item = tx.loadItem(ex.item_id);
  if (!item.isOk()) return item.status();
  NewItem f;
  f.queue = escalation_queue;
  f.item_kind = ItemKind::kFollowUp;
  f.hub_seq = ex.hub_seq;
  f.kind = item.value() ? item.value()->kind : MessageKind::kReferral;
  f.township = ex.township;
  f.category = category;
  f.at = at;
  f.parent_item = ex.item_id;
  auto fid = tx.insertItem(f);
  if (!fid.isOk()) return fid.status();
  if (auto s = tx.appendHistory(
          fid.value(),
          {at, "hub", "created", "", "new",
           ex.ex_id + " (" + ex.partner + ", " + std::string(toString(ex.direction)) + ") " + why});
      !s.isOk())
    return s;
  if (auto s = tx.appendEvent(escalation_queue, fid.value(), EventType::kEscalatedIn, at);
      !s.isOk())
    return s;
  return Status::ok();
}

// The progress deadline: a partner working on a referral out with no report by its
// `progress_due` is escalated once for that period (a timeline row, a follow-up item on the
// escalation queue); the next period runs from `today`, so a partner that stays silent is
// escalated again M working days later, not at every sweep.
Status sweepProgress(WorkTransaction& tx, const std::string& today,
                     const std::string& escalation_queue, const std::string& at,
                     const ProgressDueCounter& progress_due, SweepResult& result) {
  auto late = tx.exchangesProgressDueBefore(today);
  if (!late.isOk()) return late.status();
  for (int64_t id : late.value()) {
    auto loaded = tx.loadExchange(id);
    if (!loaded.isOk()) return loaded.status();
    if (!loaded.value()) continue;
    ExchangeRecord ex = *loaded.value();
    const std::string was_due = ex.progress_due;
    if (ex.state != ExchangeState::kAccepted && ex.state != ExchangeState::kInProgress) {
      ex.progress_due.clear();  // moved on meanwhile: nothing is late
      ex.progress_overdue = false;
      if (auto s = tx.updateExchange(ex); !s.isOk()) return s;
      continue;
    }
    ex.progress_overdue = true;
    ex.progress_due = progress_due ? progress_due(ex.partner, today) : "";
    ex.updated_at = at;
    ex.timeline_seq += 1;
    if (auto s = tx.updateExchange(ex); !s.isOk()) return s;
    const std::string state(toString(ex.state));
    if (auto s = tx.appendExchangeTimeline(
            ex.exchange_id,
            {ex.timeline_seq, at, "hub", ExchangeSide::kPerformer, "progress_overdue", state, state,
             "", "",
             "no progress report from the performer by " + was_due + "; escalated to " +
                 escalation_queue +
                 (ex.progress_due.empty() ? "" : "; next report due by " + ex.progress_due),
             ""});
        !s.isOk())
      return s;
    if (auto s = escalateExchange(tx, ex, escalation_queue, at, "exchange_progress_overdue",
                                  "no progress report since " + was_due);
        !s.isOk())
      return s;
    ++result.exchanges_progress_overdue;
    result.exchange_escalations.emplace_back(ex.partner, "progress");
  }
  return Status::ok();
}

}  // namespace

Status sweepExchanges(WorkTransaction& tx, const std::string& today,
                      const std::string& escalation_queue, const std::string& at,
                      const ProgressDueCounter& progress_due, SweepResult& result) {
  auto due = tx.exchangesDueBefore(today);
  if (!due.isOk()) return due.status();
  for (int64_t id : due.value()) {
    auto loaded = tx.loadExchange(id);
    if (!loaded.isOk()) return loaded.status();
    if (!loaded.value()) continue;
    ExchangeRecord ex = *loaded.value();
    const std::string was_due = ex.due;
    if (ex.state != ExchangeState::kRequested && ex.state != ExchangeState::kReceived) {
      ex.due.clear();  // answered meanwhile: nothing is late
      if (auto s = tx.updateExchange(ex); !s.isOk()) return s;
      continue;
    }
    ex.overdue = true;
    ex.updated_at = at;
    ex.timeline_seq += 1;
    if (auto s = tx.updateExchange(ex); !s.isOk()) return s;
    const std::string state(toString(ex.state));
    const ExchangeSide performer = ExchangeSide::kPerformer;
    if (auto s = tx.appendExchangeTimeline(
            ex.exchange_id,
            {ex.timeline_seq, at, "hub", performer, "overdue", state, state, "", "",
             "no answer from the performer by " + was_due + "; escalated to " + escalation_queue,
             ""});
        !s.isOk())
      return s;
    if (auto s = escalateExchange(tx, ex, escalation_queue, at, "exchange_overdue",
                                  "unanswered since " + was_due);
        !s.isOk())
      return s;
    ++result.exchanges_overdue;
    result.exchange_escalations.emplace_back(ex.partner, "answer");
  }
  // (The counts /metrics shows are re-read by the store after this commit: it changed exchanges.)
  return sweepProgress(tx, today, escalation_queue, at, progress_due, result);
}

}  // namespace xj::routing
