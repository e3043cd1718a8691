// The work policy: what an accepted message, a staff action or the overdue sweep does to the
// queues. Repeat-call linking, signal merge into risk alerts, follow-ups after a resolved ticket
// and escalation of overdue items are decided here and nowhere else; every state change goes
// through the one transition table (item.h). The store is reached only through WorkTransaction
// (hub/core/work_transaction.h), inside the writer's transaction.
//
// Thread: the store's writer thread (called from its batch). Stateless.
#pragma once

#include <optional>
#include <string>

#include "hub/core/message.h"
#include "hub/core/status.h"
#include "hub/core/work.h"
#include "hub/core/work_transaction.h"
#include "routing/work/outbound_bodies.h"

namespace xj::routing {

// Hotline repeat calls (重复来电): the open item a ticket with these person keys joins is the
// oldest this query finds. A ticket with an ID number is looked up by that number alone (two
// different ID numbers are never joined, even from one phone); the phone is used only when the
// ticket has no ID number. Nothing to look up without either: nullopt. Pure; any thread (the
// repeat-caller hint of the console runs the same query before a call is logged).
std::optional<OpenItemQuery> repeatCallQuery(const WorkPlan& plan);

// Right after the message row `hub_seq` was written. Returns what became of the message
// (routed, linked, merged, alerted) in `status`. What a charity is told of its referral in is
// written by `bodies`.
Status applyPlan(WorkTransaction& tx, int64_t hub_seq, const IngestRecord& record,
                 MessageStatus& status, const OutboundBodies& bodies);

// A staff action: kNotFound when the item is not in the request's queue, kConflict with the
// transition table's reason when the move is not legal, else applied with its history and events
// (and the follow-up of a resolved ticket when asked); what a partner or the platform is told
// of it is written by `bodies`.
Status applyAction(WorkTransaction& tx, const ItemActionRequest& req, ActionResult& result,
                   const OutboundBodies& bodies);

// Marks items whose deadline is before `today` overdue and escalates them to `escalation_queue`
// (an item already escalated, or already there, is only marked). With a non-empty
// `undated_created_before` (RFC 3339), items without a deadline created before it are treated
// the same way (routes: escalate_undated_after_days).
// The exchanges' deadlines are swept in the same transaction (exchange_policy.h), the partners'
// progress periods counted by `progress_due`.
Status sweep(WorkTransaction& tx, const std::string& today, const std::string& escalation_queue,
             const std::string& at, const std::string& undated_created_before,
             const ProgressDueCounter& progress_due, SweepResult& result);

// When a year's holiday notice is loaded: every open item whose deadline is provisional is
// counted again from the same day with the same working days (`count`, pure, from the calendar
// in force); a changed one is stored with a history row and a deadline_changed event.
Status recountProvisional(WorkTransaction& tx, const DeadlineCounter& count, const std::string& at,
                          int& changed);

}  // namespace xj::routing
