#include "hub/storage/work_writer.h"

#include <cstdio>
#include <map>
#include <tuple>
#include <vector>

#include "routing/queues/item.h"

namespace xj::storage {

const char* const kItemColumns =
    "item_id, queue, item_kind, hub_seq, kind, township, category, urgency, state, owner, "
    "deadline, overdue, created_at, updated_at, outcome, reason_code, parent_item, linked_messages";

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
  auto st = db_.cached(
      "INSERT INTO item_history(item_id, at, actor, action, from_state, to_state, detail) "
      "VALUES(?1,?2,?3,?4,?5,?6,?7)");
  st.bind(1, item).bind(2, at).bind(3, actor).bind(4, action).bind(5, from).bind(6, to).bind(
      7, detail);
  return st.step() == SQLITE_DONE ? Status::ok() : fail("history");
}

Status WorkWriter::event(const std::string& queue, int64_t item, const std::string& type,
                         const std::string& at) {
  auto st = db_.cached("INSERT INTO queue_events(queue, item_id, type, at) VALUES(?1,?2,?3,?4)");
  st.bind(1, queue).bind(2, item).bind(3, type).bind(4, at);
  return st.step() == SQLITE_DONE ? Status::ok() : fail("event");
}

Result<int64_t> WorkWriter::createItem(const std::string& queue, const std::string& item_kind,
                                       int64_t hub_seq, const IngestRecord& rec,
                                       const std::string& deadline, int64_t parent,
                                       const std::string& at) {
  auto st = db_.cached(
      "INSERT INTO items(queue, item_kind, hub_seq, kind, township, category, urgency, state, "
      "deadline, "
      "phone_key, id_key, created_at, updated_at, parent_item) "
      "VALUES(?1,?2,?3,?4,?5,?6,?7,'new',?8,?9,?10,?11,?11,?12)");
  const auto& p = rec.plan;
  st.bind(1, queue)
      .bind(2, item_kind)
      .bind(3, hub_seq)
      .bind(4, toString(rec.kind))
      .bind(5, rec.township);
  st.bind(6, p.item_category);
  st.bind(7, p.urgency);
  if (deadline.empty()) {
    st.bindNull(8);
  } else {
    st.bind(8, deadline);
  }
  st.bind(9, p.phone_key).bind(10, p.id_key).bind(11, at).bind(12, parent);
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
    auto st = db_.cached(
        "INSERT INTO prescreens(hub_seq, category, tags, rule_set_version, decision) "
        "VALUES(?1,?2,?3,?4,?5)");
    st.bind(1, hub_seq)
        .bind(2, p.prescreen_category)
        .bind(3, tags)
        .bind(4, p.rule_set_version)
        .bind(5, p.prescreen_json);
    if (st.step() != SQLITE_DONE) return fail("prescreen");
    auto ph = db_.cached("INSERT OR REPLACE INTO person_households(id_key, hub_seq) VALUES(?1,?2)");
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
    auto st = db_.cached(
        "INSERT INTO prescreens(hub_seq, category, tags, rule_set_version, decision, carried_from) "
        "SELECT ?1, category, tags, rule_set_version, decision, ph.hub_seq FROM person_households "
        "ph "
        "JOIN prescreens p ON p.hub_seq = ph.hub_seq WHERE ph.id_key=?2");
    st.bind(1, hub_seq).bind(2, p.id_key);
    if (st.step() != SQLITE_DONE) return fail("carried prescreen");
  }
  // Was the subject known before this message? (A notification about a known person becomes a
  // risk alert for a home visit.) Then remember everyone this message names.
  bool known = false;
  {
    auto st = db_.cached("INSERT OR IGNORE INTO persons(id_key, first_hub_seq) VALUES(?1,?2)");
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
  auto link = [&](int64_t item, const std::string& queue, const std::string& action,
                  const std::string& new_status) -> Status {
    auto st = db_.cached(
        "UPDATE items SET linked_messages=linked_messages+1, updated_at=?2 WHERE item_id=?1");
    st.bind(1, item).bind(2, at);
    if (st.step() != SQLITE_DONE) return fail("link");
    auto m = db_.cached("UPDATE messages SET status=?2, linked_item=?3 WHERE hub_seq=?1");
    m.bind(1, hub_seq).bind(2, new_status).bind(3, item);
    if (m.step() != SQLITE_DONE) return fail("link message");
    char buf[32];
    std::snprintf(buf, sizeof buf, "xj-%010lld", static_cast<long long>(hub_seq));
    auto cur = db_.cached("SELECT state FROM items WHERE item_id=?1");
    cur.bind(1, item);
    std::string state = cur.step() == SQLITE_ROW ? cur.text(0) : "";
    if (auto s = history(item, at, "hub", action, state, state, std::string("message ") + buf);
        !s.isOk())
      return s;
    if (auto s = event(queue, item, action, at); !s.isOk()) return s;
    ++events;
    status = new_status;
    return Status::ok();
  };
  // Hotline: a call from the same phone or about the same ID within the window joins the open item.
  if (rec.kind == MessageKind::kTicket && (!p.phone_key.empty() || !p.id_key.empty())) {
    auto st = db_.cached(
        "SELECT item_id, queue FROM items WHERE item_kind='case' AND kind='ticket' AND state != "
        "'resolved' "
        "AND created_at >= ?3 AND ((phone_key=?1 AND ?1 != '') OR (id_key=?2 AND ?2 != '')) "
        "ORDER BY item_id LIMIT 1");
    st.bind(1, p.phone_key).bind(2, p.id_key).bind(3, p.repeat_since);
    int rc = st.step();
    if (rc == SQLITE_ROW) {
      int64_t item = st.int64(0);
      std::string queue = st.text(1);
      st.reset();
      return link(item, queue, "linked", "linked");
    }
    if (rc != SQLITE_DONE) return fail("repeat lookup");
  }
  // Agency: a signal about a known person is a risk alert on the township's queue; more signals
  // while it is open merge into it.
  if (rec.kind == MessageKind::kNotification && known) {
    auto st = db_.cached(
        "SELECT item_id, queue FROM items WHERE item_kind='risk_alert' AND state != 'resolved' AND "
        "id_key=?1 "
        "ORDER BY item_id LIMIT 1");
    st.bind(1, p.id_key);
    int rc = st.step();
    if (rc == SQLITE_ROW) {
      int64_t item = st.int64(0);
      std::string queue = st.text(1);
      st.reset();
      return link(item, queue, "merged", "merged");
    }
    if (rc != SQLITE_DONE) return fail("alert lookup");
    auto id = createItem(p.township_queue, "risk_alert", hub_seq, rec, p.alert_deadline, 0, at);
    if (!id.isOk()) return id.status();
    auto m = db_.cached("UPDATE messages SET status='alerted', linked_item=?2 WHERE hub_seq=?1");
    m.bind(1, hub_seq).bind(2, id.value());
    if (m.step() != SQLITE_DONE) return fail("alert message");
    ++events;
    status = "alerted";
    return Status::ok();
  }
  int64_t first = 0;
  for (const auto& q : p.queues) {
    auto id = createItem(q, "case", hub_seq, rec, p.case_deadline, 0, at);
    if (!id.isOk()) return id.status();
    if (!first) first = id.value();
    ++events;
  }
  status = "routed";
  return Status::ok();
}

Status WorkWriter::applyAction(const ItemActionRequest& req, ActionResult& result, int& events) {
  auto load = [&](ItemRecord& out) -> int {
    auto st = db_.prepare(std::string("SELECT ") + kItemColumns +
                          " FROM items WHERE item_id=?1");  // built once per action
    st.bind(1, req.item_id);
    int rc = st.step();
    if (rc == SQLITE_ROW) out = readItem(st);
    return rc;
  };
  ItemRecord item;
  int rc = load(item);
  if (rc == SQLITE_DONE || (rc == SQLITE_ROW && item.queue != req.queue)) {
    result.outcome = ActionOutcome::kNotFound;
    return Status::ok();
  }
  if (rc != SQLITE_ROW) return fail("load item");
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
  const std::string next(routing::toString(check.next));
  std::string owner = item.owner;
  std::string queue = item.queue;
  std::string detail = req.text;
  if (action == ItemAction::kClaim) owner = req.actor;
  if (action == ItemAction::kRelease || action == ItemAction::kTransfer) owner.clear();
  if (action == ItemAction::kTransfer) {
    queue = req.target_queue;
    detail = "to " + req.target_queue + ": " + req.text;
  }
  if (action == ItemAction::kResolve)
    detail = req.outcome + " / " + req.reason_code + (req.text.empty() ? "" : ": " + req.text);
  {
    auto st = db_.cached(
        "UPDATE items SET state=?2, owner=?3, queue=?4, updated_at=?5, "
        "outcome=CASE WHEN ?6 != '' THEN ?6 ELSE outcome END, reason_code=CASE WHEN ?7 != '' THEN "
        "?7 ELSE reason_code END "
        "WHERE item_id=?1");
    st.bind(1, req.item_id)
        .bind(2, next)
        .bind(3, owner)
        .bind(4, queue)
        .bind(5, req.at)
        .bind(6, req.outcome)
        .bind(7, req.reason_code);
    if (st.step() != SQLITE_DONE) return fail("update item");
  }
  if (auto s = history(req.item_id, req.at, req.actor, req.action, item.state, next, detail);
      !s.isOk())
    return s;
  static const std::map<std::string, std::string> kEventOf = {{"claim", "claimed"},
                                                              {"release", "released"},
                                                              {"note", "noted"},
                                                              {"progress", "progress"},
                                                              {"resolve", "resolved"}};
  if (action == ItemAction::kTransfer) {
    if (auto s = event(item.queue, req.item_id, "transferred_out", req.at); !s.isOk()) return s;
    if (auto s = event(queue, req.item_id, "transferred_in", req.at); !s.isOk()) return s;
    events += 2;
  } else {
    if (auto s = event(queue, req.item_id, kEventOf.at(req.action), req.at); !s.isOk()) return s;
    ++events;
  }
  if (action == ItemAction::kResolve && req.create_follow_up && item.item_kind == "case" &&
      item.kind == "ticket") {
    // 回访: a follow-up task for the same queue, born from the resolved ticket.
    auto st = db_.cached(
        "INSERT INTO items(queue, item_kind, hub_seq, kind, township, category, urgency, state, "
        "deadline, "
        "phone_key, id_key, created_at, updated_at, parent_item) "
        "SELECT queue, 'follow_up', hub_seq, kind, township, category, urgency, 'new', ?2, '', '', "
        "?3, ?3, item_id "
        "FROM items WHERE item_id=?1");
    st.bind(1, req.item_id);
    if (req.follow_up_deadline.empty()) {
      st.bindNull(2);
    } else {
      st.bind(2, req.follow_up_deadline);
    }
    st.bind(3, req.at);
    if (st.step() != SQLITE_DONE) return fail("follow-up");
    result.follow_up_item = sqlite3_last_insert_rowid(db_.raw());
    if (auto s = history(result.follow_up_item, req.at, "hub", "created", "", "new",
                         "follow-up of item " + std::to_string(req.item_id));
        !s.isOk())
      return s;
    if (auto s = event(queue, result.follow_up_item, "created", req.at); !s.isOk()) return s;
    ++events;
  }
  if (load(result.item) != SQLITE_ROW) return fail("reload item");
  result.outcome = ActionOutcome::kOk;
  return Status::ok();
}

Status WorkWriter::sweep(const std::string& today, const std::string& escalation_queue,
                         const std::string& at, SweepResult& result, int& events) {
  std::vector<std::tuple<int64_t, std::string, std::string>> due;  // id, queue, state
  {
    auto st = db_.cached(
        "SELECT item_id, queue, state FROM items WHERE state != 'resolved' AND overdue = 0 AND "
        "deadline IS NOT NULL "
        "AND deadline < ?1");
    st.bind(1, today);
    int rc;
    while ((rc = st.step()) == SQLITE_ROW) due.emplace_back(st.int64(0), st.text(1), st.text(2));
    if (rc != SQLITE_DONE) return fail("sweep select");
  }
  for (const auto& [id, queue, state] : due) {
    ++result.marked_overdue;
    bool escalate = state != "escalated" && queue != escalation_queue;
    static const char* const kEscalate =
        "UPDATE items SET overdue=1, state='escalated', owner='', queue=?2, updated_at=?3 WHERE "
        "item_id=?1";
    static const char* const kMark = "UPDATE items SET overdue=1, updated_at=?3 WHERE item_id=?1";
    auto st = db_.cached(escalate ? kEscalate : kMark);
    st.bind(1, id).bind(2, escalation_queue).bind(3, at);
    if (st.step() != SQLITE_DONE) return fail("sweep update");
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
  auto st = db_.cached(
      "SELECT queue, township, count(*) FROM items WHERE overdue=1 AND state != 'resolved' GROUP "
      "BY queue, township");
  int rc;
  while ((rc = st.step()) == SQLITE_ROW)
    result.overdue_by_queue_township.push_back({{st.text(0), st.text(1)}, st.int64(2)});
  if (rc != SQLITE_DONE) return fail("sweep counts");
  return Status::ok();
}

}  // namespace xj::storage
