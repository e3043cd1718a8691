#include "routing/queues/work_policy.h"

#include <cstdio>

#include "routing/exchange/exchange_policy.h"
#include "routing/platform/category_upload.h"
#include "routing/queues/item.h"

namespace xj::routing {
namespace {

Result<int64_t> createItem(WorkTransaction& tx, const NewItem& item) {
  auto id = tx.insertItem(item);
  if (!id.isOk()) return id;
  HistoryEntry h{item.at,
                 "hub",
                 "created",
                 "",
                 std::string(toString(ItemState::kNew)),
                 item.parent_item        ? "follow-up of item " + std::to_string(item.parent_item)
                 : item.deadline.empty() ? "calendar_missing: no deadline"
                                         : "deadline " + item.deadline +
                                               (item.deadline_provisional ? " (provisional)" : "")};
  if (auto s = tx.appendHistory(id.value(), h); !s.isOk()) return s;
  if (auto s = tx.appendEvent(item.queue, id.value(), EventType::kCreated, item.at); !s.isOk())
    return s;
  return id;
}

NewItem itemFor(const IngestRecord& rec, int64_t hub_seq, ItemKind kind, const std::string& queue,
                const std::string& deadline, int working_days, bool provisional) {
  const auto& p = rec.plan;
  NewItem n;
  n.queue = queue;
  n.item_kind = kind;
  n.hub_seq = hub_seq;
  n.kind = rec.kind;
  n.township = rec.township;
  n.category = p.item_category;
  n.urgency = p.urgency;
  n.deadline = deadline;
  n.deadline_provisional = provisional && !deadline.empty();
  n.deadline_from = p.accepted_on;
  n.deadline_working_days = working_days;
  n.phone_key = p.phone_key;
  n.id_key = p.id_key;
  n.at = rec.received_at;
  return n;
}

// A repeat call or a further signal joins the open item: counted on it, written to its history
// and its queue's feed, and the message points to it. The item's state does not change.
Status join(WorkTransaction& tx, int64_t item_id, int64_t hub_seq, const std::string& at,
            EventType event, MessageStatus status) {
  auto loaded = tx.loadItem(item_id);
  if (!loaded.isOk()) return loaded.status();
  if (!loaded.value()) return Status::internal("open item vanished: " + std::to_string(item_id));
  ItemRecord item = *loaded.value();
  item.linked_messages += 1;
  item.updated_at = at;
  if (auto s = tx.updateItem(item); !s.isOk()) return s;
  if (auto s = tx.setMessageStatus(hub_seq, status, item_id); !s.isOk()) return s;
  const std::string state(toString(item.state));
  if (auto s = tx.appendHistory(item_id, {at, "hub", std::string(toString(event)), state, state,
                                          "message " + hubIdOf(hub_seq)});
      !s.isOk())
    return s;
  if (auto s = tx.appendEvent(item.queue, item_id, event, at); !s.isOk()) return s;
  return Status::ok();
}

Result<std::optional<int64_t>> findRepeatCall(WorkTransaction& tx, const WorkPlan& p) {
  auto q = repeatCallQuery(p);
  if (!q) return std::optional<int64_t>();
  return tx.findOpenItem(*q);
}

}  // namespace

// Repeat calls within the route table's window join the open case. Two tickets that both carry
// ID numbers are joined only when the numbers agree: a village cadre reports several families
// from one phone, and their cases must stay apart. So a ticket with an ID number is looked up by
// that number alone; the phone joins only a ticket without one.
std::optional<OpenItemQuery> repeatCallQuery(const WorkPlan& p) {
  OpenItemQuery q;
  q.item_kind = ItemKind::kCase;
  q.from = MessageKind::kTicket;
  q.created_since = p.repeat_since;
  if (!p.id_key.empty()) {
    q.key_type = PersonKey::kIdNumber;
    q.key = p.id_key;
  } else if (!p.phone_key.empty()) {
    q.key_type = PersonKey::kPhone;
    q.key = p.phone_key;
  } else {
    return std::nullopt;
  }
  return q;
}

Status applyPlan(WorkTransaction& tx, int64_t hub_seq, const IngestRecord& rec,
                 MessageStatus& status, const OutboundBodies& bodies) {
  const auto& p = rec.plan;
  const std::string& at = rec.received_at;
  status = MessageStatus::kRouted;  // stored with the message row; changed below if need be
  // Was the subject known before this message? Then remember everyone this message names.
  // (First: remembering a household below remembers its people too.)
  bool known = false;
  if (!p.id_key.empty()) {
    auto added = tx.rememberPerson(p.id_key, hub_seq);
    if (!added.isOk()) return added.status();
    known = !added.value();
  }
  for (const auto& key : p.member_id_keys)
    if (auto added = tx.rememberPerson(key, hub_seq); !added.isOk()) return added.status();

  // Pre-screen: stored beside the message; everyone the household names points to it, so a
  // later signal about any of them carries it.
  if (!p.prescreen_json.empty()) {
    std::string tags;
    for (const auto& t : p.prescreen_tags) tags += (tags.empty() ? "" : ",") + t;
    if (auto s = tx.insertPrescreen(
            {hub_seq, p.prescreen_category, tags, p.rule_set_version, p.prescreen_json});
        !s.isOk())
      return s;
    if (!p.id_key.empty())
      if (auto s = tx.rememberHousehold(p.id_key, hub_seq); !s.isOk()) return s;
    for (const auto& key : p.member_id_keys)
      if (auto s = tx.rememberHousehold(key, hub_seq); !s.isOk()) return s;
  } else if (rec.kind == MessageKind::kNotification && !p.id_key.empty()) {
    // A signal about a person whose household was described before: that pre-screen is stored
    // beside it (marked as carried), so the caseworker sees the family's standing at once.
    if (auto s = tx.carryPrescreen(hub_seq, p.id_key); !s.isOk()) return s;
  }
  if (rec.kind == MessageKind::kTicket) {
    auto found = findRepeatCall(tx, p);
    if (!found.isOk()) return found.status();
    if (found.value()) {
      status = MessageStatus::kLinked;
      return join(tx, *found.value(), hub_seq, at, EventType::kLinked, status);
    }
  }
  // Agency: a signal about a known person is a risk alert (home visit) on the township's queue;
  // more signals while it is open merge into it.
  if (rec.kind == MessageKind::kNotification && known) {
    auto found = tx.findOpenItem(
        {PersonKey::kIdNumber, p.id_key, ItemKind::kRiskAlert, MessageKind::kNotification, ""});
    if (!found.isOk()) return found.status();
    if (found.value()) {
      status = MessageStatus::kMerged;
      return join(tx, *found.value(), hub_seq, at, EventType::kMerged, status);
    }
    auto id = createItem(
        tx, itemFor(rec, hub_seq, ItemKind::kRiskAlert, p.township_queue, p.alert_deadline,
                    p.alert_working_days, p.alert_deadline_provisional));
    if (!id.isOk()) return id.status();
    status = MessageStatus::kAlerted;
    return tx.setMessageStatus(hub_seq, status, id.value());
  }
  int64_t verification_item = 0;
  std::string verification_queue;
  for (const auto& q : p.queues) {
    auto id = createItem(tx, itemFor(rec, hub_seq, ItemKind::kCase, q, p.case_deadline,
                                     p.case_working_days, p.case_deadline_provisional));
    if (!id.isOk()) return id.status();
    // A charity's case is verified by the township team when it is routed there.
    if (!verification_item || q == p.township_queue) {
      verification_item = id.value();
      verification_queue = q;
    }
  }
  // 双向: a charity's referral opens an exchange in which civil affairs performs the
  // verification, so that the charity hears what became of the person.
  if (rec.kind == MessageKind::kReferral && verification_item)
    return openInbound(tx, hub_seq, rec, verification_queue, verification_item, bodies);
  return Status::ok();
}

Status applyAction(WorkTransaction& tx, const ItemActionRequest& req, ActionResult& result,
                   const OutboundBodies& bodies) {
  auto loaded = tx.loadItem(req.item_id);
  if (!loaded.isOk()) return loaded.status();
  if (!loaded.value() || loaded.value()->queue != req.queue) {
    result.outcome = ActionOutcome::kNotFound;
    return Status::ok();
  }
  const ItemRecord item = *loaded.value();
  auto check = checkTransition({item.state, item.owner}, req.action, req.actor, req.progress_state);
  if (check.ok && req.action == ItemAction::kReassign && req.new_owner == item.owner) {
    check.ok = false;
    check.problem = "the item is already held by " + item.owner;
  }
  if (!check.ok) {
    result.outcome = ActionOutcome::kConflict;
    result.problem = check.problem;
    result.item = item;
    return Status::ok();
  }
  ItemRecord next = item;
  next.state = check.next;
  next.updated_at = req.at;
  std::string detail = req.text;
  switch (req.action) {
    case ItemAction::kClaim:
      next.owner = req.actor;
      break;
    case ItemAction::kRelease:
      next.owner.clear();
      break;
    case ItemAction::kTransfer:
      next.owner.clear();
      next.queue = req.target_queue;
      detail = "to " + req.target_queue + ": " + req.text;
      break;
    case ItemAction::kResolve:
      detail = req.outcome + " / " + req.reason_code + (req.text.empty() ? "" : ": " + req.text);
      break;
    case ItemAction::kReassign:
      next.owner = req.new_owner;
      detail = "from " + item.owner + " to " + req.new_owner + ": " + req.text;
      break;
    default:
      break;
  }
  if (!req.outcome.empty()) next.outcome = req.outcome;
  if (!req.reason_code.empty()) next.reason_code = req.reason_code;
  if (auto s = tx.updateItem(next); !s.isOk()) return s;
  if (auto s = tx.appendHistory(item.item_id, {req.at, req.actor, std::string(toString(req.action)),
                                               std::string(toString(item.state)),
                                               std::string(toString(next.state)), detail});
      !s.isOk())
    return s;
  if (req.action == ItemAction::kTransfer) {
    if (auto s = tx.appendEvent(item.queue, item.item_id, EventType::kTransferredOut, req.at);
        !s.isOk())
      return s;
    if (auto s = tx.appendEvent(next.queue, item.item_id, EventType::kTransferredIn, req.at);
        !s.isOk())
      return s;
  } else {
    EventType type = req.action == ItemAction::kClaim      ? EventType::kClaimed
                     : req.action == ItemAction::kRelease  ? EventType::kReleased
                     : req.action == ItemAction::kProgress ? EventType::kProgress
                     : req.action == ItemAction::kResolve  ? EventType::kResolved
                     : req.action == ItemAction::kEscalate ? EventType::kEscalatedIn
                     : req.action == ItemAction::kReassign ? EventType::kReassigned
                                                           : EventType::kNoted;
    if (auto s = tx.appendEvent(next.queue, item.item_id, type, req.at); !s.isOk()) return s;
  }
  // 回访: resolving a hotline case opens a follow-up call for the same queue, when asked.
  if (req.action == ItemAction::kResolve && req.create_follow_up &&
      item.item_kind == ItemKind::kCase && item.kind == MessageKind::kTicket) {
    NewItem f;
    f.queue = next.queue;
    f.item_kind = ItemKind::kFollowUp;
    f.hub_seq = item.hub_seq;
    f.kind = item.kind;
    f.township = item.township;
    f.category = item.category;
    f.urgency = item.urgency;
    f.deadline = req.follow_up_deadline;
    f.deadline_provisional = req.follow_up_provisional && !f.deadline.empty();
    f.deadline_from = req.follow_up_from;
    f.deadline_working_days = req.follow_up_working_days;
    f.at = req.at;
    f.parent_item = item.item_id;
    auto id = createItem(tx, f);
    if (!id.isOk()) return id.status();
    result.follow_up_item = id.value();
  }
  if (auto s = onItemAction(tx, req, next, bodies); !s.isOk()) return s;
  // 分类上传: a resolution that establishes or changes the person's category is recorded and,
  // when the designated platform is configured, uploaded by the outbox.
  if (auto s = onResolvedCategory(tx, req, next, bodies); !s.isOk()) return s;
  result.item = std::move(next);
  result.outcome = ActionOutcome::kOk;
  return Status::ok();
}

Status sweep(WorkTransaction& tx, const std::string& today, const std::string& escalation_queue,
             const std::string& at, const std::string& undated_created_before,
             const ProgressDueCounter& progress_due, SweepResult& result) {
  // Both kinds of lateness take the same road: marked overdue, escalated if the transition
  // table allows it (an item already escalated stays where it is and is only marked overdue).
  auto markOverdue = [&](int64_t id, const std::string& why) -> Status {
    auto loaded = tx.loadItem(id);
    if (!loaded.isOk()) return loaded.status();
    if (!loaded.value()) return Status::ok();
    const ItemRecord item = *loaded.value();
    ItemRecord next = item;
    next.overdue = true;
    next.updated_at = at;
    ++result.marked_overdue;
    auto check = checkTransition({item.state, item.owner}, ItemAction::kEscalate, "hub");
    const bool escalate = check.ok && item.queue != escalation_queue;
    if (escalate) {
      next.state = check.next;
      next.owner.clear();
      next.queue = escalation_queue;
    }
    if (auto s = tx.updateItem(next); !s.isOk()) return s;
    const std::string from(toString(item.state)), to(toString(next.state));
    if (auto s =
            tx.appendHistory(id, {at, "hub", escalate ? "escalated" : "overdue", from, to, why});
        !s.isOk())
      return s;
    if (escalate) {
      ++result.escalated;
      if (auto s = tx.appendEvent(item.queue, id, EventType::kEscalatedOut, at); !s.isOk())
        return s;
      if (auto s = tx.appendEvent(escalation_queue, id, EventType::kEscalatedIn, at); !s.isOk())
        return s;
    }
    return Status::ok();
  };
  auto due = tx.itemsDueBefore(today);
  if (!due.isOk()) return due.status();
  for (int64_t id : due.value())
    if (auto s = markOverdue(id, "deadline passed (today " + today + ")"); !s.isOk()) return s;
  // An item without a deadline (no calendar for its year when it came in) would otherwise wait
  // for ever: past the configured age it is treated as overdue too.
  if (!undated_created_before.empty()) {
    auto undated = tx.itemsUndatedCreatedBefore(undated_created_before);
    if (!undated.isOk()) return undated.status();
    for (int64_t id : undated.value())
      if (auto s = markOverdue(id, "no deadline, open since before " + undated_created_before +
                                       " (routes: escalate_undated_after_days)");
          !s.isOk())
        return s;
  }
  if (auto s = sweepExchanges(tx, today, escalation_queue, at, progress_due, result); !s.isOk())
    return s;
  auto counts = tx.overdueCounts();
  if (!counts.isOk()) return counts.status();
  for (const auto& c : counts.value())
    result.overdue_by_queue_township.push_back({{c.queue, c.township}, c.count});
  return Status::ok();
}

Status recountProvisional(WorkTransaction& tx, const DeadlineCounter& count, const std::string& at,
                          int& changed) {
  auto open = tx.openProvisionalDeadlines();
  if (!open.isOk()) return open.status();
  for (const auto& p : open.value()) {
    if (p.from.empty() || p.working_days < 1) continue;  // not counted by this hub: left alone
    RecountedDeadline next = count(p.from, p.working_days);
    if (next.date.empty() || (next.provisional && next.date == p.deadline)) continue;
    if (auto s = tx.setDeadline(p.item_id, next.date, next.provisional, at); !s.isOk()) return s;
    std::string state(toString(p.state));
    HistoryEntry h{at,
                   "hub",
                   std::string(toString(EventType::kDeadlineChanged)),
                   state,
                   state,
                   "deadline " + p.deadline + " (provisional) -> " + next.date +
                       (next.provisional ? " (provisional)" : " (holiday notice loaded)")};
    if (auto s = tx.appendHistory(p.item_id, h); !s.isOk()) return s;
    if (auto s = tx.appendEvent(p.queue, p.item_id, EventType::kDeadlineChanged, at); !s.isOk())
      return s;
    ++changed;
  }
  return Status::ok();
}

}  // namespace xj::routing
