#include "hub/storage/work_writer.h"

#include <cstdio>
#include <map>
#include <tuple>
#include <vector>

#include "routing/queues/item.h"

namespace xj::storage {

ItemRecord readItem(Stmt& st) {
  ItemRecord r;
  r.item_id = st.int64(0);
  r.queue = st.text(1);
  r.item_kind = st.text(2);
  char buf[32];
  std::snprintf(buf, sizeof buf, "xj-%010lld", static_cast<long long>(st.int64(3)));
  r.hub_id = buf;
  r.kind = st.text(4);
  r.township = st.text(5);
  r.category = st.text(6);
  r.urgency = st.text(7);
  r.state = st.text(8);
  r.owner = st.text(9);
  r.deadline = st.isNull(10) ? "" : st.text(10);
  r.overdue = st.int64(11) != 0;
  r.created_at = st.text(12);
  r.updated_at = st.text(13);
  r.outcome = st.text(14);
  r.reason_code = st.text(15);
  r.parent_item = st.int64(16);
  r.linked_messages = static_cast<int>(st.int64(17));
  return r;
}

Status WorkWriter::fail(const char* what) {
  return Status::ioError(std::string(what) + ": " + db_.lastError());
}

Status WorkWriter::history(int64_t item, const std::string& at, const std::string& actor,
                           const std::string& action, const std::string& from,
                           const std::string& to, const std::string& detail) {
  auto st = db_.cached(Sql::kInsertHistory);
  st.bind(1, item).bind(2, at).bind(3, actor).bind(4, action).bind(5, from).bind(6, to).bind(
      7, detail);
  return st.step() == SQLITE_DONE ? Status::ok() : fail("history");
}

Status WorkWriter::event(const std::string& queue, int64_t item, const std::string& type,
                         const std::string& at) {
  auto st = db_.cached(Sql::kInsertEvent);
  st.bind(1, queue).bind(2, item).bind(3, type).bind(4, at);
  return st.step() == SQLITE_DONE ? Status::ok() : fail("event");
}

Result<int64_t> WorkWriter::createItem(const std::string& queue, const std::string& item_kind,
                                       int64_t hub_seq, const IngestRecord& rec,
                                       const std::string& deadline, int64_t parent,
                                       const std::string& at) {
  auto st = db_.cached(Sql::kInsertItem);
  const auto& p = rec.plan;
  st.bind(1, queue)
      .bind(2, item_kind)
      .bind(3, hub_seq)
      .bind(4, toString(rec.kind))
      .bind(5, rec.township);
  st.bind(6, p.item_category);
  st.bind(7, p.urgency);
  st.bind(8, "new");
  if (deadline.empty()) {
    st.bindNull(9);
  } else {
    st.bind(9, deadline);
  }
  st.bind(10, p.phone_key).bind(11, p.id_key).bind(12, at).bind(13, parent);
  if (st.step() != SQLITE_DONE) return fail("create item");
  int64_t id = sqlite3_last_insert_rowid(db_.raw());
  if (auto s = history(id, at, "hub", "created", "", "new",
                       deadline.empty() ? "calendar_missing: no deadline" : "deadline " + deadline);
      !s.isOk())
    return s;
  if (auto s = event(queue, id, "created", at); !s.isOk()) return s;
  return id;
}

Status WorkWriter::applyPlan(int64_t hub_seq, const IngestRecord& rec, std::string& status,
                             int& events) {
  const auto& p = rec.plan;
  const std::string& at = rec.received_at;
  // The route columns and status 'routed' went in with the message row (one INSERT); only the
  // rarer outcomes below (linked, merged, alerted) update it.
  if (!p.prescreen_json.empty()) {
    std::string tags;
    for (const auto& t : p.prescreen_tags) tags += (tags.empty() ? "" : ",") + t;
    auto st = db_.cached(Sql::kInsertPrescreen);
    st.bind(1, hub_seq)
        .bind(2, p.prescreen_category)
        .bind(3, tags)
        .bind(4, p.rule_set_version)
        .bind(5, p.prescreen_json);
    if (st.step() != SQLITE_DONE) return fail("prescreen");
    auto ph = db_.cached(Sql::kRememberHousehold);
    for (const auto* key : {&p.id_key}) {
      if (key->empty()) continue;
      ph.reset();
      ph.bind(1, *key).bind(2, hub_seq);
      if (ph.step() != SQLITE_DONE) return fail("person household");
    }
    for (const auto& key : p.member_id_keys) {
      ph.reset();
      ph.bind(1, key).bind(2, hub_seq);
      if (ph.step() != SQLITE_DONE) return fail("person household");
    }
  } else if (rec.kind == MessageKind::kNotification && !p.id_key.empty()) {
    // A signal about a person whose household was described before: store that pre-screen
    // beside it (marked as carried), so the caseworker sees the family's standing at once.
    auto st = db_.cached(Sql::kCarryPrescreen);
    st.bind(1, hub_seq).bind(2, p.id_key);
    if (st.step() != SQLITE_DONE) return fail("carried prescreen");
  }
  // Was the subject known before this message? (A notification about a known person becomes a
  // risk alert for a home visit.) Then remember everyone this message names.
  bool known = false;
  {
    auto st = db_.cached(Sql::kRememberPerson);
    auto remember = [&](const std::string& key, bool* was_known) -> bool {
      if (key.empty()) return true;
      st.reset();
      st.bind(1, key).bind(2, hub_seq);
      if (st.step() != SQLITE_DONE) return false;
      if (was_known) *was_known = sqlite3_changes(db_.raw()) == 0;  // ignored: seen before
      return true;
    };
    if (!remember(p.id_key, &known)) return fail("persons");
    for (const auto& k : p.member_id_keys)
      if (!remember(k, nullptr)) return fail("persons");
  }
  auto link = [&](int64_t item_id, const std::string& action,
                  const std::string& new_status) -> Status {
    ItemRecord item;
    if (auto s = loadItem(item_id, item); !s.isOk()) return s;
    item.linked_messages += 1;
    item.updated_at = at;
    if (auto s = updateItem(item); !s.isOk()) return s;
    auto m = db_.cached(Sql::kSetMessageStatus);
    m.bind(1, hub_seq).bind(2, new_status).bind(3, item_id);
    if (m.step() != SQLITE_DONE) return fail("link message");
    char buf[32];
    std::snprintf(buf, sizeof buf, "xj-%010lld", static_cast<long long>(hub_seq));
    if (auto s = history(item_id, at, "hub", action, item.state, item.state,
                         std::string("message ") + buf);
        !s.isOk())
      return s;
    if (auto s = event(item.queue, item_id, action, at); !s.isOk()) return s;
    ++events;
    status = new_status;
    return Status::ok();
  };
  // Returns the first row's item id, 0 when there is none.
  auto findOne = [&](Sql which, const std::string& key, const std::string& since,
                     int64_t& item) -> Status {
    auto st = db_.cached(which);
    st.bind(1, key);
    if (!since.empty()) st.bind(2, since);
    int rc = st.step();
    item = rc == SQLITE_ROW ? st.int64(0) : 0;
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? Status::ok() : fail("open item lookup");
  };
  // Hotline: a repeat call within the window joins the open item. Two tickets that both carry ID
  // numbers are linked only when the numbers agree (a village cadre reports several families
  // from one phone); the phone links only a ticket without an ID number.
  if (rec.kind == MessageKind::kTicket && (!p.phone_key.empty() || !p.id_key.empty())) {
    int64_t item = 0;
    Status s = !p.id_key.empty()
                   ? findOne(Sql::kFindOpenTicketById, p.id_key, p.repeat_since, item)
                   : findOne(Sql::kFindOpenTicketByPhone, p.phone_key, p.repeat_since, item);
    if (!s.isOk()) return s;
    if (item) return link(item, "linked", "linked");
  }
  // Agency: a signal about a known person is a risk alert on the township's queue; more signals
  // while it is open merge into it.
  if (rec.kind == MessageKind::kNotification && known) {
    int64_t item = 0;
    if (auto s = findOne(Sql::kFindOpenRiskAlert, p.id_key, "", item); !s.isOk()) return s;
    if (item) return link(item, "merged", "merged");
    auto id = createItem(p.township_queue, "risk_alert", hub_seq, rec, p.alert_deadline, 0, at);
    if (!id.isOk()) return id.status();
    auto m = db_.cached(Sql::kSetMessageStatus);
    m.bind(1, hub_seq).bind(2, "alerted").bind(3, id.value());
    if (m.step() != SQLITE_DONE) return fail("alert message");
    ++events;
    status = "alerted";
    return Status::ok();
  }
  for (const auto& q : p.queues) {
    auto id = createItem(q, "case", hub_seq, rec, p.case_deadline, 0, at);
    if (!id.isOk()) return id.status();
    ++events;
  }
  status = "routed";
  return Status::ok();
}

Status WorkWriter::loadItem(int64_t item_id, ItemRecord& out) {
  auto st = db_.cached(Sql::kLoadItem);
  st.bind(1, item_id);
  int rc = st.step();
  if (rc == SQLITE_ROW) {
    out = readItem(st.raw());
    return Status::ok();
  }
  if (rc == SQLITE_DONE) return Status::notFound("no item " + std::to_string(item_id));
  return fail("load item");
}

Status WorkWriter::updateItem(const ItemRecord& r) {
  auto st = db_.cached(Sql::kUpdateItem);
  st.bind(1, r.item_id)
      .bind(2, r.state)
      .bind(3, r.owner)
      .bind(4, r.queue)
      .bind(5, r.updated_at)
      .bind(6, static_cast<int64_t>(r.overdue ? 1 : 0))
      .bind(7, r.outcome)
      .bind(8, r.reason_code)
      .bind(9, static_cast<int64_t>(r.linked_messages));
  return st.step() == SQLITE_DONE ? Status::ok() : fail("update item");
}

Status WorkWriter::applyAction(const ItemActionRequest& req, ActionResult& result, int& events) {
  ItemRecord item;
  if (auto s = loadItem(req.item_id, item); !s.isOk()) {
    if (s.code() != StatusCode::kNotFound) return s;
    result.outcome = ActionOutcome::kNotFound;
    return Status::ok();
  }
  if (item.queue != req.queue) {
    result.outcome = ActionOutcome::kNotFound;
    return Status::ok();
  }
  using routing::ItemAction;
  ItemAction action = req.action == "claim"      ? ItemAction::kClaim
                      : req.action == "release"  ? ItemAction::kRelease
                      : req.action == "transfer" ? ItemAction::kTransfer
                      : req.action == "progress" ? ItemAction::kProgress
                      : req.action == "resolve"  ? ItemAction::kResolve
                                                 : ItemAction::kNote;
  auto state = routing::parseItemState(item.state).value_or(routing::ItemState::kNew);
  auto check = routing::checkTransition(
      {state, item.owner}, action, req.actor,
      req.progress_state.empty() ? std::nullopt : routing::parseItemState(req.progress_state));
  if (!check.ok) {
    result.outcome = ActionOutcome::kConflict;
    result.problem = check.problem;
    result.item = item;
    return Status::ok();
  }
  const std::string before = item.state;
  const std::string from_queue = item.queue;
  ItemRecord next = item;
  next.state = std::string(routing::toString(check.next));
  next.updated_at = req.at;
  std::string detail = req.text;
  if (action == ItemAction::kClaim) next.owner = req.actor;
  if (action == ItemAction::kRelease || action == ItemAction::kTransfer) next.owner.clear();
  if (action == ItemAction::kTransfer) {
    next.queue = req.target_queue;
    detail = "to " + req.target_queue + ": " + req.text;
  }
  if (!req.outcome.empty()) next.outcome = req.outcome;
  if (!req.reason_code.empty()) next.reason_code = req.reason_code;
  if (action == ItemAction::kResolve)
    detail = req.outcome + " / " + req.reason_code + (req.text.empty() ? "" : ": " + req.text);
  if (auto s = updateItem(next); !s.isOk()) return s;
  if (auto s = history(req.item_id, req.at, req.actor, req.action, before, next.state, detail);
      !s.isOk())
    return s;
  static const std::map<std::string, std::string> kEventOf = {{"claim", "claimed"},
                                                              {"release", "released"},
                                                              {"note", "noted"},
                                                              {"progress", "progress"},
                                                              {"resolve", "resolved"}};
  if (action == ItemAction::kTransfer) {
    if (auto s = event(from_queue, req.item_id, "transferred_out", req.at); !s.isOk()) return s;
    if (auto s = event(next.queue, req.item_id, "transferred_in", req.at); !s.isOk()) return s;
    events += 2;
  } else {
    if (auto s = event(next.queue, req.item_id, kEventOf.at(req.action), req.at); !s.isOk())
      return s;
    ++events;
  }
  if (action == ItemAction::kResolve && req.create_follow_up && item.item_kind == "case" &&
      item.kind == "ticket") {
    // 回访: a follow-up task for the same queue, born from the resolved ticket.
    auto st = db_.cached(Sql::kInsertItem);
    int64_t hub_seq = std::stoll(item.hub_id.substr(3));
    st.bind(1, next.queue)
        .bind(2, "follow_up")
        .bind(3, hub_seq)
        .bind(4, item.kind)
        .bind(5, item.township)
        .bind(6, item.category)
        .bind(7, item.urgency)
        .bind(8, "new");
    if (req.follow_up_deadline.empty()) {
      st.bindNull(9);
    } else {
      st.bind(9, req.follow_up_deadline);
    }
    st.bind(10, "").bind(11, "").bind(12, req.at).bind(13, req.item_id);
    if (st.step() != SQLITE_DONE) return fail("follow-up");
    result.follow_up_item = sqlite3_last_insert_rowid(db_.raw());
    if (auto s = history(result.follow_up_item, req.at, "hub", "created", "", "new",
                         "follow-up of item " + std::to_string(req.item_id));
        !s.isOk())
      return s;
    if (auto s = event(next.queue, result.follow_up_item, "created", req.at); !s.isOk()) return s;
    ++events;
  }
  result.item = next;
  result.outcome = ActionOutcome::kOk;
  return Status::ok();
}

Status WorkWriter::sweep(const std::string& today, const std::string& escalation_queue,
                         const std::string& at, SweepResult& result, int& events) {
  std::vector<int64_t> due;
  {
    auto st = db_.cached(Sql::kItemsDueBefore);
    st.bind(1, today);
    int rc;
    while ((rc = st.step()) == SQLITE_ROW) due.push_back(st.int64(0));
    if (rc != SQLITE_DONE) return fail("sweep select");
  }
  for (int64_t id : due) {
    ItemRecord item;
    if (auto s = loadItem(id, item); !s.isOk()) return s;
    ++result.marked_overdue;
    const std::string state = item.state, queue = item.queue;
    bool escalate = state != "escalated" && queue != escalation_queue;
    item.overdue = true;
    item.updated_at = at;
    if (escalate) {
      item.state = "escalated";
      item.owner.clear();
      item.queue = escalation_queue;
    }
    if (auto s = updateItem(item); !s.isOk()) return s;
    if (auto s = history(id, at, "hub", escalate ? "escalated" : "overdue", state,
                         escalate ? "escalated" : state, "deadline passed (today " + today + ")");
        !s.isOk())
      return s;
    if (escalate) {
      ++result.escalated;
      if (auto s = event(queue, id, "escalated_out", at); !s.isOk()) return s;
      if (auto s = event(escalation_queue, id, "escalated_in", at); !s.isOk()) return s;
      events += 2;
    }
  }
  auto st = db_.cached(Sql::kOverdueCounts);
  int rc;
  while ((rc = st.step()) == SQLITE_ROW)
    result.overdue_by_queue_township.push_back({{st.text(0), st.text(1)}, st.int64(2)});
  if (rc != SQLITE_DONE) return fail("sweep counts");
  return Status::ok();
}

}  // namespace xj::storage
