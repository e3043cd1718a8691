#include "hub/storage/sqlite_work_transaction.h"

#include <cstdio>

#include "hub/storage/access_rows.h"
#include "hub/storage/outbox_rows.h"
#include "hub/storage/sealed_columns.h"

namespace xj::storage {

Receipt readReceiptRow(const Stmt& st) {
  Receipt r;
  r.hub_id = hubIdOf(st.int64(0));
  r.source = st.text(1);
  r.message_id = st.text(2);
  r.kind = parseMessageKind(st.text(3)).value_or(MessageKind::kTicket);
  r.received_at = st.text(4);
  r.status = st.text(5);
  return r;
}

ItemRecord readItemRow(const Stmt& st) {
  ItemRecord r;
  r.item_id = st.int64(0);
  r.queue = st.text(1);
  r.item_kind = parseItemKind(st.text(2)).value_or(ItemKind::kCase);
  r.hub_seq = st.int64(3);
  char buf[32];
  std::snprintf(buf, sizeof buf, "xj-%010lld", static_cast<long long>(r.hub_seq));
  r.hub_id = buf;
  r.kind = parseMessageKind(st.text(4)).value_or(MessageKind::kTicket);
  r.township = st.text(5);
  r.category = st.text(6);
  r.urgency = st.text(7);
  r.state = parseItemState(st.text(8)).value_or(ItemState::kNew);
  r.owner = st.text(9);
  r.deadline = st.isNull(10) ? "" : st.text(10);
  r.overdue = st.int64(11) != 0;
  r.created_at = st.text(12);
  r.updated_at = st.text(13);
  r.outcome = st.text(14);
  r.reason_code = st.text(15);
  r.parent_item = st.int64(16);
  r.linked_messages = static_cast<int>(st.int64(17));
  r.deadline_provisional = st.int64(18) != 0;
  r.id_key = st.personKey(19);
  return r;
}

ExchangeRecord readExchangeRow(const Stmt& st) {
  ExchangeRecord r;
  r.exchange_id = st.int64(0);
  r.ex_id = exchangeIdOf(r.exchange_id);
  r.direction = parseExchangeDirection(st.text(1)).value_or(ExchangeDirection::kOutbound);
  r.partner = st.text(2);
  r.state = parseExchangeState(st.text(3)).value_or(ExchangeState::kRequested);
  r.township = st.text(4);
  r.queue = st.text(5);
  r.item_id = st.int64(6);
  r.hub_seq = st.int64(7);
  r.need = st.text(8);
  r.partner_ref = st.text(9);
  r.reason = st.opened(10, sealed::kExchangeReason);
  r.outcome = st.opened(11, sealed::kExchangeOutcome);
  r.consent_json = st.opened(12, sealed::kExchangeConsent);
  r.created_by = st.text(13);
  r.created_at = st.text(14);
  r.updated_at = st.text(15);
  r.timeline_seq = st.int64(16);
  r.due = st.text(17);
  r.overdue = st.int64(18) != 0;
  r.progress_due = st.text(19);
  r.progress_overdue = st.int64(20) != 0;
  return r;
}

Status SqliteWorkTransaction::fail(const char* what) {
  return Status::ioError(std::string(what) + ": " + db_.lastError());
}

Status SqliteWorkTransaction::done(ScopedStmt& st, const char* what) {
  return st.step() == SQLITE_DONE ? Status::ok() : fail(what);
}

Result<MessageInsert> SqliteWorkTransaction::insertMessage(const IngestRecord& rec,
                                                           MessageStatus status) {
  // Insert first: a new message, the common case, costs no separate idempotency lookup; the
  // stored row is read only when the (source, id) pair was taken (a resend or a conflict).
  auto insert = db_.cached(Sql::kInsertMessage);
  insert.bind(1, rec.source)
      .bind(2, rec.message_id)
      .bind(3, toString(rec.kind))
      .bind(4, rec.township)
      .bind(5, rec.occurred_at)
      .bind(6, rec.received_at)
      .bind(7, rec.body_hash)
      .bindSealed(8, rec.payload, sealed::kMessagePayload)
      .bind(9, toString(status));
  if (!rec.plan.route_rule.empty()) {
    insert.bind(10, rec.plan.route_rule)
        .bind(11, rec.plan.route_version)
        .bind(12, rec.plan.prescreen_category);
  } else {
    insert.bindNull(10).bindNull(11).bindNull(12);
  }
  if (insert.step() != SQLITE_DONE) return fail("insert");
  MessageInsert out;
  if (sqlite3_changes(db_.raw()) != 0) {
    out.hub_seq = sqlite3_last_insert_rowid(db_.raw());
    return out;
  }
  auto find = db_.cached(Sql::kFindMessage);
  find.bind(1, rec.source).bind(2, rec.message_id);
  if (find.step() != SQLITE_ROW) return fail("find");
  out.existing = readReceiptRow(find.raw());
  out.existing_body_hash = find.text(6);
  return out;
}

Result<bool> SqliteWorkTransaction::rememberPerson(const std::string& id_key, int64_t hub_seq) {
  auto st = db_.cached(Sql::kRememberPerson);
  st.bindPersonKey(1, id_key).bind(2, hub_seq);
  if (auto s = done(st, "persons"); !s.isOk()) return s;
  return sqlite3_changes(db_.raw()) != 0;  // 0: ignored, the person was known
}

Status SqliteWorkTransaction::insertPrescreen(const PrescreenRecord& p) {
  auto st = db_.cached(Sql::kInsertPrescreen);
  st.bind(1, p.hub_seq)
      .bind(2, p.category)
      .bind(3, p.tags)
      .bind(4, p.rule_set_version)
      .bindSealed(5, p.decision_json, sealed::kPrescreenDecision);
  return done(st, "prescreen");
}

Status SqliteWorkTransaction::rememberHousehold(const std::string& id_key, int64_t hub_seq) {
  auto st = db_.cached(Sql::kRememberHousehold);
  st.bindPersonKey(1, id_key).bind(2, hub_seq);
  return done(st, "person household");
}

Status SqliteWorkTransaction::carryPrescreen(int64_t hub_seq, const std::string& id_key) {
  auto st = db_.cached(Sql::kCarryPrescreen);
  st.bind(1, hub_seq).bindPersonKey(2, id_key);
  return done(st, "carried prescreen");
}

Result<std::optional<int64_t>> SqliteWorkTransaction::findOpenItem(const OpenItemQuery& q) {
  auto st = db_.cached(q.key_type == PersonKey::kIdNumber ? Sql::kFindOpenItemById
                                                          : Sql::kFindOpenItemByPhone);
  st.bindPersonKey(1, q.key)
      .bind(2, toString(q.item_kind))
      .bind(3, toString(q.from))
      .bind(4, q.created_since);
  int rc = st.step();
  if (rc == SQLITE_ROW) return std::optional<int64_t>(st.int64(0));
  if (rc == SQLITE_DONE) return std::optional<int64_t>();
  return fail("open item lookup");
}

Result<std::optional<ItemRecord>> SqliteWorkTransaction::loadItem(int64_t item_id) {
  auto st = db_.cached(Sql::kLoadItem);
  st.bind(1, item_id);
  int rc = st.step();
  if (rc == SQLITE_ROW) return std::optional<ItemRecord>(readItemRow(st.raw()));
  if (rc == SQLITE_DONE) return std::optional<ItemRecord>();
  return fail("load item");
}

Result<int64_t> SqliteWorkTransaction::insertItem(const NewItem& n) {
  auto st = db_.cached(Sql::kInsertItem);
  st.bind(1, n.queue)
      .bind(2, toString(n.item_kind))
      .bind(3, n.hub_seq)
      .bind(4, toString(n.kind))
      .bind(5, n.township)
      .bind(6, n.category)
      .bind(7, n.urgency)
      .bind(8, toString(ItemState::kNew));
  if (n.deadline.empty()) {
    st.bindNull(9);
  } else {
    st.bind(9, n.deadline);
  }
  st.bindPersonKey(10, n.phone_key)
      .bindPersonKey(11, n.id_key)
      .bind(12, n.at)
      .bind(13, n.parent_item);
  st.bind(14, int64_t{n.deadline_provisional && !n.deadline.empty()})
      .bind(15, n.deadline_from)
      .bind(16, int64_t{n.deadline_working_days});
  if (auto s = done(st, "create item"); !s.isOk()) return s;
  return static_cast<int64_t>(sqlite3_last_insert_rowid(db_.raw()));
}

Result<std::vector<ProvisionalDeadline>> SqliteWorkTransaction::openProvisionalDeadlines() {
  auto st = db_.cached(Sql::kOpenProvisional);
  std::vector<ProvisionalDeadline> out;
  int rc;
  while ((rc = st.step()) == SQLITE_ROW) {
    ProvisionalDeadline p;
    p.item_id = st.int64(0);
    p.queue = st.text(1);
    p.state = parseItemState(st.text(2)).value_or(ItemState::kNew);
    p.deadline = st.isNull(3) ? "" : st.text(3);
    p.from = st.isNull(4) ? "" : st.text(4);
    p.working_days = static_cast<int>(st.int64(5));
    out.push_back(std::move(p));
  }
  if (rc != SQLITE_DONE) return fail("provisional deadlines");
  return out;
}

Status SqliteWorkTransaction::setDeadline(int64_t item_id, const std::string& deadline,
                                          bool provisional, const std::string& at) {
  auto st = db_.cached(Sql::kSetDeadline);
  st.bind(1, item_id).bind(2, deadline).bind(3, int64_t{provisional}).bind(4, at);
  return done(st, "set deadline");
}

Status SqliteWorkTransaction::updateItem(const ItemRecord& r) {
  auto st = db_.cached(Sql::kUpdateItem);
  st.bind(1, r.item_id)
      .bind(2, toString(r.state))
      .bind(3, r.owner)
      .bind(4, r.queue)
      .bind(5, r.updated_at)
      .bind(6, static_cast<int64_t>(r.overdue ? 1 : 0))
      .bind(7, r.outcome)
      .bind(8, r.reason_code)
      .bind(9, static_cast<int64_t>(r.linked_messages));
  return done(st, "update item");
}

Result<std::vector<int64_t>> SqliteWorkTransaction::itemsUndatedCreatedBefore(
    const std::string& at) {
  auto st = db_.cached(Sql::kItemsUndatedCreatedBefore);
  st.bind(1, at);
  std::vector<int64_t> out;
  int rc;
  while ((rc = st.step()) == SQLITE_ROW) out.push_back(st.int64(0));
  if (rc != SQLITE_DONE) return fail("sweep undated select");
  return out;
}

Result<std::vector<int64_t>> SqliteWorkTransaction::itemsDueBefore(const std::string& date) {
  auto st = db_.cached(Sql::kItemsDueBefore);
  st.bind(1, date);
  std::vector<int64_t> out;
  int rc;
  while ((rc = st.step()) == SQLITE_ROW) out.push_back(st.int64(0));
  if (rc != SQLITE_DONE) return fail("sweep select");
  return out;
}

Result<std::vector<OverdueCount>> SqliteWorkTransaction::overdueCounts() {
  auto st = db_.cached(Sql::kOverdueCounts);
  std::vector<OverdueCount> out;
  int rc;
  while ((rc = st.step()) == SQLITE_ROW) out.push_back({st.text(0), st.text(1), st.int64(2)});
  if (rc != SQLITE_DONE) return fail("sweep counts");
  return out;
}

Status SqliteWorkTransaction::appendHistory(int64_t item_id, const HistoryEntry& h) {
  auto st = db_.cached(Sql::kInsertHistory);
  st.bind(1, item_id)
      .bind(2, h.at)
      .bind(3, h.actor)
      .bind(4, h.action)
      .bind(5, h.from_state)
      .bind(6, h.to_state)
      .bindSealed(7, h.detail, sealed::kHistoryDetail);
  return done(st, "history");
}

Status SqliteWorkTransaction::appendEvent(const std::string& queue, int64_t item_id, EventType type,
                                          const std::string& at) {
  auto st = db_.cached(Sql::kInsertEvent);
  st.bind(1, queue).bind(2, item_id).bind(3, toString(type)).bind(4, at);
  if (auto s = done(st, "event"); !s.isOk()) return s;
  ++events_appended_;
  return Status::ok();
}

Status SqliteWorkTransaction::setMessageStatus(int64_t hub_seq, MessageStatus status,
                                               int64_t item_id) {
  auto st = db_.cached(Sql::kSetMessageStatus);
  st.bind(1, hub_seq).bind(2, toString(status)).bind(3, item_id);
  return done(st, "message status");
}

Result<ItemPerson> SqliteWorkTransaction::itemPerson(int64_t item_id) {
  auto st = db_.cached(Sql::kItemPerson);
  st.bind(1, item_id);
  ItemPerson p;
  int rc = st.step();
  if (rc == SQLITE_ROW) {
    p.id_key = st.personKey(0);
    if (!st.isNull(1)) p.village = st.text(1);
    if (!st.isNull(2)) p.id_number = st.text(2);
    return p;
  }
  if (rc != SQLITE_DONE) return fail("item person");
  return p;
}

Result<std::optional<PersonCategory>> SqliteWorkTransaction::personCategory(
    const std::string& id_key) {
  auto st = db_.cached(Sql::kPersonCategory);
  st.bindPersonKey(1, id_key);
  int rc = st.step();
  if (rc == SQLITE_DONE) return std::optional<PersonCategory>();
  if (rc != SQLITE_ROW) return fail("person category");
  PersonCategory c;
  c.id_key = st.personKey(0);
  c.category = st.text(1);
  c.since = st.text(2);
  c.item_id = st.int64(3);
  c.updated_at = st.text(4);
  return std::optional<PersonCategory>(std::move(c));
}

Status SqliteWorkTransaction::setPersonCategory(const PersonCategory& c) {
  auto st = db_.cached(Sql::kSetPersonCategory);
  st.bindPersonKey(1, c.id_key)
      .bind(2, c.category)
      .bind(3, c.since)
      .bind(4, c.item_id)
      .bind(5, c.updated_at);
  return done(st, "set person category");
}

Result<int64_t> SqliteWorkTransaction::enqueueOutbound(const OutboundMessage& m) {
  auto st = db_.cached(Sql::kInsertOutbound);
  st.bind(1, m.partner)
      .bind(2, m.lane_key)
      .bind(3, m.kind)
      .bind(4, m.idempotency_key)
      .bindSealed(5, m.body_json, sealed::kOutboxBody)
      .bind(6, m.created_at);
  if (st.step() != SQLITE_DONE) {
    if ((db_.lastErrorCode() & 0xff) == SQLITE_CONSTRAINT)
      return Status::conflict("outbox: idempotency key already used");
    return fail("outbox");
  }
  OutboxRecord r;
  r.id = static_cast<int64_t>(sqlite3_last_insert_rowid(db_.raw()));
  r.message = m;
  r.updated_at = m.created_at;
  enqueued_.push_back(r);
  return r.id;
}

Status SqliteWorkTransaction::recordOutboxOutcome(const OutboxOutcome& outcome) {
  return writeOutcome(db_, outcome);
}

Result<OutboxReplay> SqliteWorkTransaction::replayOutbound(int64_t outbox_id,
                                                           const std::string& actor,
                                                           const std::string& at) {
  OutboxReplay out;
  auto r = replayDead(db_, outbox_id, actor, at, out.row);
  if (!r.isOk()) return r.status();
  out.result = r.value();
  if (out.row) enqueued_.push_back(*out.row);  // handed over after the commit like a new row
  return out;
}

Result<int> SqliteWorkTransaction::applyRequestedReplays(const std::string& at) {
  std::vector<OutboxRecord> rows;
  if (auto s = storage::applyRequestedReplays(db_, at, rows); !s.isOk()) return s;
  const int n = static_cast<int>(rows.size());
  for (auto& r : rows) enqueued_.push_back(std::move(r));
  return n;
}

Result<int64_t> SqliteWorkTransaction::insertExchange(const ExchangeRecord& e) {
  exchanges_changed_ = true;
  auto st = db_.cached(Sql::kInsertExchange);
  st.bind(1, toString(e.direction))
      .bind(2, e.partner)
      .bind(3, toString(e.state))
      .bind(4, e.township)
      .bind(5, e.queue)
      .bind(6, e.item_id)
      .bind(7, e.hub_seq)
      .bind(8, e.need)
      .bindSealed(9, e.reason, sealed::kExchangeReason)
      .bindSealed(10, e.outcome, sealed::kExchangeOutcome)
      .bindSealed(11, e.consent_json, sealed::kExchangeConsent)
      .bind(12, e.created_by)
      .bind(13, e.created_at)
      .bind(14, e.timeline_seq)
      .bind(15, e.due)
      .bind(16, e.partner_ref);
  if (auto s = done(st, "create exchange"); !s.isOk()) return s;
  return static_cast<int64_t>(sqlite3_last_insert_rowid(db_.raw()));
}

Result<std::optional<ExchangeRecord>> SqliteWorkTransaction::loadExchange(int64_t exchange_id) {
  auto st = db_.cached(Sql::kLoadExchange);
  st.bind(1, exchange_id);
  int rc = st.step();
  if (rc == SQLITE_ROW) return std::optional<ExchangeRecord>(readExchangeRow(st.raw()));
  if (rc == SQLITE_DONE) return std::optional<ExchangeRecord>();
  return fail("load exchange");
}

// The fields a move changes, in one order, from `first` on: the exchange row's update and the
// answer an exchange event keeps (exchange_events) bind the same nine.
static void bindExchangeState(ScopedStmt& st, int first, const ExchangeRecord& e) {
  st.bind(first, toString(e.state))
      .bindSealed(first + 1, e.reason, sealed::kExchangeReason)
      .bindSealed(first + 2, e.outcome, sealed::kExchangeOutcome)
      .bind(first + 3, e.updated_at)
      .bind(first + 4, e.timeline_seq)
      .bind(first + 5, e.due)
      .bind(first + 6, static_cast<int64_t>(e.overdue ? 1 : 0))
      .bind(first + 7, e.progress_due)
      .bind(first + 8, static_cast<int64_t>(e.progress_overdue ? 1 : 0));
}

Status SqliteWorkTransaction::updateExchange(const ExchangeRecord& e) {
  exchanges_changed_ = true;
  auto st = db_.cached(Sql::kUpdateExchange);
  st.bind(1, e.exchange_id);
  bindExchangeState(st, 2, e);
  return done(st, "update exchange");
}

Result<std::optional<int64_t>> SqliteWorkTransaction::findExchangeByItem(
    int64_t item_id, ExchangeDirection direction) {
  auto st = db_.cached(Sql::kExchangeByItem);
  st.bind(1, item_id).bind(2, toString(direction));
  int rc = st.step();
  if (rc == SQLITE_ROW) return std::optional<int64_t>(st.int64(0));
  if (rc == SQLITE_DONE) return std::optional<int64_t>();
  return fail("exchange by item");
}

Status SqliteWorkTransaction::appendExchangeTimeline(int64_t exchange_id,
                                                     const ExchangeTimelineEntry& t) {
  auto st = db_.cached(Sql::kInsertExchangeTimeline);
  st.bind(1, exchange_id)
      .bind(2, t.seq)
      .bind(3, t.at)
      .bind(4, t.actor)
      .bind(5, toString(t.side))
      .bind(6, t.event)
      .bind(7, t.from_state)
      .bind(8, t.to_state)
      .bindSealed(9, t.reason, sealed::kTimelineReason)
      .bindSealed(10, t.outcome, sealed::kTimelineOutcome)
      .bindSealed(11, t.note, sealed::kTimelineNote)
      .bindSealed(12, t.actor_name, sealed::kTimelineActorName);
  return done(st, "exchange timeline");
}

Result<std::vector<int64_t>> SqliteWorkTransaction::exchangesDueBefore(const std::string& date) {
  auto st = db_.cached(Sql::kExchangesDueBefore);
  st.bind(1, date);
  std::vector<int64_t> out;
  int rc;
  while ((rc = st.step()) == SQLITE_ROW) out.push_back(st.int64(0));
  if (rc != SQLITE_DONE) return fail("exchanges due");
  return out;
}

Result<std::vector<std::pair<std::string, int64_t>>> SqliteWorkTransaction::overdueExchanges() {
  auto st = db_.cached(Sql::kExchangesOverdue);
  std::vector<std::pair<std::string, int64_t>> out;
  int rc;
  while ((rc = st.step()) == SQLITE_ROW) out.emplace_back(st.text(0), st.int64(1));
  if (rc != SQLITE_DONE) return fail("exchanges overdue");
  return out;
}

Result<std::vector<int64_t>> SqliteWorkTransaction::exchangesProgressDueBefore(
    const std::string& date) {
  auto st = db_.cached(Sql::kExchangesProgressDueBefore);
  st.bind(1, date);
  std::vector<int64_t> out;
  int rc;
  while ((rc = st.step()) == SQLITE_ROW) out.push_back(st.int64(0));
  if (rc != SQLITE_DONE) return fail("exchanges progress due");
  return out;
}

Result<std::vector<std::pair<std::string, int64_t>>>
SqliteWorkTransaction::progressOverdueExchanges() {
  auto st = db_.cached(Sql::kExchangesProgressOverdue);
  std::vector<std::pair<std::string, int64_t>> out;
  int rc;
  while ((rc = st.step()) == SQLITE_ROW) out.emplace_back(st.text(0), st.int64(1));
  if (rc != SQLITE_DONE) return fail("exchanges progress overdue");
  return out;
}

Result<std::optional<ExchangeEventRecord>> SqliteWorkTransaction::findExchangeEvent(
    const std::string& scope, const std::string& event_id) {
  auto st = db_.cached(Sql::kFindExchangeEvent);
  st.bind(1, scope).bind(2, event_id);
  int rc = st.step();
  if (rc == SQLITE_DONE) return std::optional<ExchangeEventRecord>();
  if (rc != SQLITE_ROW) return fail("find exchange event");
  ExchangeEventRecord r;
  r.scope = scope;
  r.event_id = event_id;
  r.event_hash = st.text(0);
  r.exchange_id = st.int64(1);
  r.at = st.text(2);
  r.result.outcome =
      parseExchangeCommandOutcome(st.text(3)).value_or(ExchangeCommandOutcome::kUnavailable);
  r.result.problem = st.text(4);
  r.result.path = st.text(5);
  ExchangeRecord& e = r.result.exchange;
  e.exchange_id = r.exchange_id;
  e.ex_id = exchangeIdOf(e.exchange_id);
  e.state = parseExchangeState(st.text(6)).value_or(ExchangeState::kRequested);
  e.reason = st.opened(7, sealed::kExchangeReason);
  e.outcome = st.opened(8, sealed::kExchangeOutcome);
  e.updated_at = st.text(9);
  e.timeline_seq = st.int64(10);
  e.due = st.text(11);
  e.overdue = st.int64(12) != 0;
  e.progress_due = st.text(13);
  e.progress_overdue = st.int64(14) != 0;
  return std::optional<ExchangeEventRecord>(std::move(r));
}

Result<AccessTail> SqliteWorkTransaction::accessTail() {
  auto st = db_.cached(Sql::kAccessTail);
  int rc = st.step();
  if (rc == SQLITE_ROW) return AccessTail{st.int64(0), st.text(1)};
  if (rc != SQLITE_DONE) return fail("access tail");
  // None left: retention removed them all, and the chain goes on from its anchor.
  auto anchor = readAccessAnchor(db_);
  if (!anchor.isOk()) return anchor.status();
  if (!anchor.value()) return AccessTail{};
  return AccessTail{anchor.value()->seq, anchor.value()->chain};
}

Result<std::vector<AccessRecord>> SqliteWorkTransaction::oldestAccess(int limit) {
  // From the anchor on: a search on the key, not a scan from the table's start.
  auto anchor = readAccessAnchor(db_);
  if (!anchor.isOk()) return anchor.status();
  auto st = db_.cached(Sql::kOldestAccess);
  st.bind(1, anchor.value() ? anchor.value()->seq : int64_t{0})
      .bind(2, static_cast<int64_t>(limit));
  std::vector<AccessRecord> out;
  int rc;
  while ((rc = st.step()) == SQLITE_ROW) out.push_back(readAccessRow(st.raw()));
  if (rc != SQLITE_DONE) return fail("oldest access records");
  return out;
}

Status SqliteWorkTransaction::pruneAccess(const std::vector<AccessRecord>& records,
                                          const AccessAnchor& anchor) {
  for (const auto& r : records) {
    for (const auto& o : accessObjects(r)) {
      auto ix = db_.cached(Sql::kDeleteAccessObject);
      ix.bind(1, std::string_view(o.kind)).bind(2, o.id).bind(3, r.seq);
      if (auto s = done(ix, "access record index"); !s.isOk()) return s;
    }
    auto st = db_.cached(Sql::kDeleteAccess);
    st.bind(1, r.seq);
    if (auto s = done(st, "access record retention"); !s.isOk()) return s;
  }
  const std::string value = formatAccessAnchor(anchor);
  auto st = db_.cached(Sql::kSetAccessAnchor);
  st.bind(1, std::string_view(value));
  return done(st, "access anchor");
}

Status SqliteWorkTransaction::appendAccess(const AccessRecord& r) {
  auto st = db_.cached(Sql::kInsertAccess);
  st.bind(1, r.seq)
      .bind(2, r.at)
      .bind(3, r.token_id)
      .bind(4, r.org)
      .bind(5, r.role)
      .bind(6, r.action)
      .bind(7, r.endpoint)
      .bind(8, r.objects)
      .bind(9, r.person_keys)
      .bindSealed(10, r.purpose, sealed::kAccessPurpose)
      .bind(11, r.chain);
  if (auto s = done(st, "access record"); !s.isOk()) return s;
  // The index by item and exchange, in the record's own transaction: the two never disagree.
  for (const auto& o : accessObjects(r)) {
    auto ix = db_.cached(Sql::kInsertAccessObject);
    ix.bind(1, std::string_view(o.kind)).bind(2, o.id).bind(3, r.seq);
    if (auto s = done(ix, "access record index"); !s.isOk()) return s;
  }
  return Status::ok();
}

Status SqliteWorkTransaction::recordExchangeEvent(const ExchangeEventRecord& ev) {
  const ExchangeRecord& e = ev.result.exchange;
  auto st = db_.cached(Sql::kInsertExchangeEvent);
  st.bind(1, ev.scope)
      .bind(2, ev.event_id)
      .bind(3, ev.event_hash)
      .bind(4, ev.exchange_id)
      .bind(5, ev.at)
      .bind(6, toString(ev.result.outcome))
      .bind(7, ev.result.problem)
      .bind(8, ev.result.path);
  bindExchangeState(st, 9, e);
  if (st.step() != SQLITE_DONE) {
    if ((db_.lastErrorCode() & 0xff) == SQLITE_CONSTRAINT)
      return Status::conflict("exchange event: id already recorded");
    return fail("record exchange event");
  }
  return Status::ok();
}

Result<std::vector<std::pair<std::string, int64_t>>> SqliteWorkTransaction::exchangesByState() {
  auto st = db_.cached(Sql::kExchangeStateCounts);
  std::vector<std::pair<std::string, int64_t>> out;
  int rc;
  while ((rc = st.step()) == SQLITE_ROW) out.emplace_back(st.text(0), st.int64(1));
  if (rc != SQLITE_DONE) return fail("exchanges by state");
  return out;
}

}  // namespace xj::storage
