// The exchange policy: what opening a referral out, a side's report, a charity's referral in, or
// a staff action on the item behind an exchange does to the exchange. Every move goes through the
// one transition table (exchange.h) and writes a timeline row; the OTHER side is told in the same
// transaction: the partner by an outbox message (WorkTransaction::enqueueOutbound, delivered by
// its channel), civil affairs by a history row and an `exchange` event on the item's queue.
//
// Inbound resolution (FHIR semantics: the verification is the Task civil affairs performs):
// claiming the verification item accepts the exchange; resolving it completes the exchange when
// the verification was done, whatever its finding (eligible_*: outcome "taken into category X";
// temporary_aid_granted; not_eligible, with the reason code as reason; referred_to_charity;
// other), fails it when the person could not be reached (unreachable), and rejects it when it
// was not taken up as a case of its own (duplicate).
//
// Thread: the store's writer thread, inside its transaction. Stateless.
#pragma once

#include <string>

#include "hub/core/exchange.h"
#include "hub/core/message.h"
#include "hub/core/status.h"
#include "hub/core/work.h"
#include "hub/core/work_transaction.h"
#include "routing/work/outbound_bodies.h"

namespace xj::routing {

// POST /v1/exchanges: a referral out from an item to a partner. kNotFound when the item is not
// in the command's queue; kConflict when the item is resolved. What the partner is sent is
// written by `bodies`, as in every function here that tells the partner.
Status openOutbound(WorkTransaction& tx, const ExchangeCommand& cmd, ExchangeCommandResult& result,
                    const OutboundBodies& bodies);

// A side's report (HTTP or MQTT). kNotFound when the exchange does not exist or the caller is
// not party to it (a partner) or it is outside the caller's townships (staff); kConflict with
// the table's refusal.
// `progress_due` counts the partner's next progress report when the move leaves a referral out
// accepted or in progress (the partner's own report, or the move into work).
Status applyExchangeEvent(WorkTransaction& tx, const ExchangeCommand& cmd,
                          ExchangeCommandResult& result, const ProgressDueCounter& progress_due,
                          const OutboundBodies& bodies);

// A charity's referral was stored and `item_id` is its verification item: opens the inbound
// exchange (civil affairs performs), marks it received, and tells the charity its exchange id.
Status openInbound(WorkTransaction& tx, int64_t hub_seq, const IngestRecord& record,
                   const std::string& queue, int64_t item_id, const OutboundBodies& bodies);

// After a staff action on an item: moves the inbound exchange the item verifies (claim accepts,
// resolve completes/fails/rejects). Nothing when the item has none.
Status onItemAction(WorkTransaction& tx, const ItemActionRequest& req, const ItemRecord& after,
                    const OutboundBodies& bodies);

// The answer deadline: an exchange still awaiting the performer's accept or reject after its
// `due` day (the partner's accept_within_working_days) is marked overdue (a timeline row) and
// escalated: a follow-up item on `escalation_queue` pointing at the exchange's item. The progress
// deadline likewise: a referral out accepted or in progress whose partner has
// not reported by its `progress_due` is escalated (category exchange_progress_overdue), once per
// period: the next period, counted by `progress_due` from `today`, starts at the escalation.
// Counts go into `result`, with each escalation's partner and reason.
Status sweepExchanges(WorkTransaction& tx, const std::string& today,
                      const std::string& escalation_queue, const std::string& at,
                      const ProgressDueCounter& progress_due, SweepResult& result);

}  // namespace xj::routing
