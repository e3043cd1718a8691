// The WorkTransaction contract (hub/core/work_transaction.h), written once and run against every
// implementation: the in-memory one the policy tests use (tests/support) and the SQLite one
// (a real file in a temp dir, the real migrations, inside the writer's kind of transaction). A
// further implementation (PostgreSQL) adds a subject below and passes the same cases.
//
// Each subject gives the port and a few reads of what it holds (history, feeds, timelines, the
// outbox), which the port itself does not offer.
#include <sqlite3.h>
#include <unistd.h>
#include <catch2/catch.hpp>

#include <atomic>
#include <filesystem>
#include <memory>
#include <string>

#include "hub/security/field_cipher.h"
#include "hub/storage/migrations.h"
#include "hub/storage/outbox_rows.h"
#include "hub/storage/sealed_columns.h"
#include "hub/storage/sqlite_db.h"
#include "hub/storage/sqlite_work_transaction.h"
#include "hub/storage/work_reader.h"
#include "tests/support/memory_work_transaction.h"
#include "tests/support/work_fixtures.h"

using namespace xj;
using xj::testing::personKey;
using xj::testing::plannedMessage;

namespace {

class MemorySubject {
 public:
  WorkTransaction& tx() { return tx_; }
  std::vector<HistoryEntry> history(int64_t item_id) { return tx_.history(item_id); }
  std::vector<QueueEvent> events(const std::string& queue) { return tx_.events(queue); }
  std::vector<ExchangeTimelineEntry> timeline(int64_t id) { return tx_.timeline(id); }
  std::vector<OutboxRecord> outbox() { return tx_.outbox(); }
  std::vector<OutboxRecord> takeEnqueued() { return tx_.takeEnqueued(); }
  int eventsAppended() { return tx_.eventsAppended(); }
  bool exchangesChanged() { return tx_.exchangesChanged(); }
  std::pair<MessageStatus, int64_t> messageStatus(int64_t hub_seq) {
    const auto* m = tx_.message(hub_seq);
    REQUIRE(m != nullptr);
    return {m->status, m->linked_item};
  }
  // The prescreen stored beside a message and where it was carried from (0: its own).
  std::optional<std::pair<PrescreenRecord, int64_t>> prescreen(int64_t hub_seq) {
    auto p = tx_.prescreen(hub_seq);
    if (!p) return std::nullopt;
    return std::make_pair(p->record, p->carried_from);
  }
  void requestReplay(int64_t id, const std::string& actor, const std::string& at) {
    tx_.requestReplay(id, actor, at);
  }

 private:
  xj::testing::MemoryWorkTransaction tx_;
};

class SqliteSubject {
 public:
  SqliteSubject() {
    static std::atomic<int> n{0};
    dir_ = std::filesystem::temp_directory_path() /
           ("xj-contract-" + std::to_string(::getpid()) + "-" + std::to_string(n++));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    auto db = storage::Db::open((dir_ / "hub.db").string(), false);
    REQUIRE(db.isOk());
    db_ = std::move(db).value();
    REQUIRE(storage::migrate(db_).isOk());
    // Personal fields are sealed as the hub stores them (one data key, in memory).
    cipher_.install({{1, xj::security::FieldCipher::newDataKey()}}, 1);
    REQUIRE(db_.setCipher(&cipher_).isOk());
    REQUIRE(db_.exec("BEGIN IMMEDIATE").isOk());
    tx_ = std::make_unique<storage::SqliteWorkTransaction>(db_);
  }
  ~SqliteSubject() {
    tx_.reset();
    (void)db_.exec("ROLLBACK");
    db_.close();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

  WorkTransaction& tx() { return *tx_; }
  std::vector<HistoryEntry> history(int64_t item_id) {
    auto st = db_.prepare(
        "SELECT at, actor, action, from_state, to_state, detail FROM item_history "
        "WHERE item_id=?1 ORDER BY id");
    st.bind(1, item_id);
    std::vector<HistoryEntry> out;
    while (st.step() == SQLITE_ROW)
      out.push_back({st.text(0), st.text(1), st.text(2), st.text(3), st.text(4),
                     st.opened(5, storage::sealed::kHistoryDetail)});
    return out;
  }
  std::vector<QueueEvent> events(const std::string& queue) {
    auto e = storage::readEvents(db_, queue, 0, 1000);
    REQUIRE(e);
    return *e;
  }
  std::vector<ExchangeTimelineEntry> timeline(int64_t id) {
    std::optional<ExchangeRecord> ex;
    std::vector<ExchangeTimelineEntry> timeline;
    std::vector<ExchangeDelivery> deliveries;
    REQUIRE(storage::readExchange(db_, id, ex, timeline, deliveries));
    return timeline;
  }
  std::vector<OutboxRecord> outbox() {
    auto rows = storage::readOutbox(db_, std::nullopt, 0, 1000);
    REQUIRE(rows);
    return *rows;
  }
  std::vector<OutboxRecord> takeEnqueued() { return tx_->takeEnqueued(); }
  int eventsAppended() { return tx_->eventsAppended(); }
  bool exchangesChanged() { return tx_->exchangesChanged(); }
  std::pair<MessageStatus, int64_t> messageStatus(int64_t hub_seq) {
    auto st = db_.prepare("SELECT status, COALESCE(linked_item, 0) FROM messages WHERE hub_seq=?1");
    st.bind(1, hub_seq);
    REQUIRE(st.step() == SQLITE_ROW);
    return {parseMessageStatus(st.text(0)).value_or(MessageStatus::kAccepted), st.int64(1)};
  }
  std::optional<std::pair<PrescreenRecord, int64_t>> prescreen(int64_t hub_seq) {
    auto st = db_.prepare(
        "SELECT category, tags, rule_set_version, decision, COALESCE(carried_from, 0) "
        "FROM prescreens WHERE hub_seq=?1");
    st.bind(1, hub_seq);
    if (st.step() != SQLITE_ROW) return std::nullopt;
    PrescreenRecord p{hub_seq, st.text(0), st.text(1), st.text(2),
                      st.opened(3, storage::sealed::kPrescreenDecision)};
    return std::make_pair(p, st.int64(4));
  }
  void requestReplay(int64_t id, const std::string& actor, const std::string& at) {
    REQUIRE(storage::requestReplay(db_, id, actor, at).isOk());
  }

 private:
  std::filesystem::path dir_;
  xj::security::FieldCipher cipher_;  // before db_: the connection uses it
  storage::Db db_;
  std::unique_ptr<storage::SqliteWorkTransaction> tx_;
};

NewItem newItem(const std::string& queue, const std::string& at, const std::string& deadline = "",
                const std::string& id_key = "", const std::string& phone_key = "") {
  NewItem n;
  n.queue = queue;
  n.item_kind = ItemKind::kCase;
  n.hub_seq = 1;
  n.kind = MessageKind::kTicket;
  n.township = "451229205";
  n.category = "dibao";
  n.urgency = "normal";
  n.deadline = deadline;
  n.id_key = id_key;
  n.phone_key = phone_key;
  n.at = at;
  return n;
}

OutboundMessage outbound(const std::string& key) {
  OutboundMessage m;
  m.partner = "charity-a";
  m.lane_key = "ex-1";
  m.kind = "exchange.status";
  m.idempotency_key = key;
  m.body_json = "{}";
  m.created_at = "2026-12-01T01:00:00Z";
  return m;
}

ExchangeRecord exchangeAbout(int64_t item_id, ExchangeDirection direction) {
  ExchangeRecord e;
  e.direction = direction;
  e.partner = "charity-a";
  e.state = ExchangeState::kRequested;
  e.township = "451229205";
  e.queue = "451229205";
  e.item_id = item_id;
  e.hub_seq = 1;
  e.need = "food";
  e.created_by = "tok";
  e.created_at = "2026-12-01T01:00:00Z";
  e.updated_at = e.created_at;
  e.timeline_seq = 1;
  return e;
}

}  // namespace

#define CONTRACT_TEST(name) \
  TEMPLATE_TEST_CASE(name, "[work_contract]", MemorySubject, SqliteSubject)

CONTRACT_TEST("a message is stored once per source and id") {
  TestType s;
  auto& tx = s.tx();
  auto first = plannedMessage(MessageKind::kTicket, "t-1", "2026-12-01T01:00:00Z");
  auto a = tx.insertMessage(first, MessageStatus::kRouted);
  REQUIRE(a.isOk());
  CHECK(a.value().hub_seq == 1);
  CHECK_FALSE(a.value().existing);
  auto b = tx.insertMessage(plannedMessage(MessageKind::kTicket, "t-2", "2026-12-01T01:00:00Z"),
                            MessageStatus::kAccepted);
  CHECK(b.value().hub_seq == 2);
  first.body_hash = "other";
  auto again = tx.insertMessage(first, MessageStatus::kAccepted);
  REQUIRE(again.isOk());
  CHECK(again.value().hub_seq == 0);
  REQUIRE(again.value().existing);
  CHECK(again.value().existing->hub_id == "xj-0000000001");
  CHECK(again.value().existing->status == "routed");
  CHECK(again.value().existing->source == "hotline");
  CHECK(again.value().existing_body_hash == "hash-t-1");
  CHECK(s.messageStatus(1).first == MessageStatus::kRouted);
  REQUIRE(tx.setMessageStatus(1, MessageStatus::kLinked, 7).isOk());
  CHECK(s.messageStatus(1) == std::make_pair(MessageStatus::kLinked, int64_t{7}));
}

CONTRACT_TEST("people are remembered once; a household description remembers them too") {
  TestType s;
  auto& tx = s.tx();
  CHECK(tx.rememberPerson(personKey('a'), 1).value());
  CHECK_FALSE(tx.rememberPerson(personKey('a'), 2).value());
  REQUIRE(tx.rememberHousehold(personKey('b'), 3).isOk());
  CHECK_FALSE(tx.rememberPerson(personKey('b'), 4).value());
}

CONTRACT_TEST("a pre-screen is stored beside its message and carried from the household") {
  TestType s;
  auto& tx = s.tx();
  REQUIRE(tx.insertPrescreen({1, "dibao", "a,b", "rules-1", "{\"x\":1}"}).isOk());
  REQUIRE(tx.rememberHousehold(personKey('a'), 1).isOk());
  REQUIRE(tx.carryPrescreen(2, personKey('a')).isOk());
  auto carried = s.prescreen(2);
  REQUIRE(carried);
  CHECK(carried->first.category == "dibao");
  CHECK(carried->first.tags == "a,b");
  CHECK(carried->first.decision_json == "{\"x\":1}");
  CHECK(carried->second == 1);
  CHECK(s.prescreen(1)->second == 0);
  // Nobody described: nothing to carry.
  REQUIRE(tx.carryPrescreen(3, personKey('c')).isOk());
  CHECK_FALSE(s.prescreen(3));
  // One pre-screen per message.
  CHECK(tx.insertPrescreen({1, "tekun", "", "rules-1", "{}"}).code() == StatusCode::kIoError);
}

CONTRACT_TEST("an item reads back as written; an update writes the mutable fields") {
  TestType s;
  auto& tx = s.tx();
  auto n = newItem("q1", "2026-12-01T01:00:00Z", "2026-12-10");
  n.deadline_provisional = true;
  n.parent_item = 9;
  const int64_t id = tx.insertItem(n).value();
  CHECK(id == 1);
  CHECK(tx.insertItem(newItem("q1", "2026-12-01T02:00:00Z")).value() == 2);
  auto item = tx.loadItem(id).value();
  REQUIRE(item);
  CHECK(item->queue == "q1");
  CHECK(item->hub_id == "xj-0000000001");
  CHECK(item->state == ItemState::kNew);
  CHECK(item->owner.empty());
  CHECK(item->deadline == "2026-12-10");
  CHECK(item->deadline_provisional);
  CHECK(item->created_at == "2026-12-01T01:00:00Z");
  CHECK(item->updated_at == item->created_at);
  CHECK(item->parent_item == 9);
  CHECK(tx.loadItem(2).value()->deadline.empty());
  CHECK_FALSE(tx.loadItem(2).value()->deadline_provisional);
  CHECK_FALSE(tx.loadItem(99).value());

  ItemRecord next = *item;
  next.state = ItemState::kClaimed;
  next.owner = "tok";
  next.queue = "q2";
  next.updated_at = "2026-12-02T00:00:00Z";
  next.overdue = true;
  next.outcome = "o";
  next.reason_code = "r";
  next.linked_messages = 3;
  next.category = "not written";
  REQUIRE(tx.updateItem(next).isOk());
  auto after = tx.loadItem(id).value();
  CHECK(after->state == ItemState::kClaimed);
  CHECK(after->owner == "tok");
  CHECK(after->queue == "q2");
  CHECK(after->overdue);
  CHECK(after->outcome == "o");
  CHECK(after->reason_code == "r");
  CHECK(after->linked_messages == 3);
  CHECK(after->category == "dibao");
  next.item_id = 99;
  CHECK(tx.updateItem(next).isOk());  // no such row: nothing changes, not an error
}

CONTRACT_TEST("the open item a key finds is the oldest open one of its kind") {
  TestType s;
  auto& tx = s.tx();
  tx.insertItem(newItem("q", "2026-12-01T01:00:00Z", "", personKey('a'), personKey('1'))).value();
  tx.insertItem(newItem("q", "2026-12-01T02:00:00Z", "", personKey('a'), personKey('2'))).value();
  auto alert = newItem("q", "2026-12-01T03:00:00Z", "", personKey('b'));
  alert.item_kind = ItemKind::kRiskAlert;
  alert.kind = MessageKind::kNotification;
  tx.insertItem(alert).value();

  auto find = [&](PersonKey type, const std::string& key, ItemKind kind, MessageKind from,
                  const std::string& since = "") {
    return tx.findOpenItem({type, key, kind, from, since}).value();
  };
  CHECK(find(PersonKey::kIdNumber, personKey('a'), ItemKind::kCase, MessageKind::kTicket) == 1);
  CHECK(find(PersonKey::kPhone, personKey('2'), ItemKind::kCase, MessageKind::kTicket) == 2);
  CHECK(find(PersonKey::kIdNumber, personKey('a'), ItemKind::kCase, MessageKind::kTicket,
             "2026-12-01T01:30:00Z") == 2);
  CHECK_FALSE(find(PersonKey::kIdNumber, personKey('b'), ItemKind::kCase, MessageKind::kTicket));
  CHECK(find(PersonKey::kIdNumber, personKey('b'), ItemKind::kRiskAlert,
             MessageKind::kNotification) == 3);
  CHECK_FALSE(find(PersonKey::kPhone, personKey('a'), ItemKind::kCase, MessageKind::kTicket));
  auto first = *tx.loadItem(1).value();
  first.state = ItemState::kResolved;
  REQUIRE(tx.updateItem(first).isOk());
  CHECK(find(PersonKey::kIdNumber, personKey('a'), ItemKind::kCase, MessageKind::kTicket) == 2);
}

CONTRACT_TEST("late items come by deadline, undated ones by age; overdue ones are counted") {
  TestType s;
  auto& tx = s.tx();
  tx.insertItem(newItem("q1", "2026-12-01T01:00:00Z", "2026-12-05")).value();  // 1
  tx.insertItem(newItem("q1", "2026-12-01T01:00:00Z", "2026-12-03")).value();  // 2
  tx.insertItem(newItem("q2", "2026-12-01T01:00:00Z", "2026-12-09")).value();  // 3: not late
  tx.insertItem(newItem("q2", "2026-11-01T01:00:00Z")).value();                // 4: undated
  tx.insertItem(newItem("q2", "2026-12-01T01:00:00Z")).value();                // 5: undated, new
  tx.insertItem(newItem("q1", "2026-12-01T01:00:00Z", "2026-12-01")).value();  // 6: resolved
  auto resolved = *tx.loadItem(6).value();
  resolved.state = ItemState::kResolved;
  REQUIRE(tx.updateItem(resolved).isOk());

  CHECK(tx.itemsDueBefore("2026-12-08").value() == std::vector<int64_t>{2, 1});
  CHECK(tx.itemsUndatedCreatedBefore("2026-11-15T00:00:00Z").value() == std::vector<int64_t>{4});
  for (int64_t id : {int64_t{1}, int64_t{2}, int64_t{4}}) {
    auto item = *tx.loadItem(id).value();
    item.overdue = true;
    REQUIRE(tx.updateItem(item).isOk());
  }
  CHECK(tx.itemsDueBefore("2026-12-08").value().empty());
  CHECK(tx.itemsUndatedCreatedBefore("2026-11-15T00:00:00Z").value().empty());
  auto counts = tx.overdueCounts().value();
  REQUIRE(counts.size() == 2);
  CHECK(counts[0].queue == "q1");
  CHECK(counts[0].count == 2);
  CHECK(counts[1].queue == "q2");
  CHECK(counts[1].count == 1);
}

CONTRACT_TEST("provisional deadlines are listed with how they were counted, and reset") {
  TestType s;
  auto& tx = s.tx();
  auto n = newItem("q", "2026-12-01T01:00:00Z", "2027-01-08");
  n.deadline_provisional = true;
  n.deadline_from = "2026-12-31";
  n.deadline_working_days = 5;
  tx.insertItem(n).value();
  tx.insertItem(newItem("q", "2026-12-01T01:00:00Z", "2027-01-09")).value();
  auto open = tx.openProvisionalDeadlines().value();
  REQUIRE(open.size() == 1);
  CHECK(open[0].item_id == 1);
  CHECK(open[0].deadline == "2027-01-08");
  CHECK(open[0].from == "2026-12-31");
  CHECK(open[0].working_days == 5);
  REQUIRE(tx.setDeadline(1, "2027-01-11", false, "2026-12-20T00:00:00Z").isOk());
  CHECK(tx.openProvisionalDeadlines().value().empty());
  auto item = tx.loadItem(1).value();
  CHECK(item->deadline == "2027-01-11");
  CHECK(item->updated_at == "2026-12-20T00:00:00Z");
}

CONTRACT_TEST("history and queue events are appended in order and counted") {
  TestType s;
  auto& tx = s.tx();
  REQUIRE(tx.appendHistory(1, {"t1", "hub", "created", "", "new", "d1"}).isOk());
  REQUIRE(tx.appendHistory(2, {"t2", "hub", "created", "", "new", "other item"}).isOk());
  REQUIRE(tx.appendHistory(1, {"t3", "tok", "claim", "new", "claimed", "d2"}).isOk());
  auto h = s.history(1);
  REQUIRE(h.size() == 2);
  CHECK(h[0].detail == "d1");
  CHECK(h[1].action == "claim");
  CHECK(h[1].to_state == "claimed");

  REQUIRE(tx.appendEvent("q1", 1, EventType::kCreated, "t1").isOk());
  REQUIRE(tx.appendEvent("q2", 2, EventType::kCreated, "t2").isOk());
  REQUIRE(tx.appendEvent("q1", 1, EventType::kClaimed, "t3").isOk());
  auto feed = s.events("q1");
  REQUIRE(feed.size() == 2);
  CHECK(feed[0].type == EventType::kCreated);
  CHECK(feed[1].type == EventType::kClaimed);
  CHECK(feed[0].seq < feed[1].seq);
  CHECK(feed[1].at == "t3");
  CHECK(s.eventsAppended() == 3);
}

CONTRACT_TEST("who an item is about comes from its message; categories are kept per person") {
  TestType s;
  auto& tx = s.tx();
  REQUIRE(tx.insertMessage(plannedMessage(MessageKind::kTicket, "t-1", "2026-12-01T01:00:00Z"),
                           MessageStatus::kRouted)
              .isOk());
  tx.insertItem(newItem("q", "2026-12-01T01:00:00Z", "", personKey('a'))).value();
  auto who = tx.itemPerson(1).value();
  CHECK(who.id_key == personKey('a'));
  CHECK(who.village == "v1");
  CHECK(who.id_number == "ID-t-1");
  CHECK(tx.itemPerson(99).value().id_key.empty());

  CHECK_FALSE(tx.personCategory(personKey('a')).value());
  REQUIRE(tx.setPersonCategory({personKey('a'), "dibao", "2026-12-02", 1, "t1"}).isOk());
  REQUIRE(tx.setPersonCategory({personKey('a'), "tekun", "2026-12-03", 2, "t2"}).isOk());
  auto c = tx.personCategory(personKey('a')).value();
  REQUIRE(c);
  CHECK(c->category == "tekun");
  CHECK(c->since == "2026-12-03");
  CHECK(c->item_id == 2);
  CHECK(c->id_key == personKey('a'));
}

CONTRACT_TEST("the outbox takes each idempotency key once and hands new rows over") {
  TestType s;
  auto& tx = s.tx();
  CHECK(tx.enqueueOutbound(outbound("ex-1-1")).value() == 1);
  CHECK(tx.enqueueOutbound(outbound("ex-1-2")).value() == 2);
  auto used = tx.enqueueOutbound(outbound("ex-1-1"));
  REQUIRE_FALSE(used.isOk());
  CHECK(used.status().code() == StatusCode::kConflict);
  auto rows = s.outbox();
  REQUIRE(rows.size() == 2);
  CHECK(rows[0].state == OutboxState::kPending);
  CHECK(rows[0].attempts == 0);
  CHECK(rows[1].message.idempotency_key == "ex-1-2");
  CHECK(rows[1].updated_at == "2026-12-01T01:00:00Z");
  auto handed = s.takeEnqueued();
  REQUIRE(handed.size() == 2);
  CHECK(handed[0].id == 1);
  CHECK(handed[1].message.kind == "exchange.status");
  CHECK(s.takeEnqueued().empty());
}

CONTRACT_TEST("attempts' outcomes change pending rows only") {
  TestType s;
  auto& tx = s.tx();
  for (const char* key : {"k1", "k2", "k3"}) tx.enqueueOutbound(outbound(key)).value();
  REQUIRE(tx.recordOutboxOutcome({1, OutboxState::kPending, 1, 5000, "http 500", "t1"}).isOk());
  REQUIRE(tx.recordOutboxOutcome({2, OutboxState::kDelivered, 1, 0, "", "t2"}).isOk());
  REQUIRE(tx.recordOutboxOutcome({3, OutboxState::kDead, 8, 0, "timeout", "t3"}).isOk());
  // Late outcomes of rows already final change nothing.
  REQUIRE(tx.recordOutboxOutcome({2, OutboxState::kDead, 9, 0, "late", "t4"}).isOk());
  REQUIRE(tx.recordOutboxOutcome({3, OutboxState::kDelivered, 9, 0, "", "t4"}).isOk());
  REQUIRE(tx.recordOutboxOutcome({42, OutboxState::kDelivered, 1, 0, "", "t4"}).isOk());
  auto rows = s.outbox();
  REQUIRE(rows.size() == 3);
  CHECK(rows[0].state == OutboxState::kPending);
  CHECK(rows[0].attempts == 1);
  CHECK(rows[0].next_attempt_ms == 5000);
  CHECK(rows[0].last_error == "http 500");
  CHECK(rows[1].state == OutboxState::kDelivered);
  CHECK(rows[1].delivered_at == "t2");
  CHECK(rows[2].state == OutboxState::kDead);
  CHECK(rows[2].attempts == 8);
  CHECK(rows[2].last_error == "timeout");
}

CONTRACT_TEST("a dead row is replayed by staff or by the CLI's request, once") {
  TestType s;
  auto& tx = s.tx();
  for (const char* key : {"k1", "k2", "k3"}) tx.enqueueOutbound(outbound(key)).value();
  REQUIRE(tx.recordOutboxOutcome({1, OutboxState::kDead, 8, 0, "timeout", "t1"}).isOk());
  REQUIRE(tx.recordOutboxOutcome({2, OutboxState::kDead, 8, 0, "timeout", "t1"}).isOk());
  s.takeEnqueued();

  CHECK(tx.replayOutbound(42, "tok", "t2").value().result == ReplayResult::kNotFound);
  CHECK(tx.replayOutbound(3, "tok", "t2").value().result == ReplayResult::kNotDead);
  CHECK(s.takeEnqueued().empty());
  auto replayed = tx.replayOutbound(1, "tok", "t2").value();
  CHECK(replayed.result == ReplayResult::kReplayed);
  REQUIRE(replayed.row);
  CHECK(replayed.row->state == OutboxState::kPending);
  CHECK(replayed.row->attempts == 0);
  CHECK(s.takeEnqueued().size() == 1);
  CHECK(tx.replayOutbound(1, "tok", "t3").value().result == ReplayResult::kNotDead);

  s.requestReplay(2, "cli", "t4");
  s.requestReplay(3, "cli", "t4");  // not dead: applied, nothing replayed
  CHECK(tx.applyRequestedReplays("t5").value() == 1);
  auto handed = s.takeEnqueued();
  REQUIRE(handed.size() == 1);
  CHECK(handed[0].id == 2);
  CHECK(handed[0].updated_at == "t5");
  CHECK(tx.applyRequestedReplays("t6").value() == 0);  // each request is applied once
  CHECK(s.outbox()[1].state == OutboxState::kPending);
}

CONTRACT_TEST("an exchange reads back as written and is found by its item") {
  TestType s;
  auto& tx = s.tx();
  auto e = exchangeAbout(5, ExchangeDirection::kOutbound);
  e.due = "2026-12-04";
  e.partner_ref = "ref";
  e.consent_json = "{\"recorded\":true}";
  CHECK_FALSE(s.exchangesChanged());
  const int64_t id = tx.insertExchange(e).value();
  CHECK(id == 1);
  CHECK(s.exchangesChanged());
  auto loaded = tx.loadExchange(id).value();
  REQUIRE(loaded);
  CHECK(loaded->ex_id == "ex-1");
  CHECK(loaded->partner == "charity-a");
  CHECK(loaded->due == "2026-12-04");
  CHECK(loaded->partner_ref == "ref");
  CHECK(loaded->consent_json == "{\"recorded\":true}");
  CHECK(loaded->timeline_seq == 1);
  CHECK_FALSE(loaded->overdue);
  CHECK(loaded->progress_due.empty());
  CHECK_FALSE(tx.loadExchange(9).value());

  tx.insertExchange(exchangeAbout(5, ExchangeDirection::kInbound)).value();   // 2
  tx.insertExchange(exchangeAbout(5, ExchangeDirection::kOutbound)).value();  // 3
  CHECK(tx.findExchangeByItem(5, ExchangeDirection::kOutbound).value() == 3);
  CHECK(tx.findExchangeByItem(5, ExchangeDirection::kInbound).value() == 2);
  CHECK_FALSE(tx.findExchangeByItem(6, ExchangeDirection::kInbound).value());

  ExchangeRecord next = *loaded;
  next.state = ExchangeState::kAccepted;
  next.reason = "r";
  next.outcome = "o";
  next.updated_at = "t2";
  next.timeline_seq = 2;
  next.due.clear();
  next.progress_due = "2026-12-10";
  next.need = "not written";
  REQUIRE(tx.updateExchange(next).isOk());
  auto after = tx.loadExchange(id).value();
  CHECK(after->state == ExchangeState::kAccepted);
  CHECK(after->reason == "r");
  CHECK(after->outcome == "o");
  CHECK(after->timeline_seq == 2);
  CHECK(after->due.empty());
  CHECK(after->progress_due == "2026-12-10");
  CHECK(after->need == "food");
}

CONTRACT_TEST("an exchange's timeline is in seq order and takes each seq once") {
  TestType s;
  auto& tx = s.tx();
  const int64_t id = tx.insertExchange(exchangeAbout(5, ExchangeDirection::kOutbound)).value();
  ExchangeTimelineEntry t{1,  "t1", "tok", ExchangeSide::kRequester, "created", "", "requested",
                          "", "",   "n1"};
  REQUIRE(tx.appendExchangeTimeline(id, t).isOk());
  t.seq = 2;
  t.event = "accept";
  t.side = ExchangeSide::kPerformer;
  t.from_state = "requested";
  t.to_state = "accepted";
  REQUIRE(tx.appendExchangeTimeline(id, t).isOk());
  auto timeline = s.timeline(id);
  REQUIRE(timeline.size() == 2);
  CHECK(timeline[0].event == "created");
  CHECK(timeline[0].note == "n1");
  CHECK(timeline[1].side == ExchangeSide::kPerformer);
  CHECK(timeline[1].to_state == "accepted");
  CHECK(tx.appendExchangeTimeline(id, t).code() == StatusCode::kIoError);
}

CONTRACT_TEST("late exchanges come by due day; exchanges are counted by state and partner") {
  TestType s;
  auto& tx = s.tx();
  auto a = exchangeAbout(1, ExchangeDirection::kOutbound);
  a.due = "2026-12-05";
  auto b = exchangeAbout(2, ExchangeDirection::kOutbound);
  b.due = "2026-12-03";
  auto c = exchangeAbout(3, ExchangeDirection::kInbound);
  c.partner = "charity-b";
  c.due = "2026-12-20";
  for (const auto& e : {a, b, c}) tx.insertExchange(e).value();
  CHECK(tx.exchangesDueBefore("2026-12-08").value() == std::vector<int64_t>{2, 1});

  auto late = *tx.loadExchange(1).value();
  late.overdue = true;
  late.state = ExchangeState::kReceived;
  REQUIRE(tx.updateExchange(late).isOk());
  CHECK(tx.exchangesDueBefore("2026-12-08").value() == std::vector<int64_t>{2});
  CHECK(tx.overdueExchanges().value() ==
        std::vector<std::pair<std::string, int64_t>>{{"charity-a", 1}});

  auto working = *tx.loadExchange(3).value();
  working.state = ExchangeState::kReceived;
  REQUIRE(tx.updateExchange(working).isOk());
  working.state = ExchangeState::kAccepted;
  working.progress_due = "2026-12-06";
  working.progress_overdue = true;
  REQUIRE(tx.updateExchange(working).isOk());
  auto other = *tx.loadExchange(2).value();
  other.progress_due = "2026-12-04";
  REQUIRE(tx.updateExchange(other).isOk());
  CHECK(tx.exchangesProgressDueBefore("2026-12-08").value() == std::vector<int64_t>{2, 3});
  CHECK(tx.exchangesProgressDueBefore("2026-12-05").value() == std::vector<int64_t>{2});
  CHECK(tx.progressOverdueExchanges().value() ==
        std::vector<std::pair<std::string, int64_t>>{{"charity-b", 1}});
  // Every state that ever had one, in name order, with what it holds now.
  CHECK(tx.exchangesByState().value() == std::vector<std::pair<std::string, int64_t>>{
                                             {"accepted", 1}, {"received", 1}, {"requested", 1}});
}

CONTRACT_TEST("an exchange event is recorded once per scope and id, with its answer") {
  TestType s;
  auto& tx = s.tx();
  CHECK_FALSE(tx.findExchangeEvent("partner:charity-a", "fb-1").value().has_value());
  ExchangeEventRecord rec;
  rec.scope = "partner:charity-a";
  rec.event_id = "fb-1";
  rec.event_hash = "hash-1";
  rec.exchange_id = 7;
  rec.at = "2026-12-07T10:00:00Z";
  rec.result.outcome = ExchangeCommandOutcome::kOk;
  ExchangeRecord& e = rec.result.exchange;
  e.exchange_id = 7;
  e.ex_id = "ex-7";
  e.partner = "charity-a";  // not kept: no event changes it
  e.state = ExchangeState::kOnHold;
  e.reason = "in hospital";
  e.updated_at = "2026-12-07T10:00:00Z";
  e.timeline_seq = 4;
  e.due = "2026-12-09";
  e.progress_due = "2026-12-20";
  e.progress_overdue = true;
  REQUIRE(tx.recordExchangeEvent(rec).isOk());

  auto found = tx.findExchangeEvent("partner:charity-a", "fb-1").value();
  REQUIRE(found.has_value());
  CHECK(found->event_hash == "hash-1");
  CHECK(found->exchange_id == 7);
  CHECK(found->at == "2026-12-07T10:00:00Z");
  CHECK(found->result.outcome == ExchangeCommandOutcome::kOk);
  CHECK_FALSE(found->result.replayed);
  const ExchangeRecord& f = found->result.exchange;
  CHECK(f.exchange_id == 7);
  CHECK(f.ex_id == "ex-7");
  CHECK(f.partner.empty());
  CHECK(f.state == ExchangeState::kOnHold);
  CHECK(f.reason == "in hospital");
  CHECK(f.outcome.empty());
  CHECK(f.updated_at == "2026-12-07T10:00:00Z");
  CHECK(f.timeline_seq == 4);
  CHECK(f.due == "2026-12-09");
  CHECK_FALSE(f.overdue);
  CHECK(f.progress_due == "2026-12-20");
  CHECK(f.progress_overdue);

  // The ids are per scope; a taken one is refused.
  CHECK_FALSE(tx.findExchangeEvent("partner:charity-b", "fb-1").value().has_value());
  CHECK(tx.recordExchangeEvent(rec).code() == StatusCode::kConflict);
  ExchangeEventRecord refused = rec;
  refused.scope = "civil_affairs:jiangnan-team";
  refused.result = {};
  refused.result.outcome = ExchangeCommandOutcome::kConflict;
  refused.result.path = "/event";
  refused.result.problem = "not from requested";
  REQUIRE(tx.recordExchangeEvent(refused).isOk());
  auto back = tx.findExchangeEvent("civil_affairs:jiangnan-team", "fb-1").value();
  REQUIRE(back.has_value());
  CHECK(back->result.outcome == ExchangeCommandOutcome::kConflict);
  CHECK(back->result.path == "/event");
  CHECK(back->result.problem == "not from requested");
}
