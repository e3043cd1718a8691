#include "hub/storage/statements.h"

#include <array>

#include "hub/storage/key_walk.h"

namespace xj::storage {

const char* const kItemColumns =
    "item_id, queue, item_kind, hub_seq, kind, township, category, urgency, state, owner, "
    "deadline, overdue, created_at, updated_at, outcome, reason_code, parent_item, "
    "linked_messages, "
    "deadline_provisional, id_key";

const char* const kOutboxColumns =
    "id, partner, lane_key, kind, idempotency_key, body, created_at, state, attempts, "
    "next_attempt_ms, last_error, updated_at, delivered_at";
const char* const kAccessColumns =
    "seq, at, token_id, org, role, action, endpoint, objects, person_keys, purpose, chain";
const char* const kExchangeColumns =
    "exchange_id, direction, partner, state, township, queue, item_id, hub_seq, need, partner_ref, "
    "reason, outcome, consent, created_by, created_at, updated_at, timeline_seq, due, overdue, "
    "progress_due, progress_overdue";

namespace {

struct Entry {
  Sql id;
  const char* name;
  const char* sql;
};

#define XJ_OUTBOX_COLUMNS                                                             \
  "id, partner, lane_key, kind, idempotency_key, body, created_at, state, attempts, " \
  "next_attempt_ms, last_error, updated_at, delivered_at"
#define XJ_EXCHANGE_COLUMNS                                                                        \
  "exchange_id, direction, partner, state, township, queue, item_id, hub_seq, need, partner_ref, " \
  "reason, outcome, consent, created_by, created_at, updated_at, timeline_seq, due, overdue, "     \
  "progress_due, progress_overdue"

#define XJ_ACCESS_COLUMNS \
  "seq, at, token_id, org, role, action, endpoint, objects, person_keys, purpose, chain"

#define XJ_ITEM_COLUMNS                                                                   \
  "item_id, queue, item_kind, hub_seq, kind, township, category, urgency, state, owner, " \
  "deadline, overdue, created_at, updated_at, outcome, reason_code, parent_item, "        \
  "linked_messages, "                                                                     \
  "deadline_provisional, id_key"

// In the order of the enum (checked below).
constexpr Entry kTable[] = {
    {Sql::kFindMessage, "find_message",
     "SELECT hub_seq, source, message_id, kind, received_at, status, body_hash FROM messages "
     "WHERE source=?1 AND message_id=?2"},
    {Sql::kInsertMessage, "insert_message",
     "INSERT INTO messages(source, message_id, kind, township, occurred_at, received_at, status, "
     "body_hash, payload, route_rule, route_version, prescreen_category) "
     "VALUES(?1,?2,?3,?4,?5,?6,?9,?7,?8,?10,?11,?12) "
     "ON CONFLICT(source, message_id) DO NOTHING"},
    {Sql::kSetMessageStatus, "set_message_status",
     "UPDATE messages SET status=?2, linked_item=?3 WHERE hub_seq=?1"},
    {Sql::kMessageBySeq, "message_by_seq",
     "SELECT hub_seq, source, message_id, kind, received_at, status, payload, township FROM "
     "messages WHERE hub_seq=?1"},
    {Sql::kMessageByKey, "message_by_key",
     "SELECT hub_seq, source, message_id, kind, received_at, status, payload, township FROM "
     "messages WHERE source=?1 AND message_id=?2"},
    {Sql::kInsertPrescreen, "insert_prescreen",
     "INSERT INTO prescreens(hub_seq, category, tags, rule_set_version, decision) "
     "VALUES(?1,?2,?3,?4,?5)"},
    // A person first named in a household description is remembered by it.
    {Sql::kRememberHousehold, "remember_household",
     "INSERT INTO persons(id_key, first_hub_seq, household_seq) VALUES(?1,?2,?2) "
     "ON CONFLICT(id_key) DO UPDATE SET household_seq=excluded.household_seq"},
    {Sql::kCarryPrescreen, "carry_prescreen",
     "INSERT INTO prescreens(hub_seq, category, tags, rule_set_version, decision, carried_from) "
     "SELECT ?1, category, tags, rule_set_version, decision, ph.household_seq FROM persons ph "
     "JOIN prescreens p ON p.hub_seq = ph.household_seq WHERE ph.id_key=?2"},
    {Sql::kRememberPerson, "remember_person",
     "INSERT OR IGNORE INTO persons(id_key, first_hub_seq) VALUES(?1,?2)"},
    // The partial indexes items_open_id / items_open_phone need their WHERE terms verbatim;
    // `created_at >= ''` holds for every row, so an empty ?4 means "any time".
    {Sql::kFindOpenItemById, "find_open_item_by_id",
     "SELECT item_id FROM items WHERE id_key=?1 AND state != 'resolved' AND id_key != '' "
     "AND item_kind=?2 AND kind=?3 AND created_at >= ?4 ORDER BY item_id LIMIT 1"},
    {Sql::kFindOpenItemByPhone, "find_open_item_by_phone",
     "SELECT item_id FROM items WHERE phone_key=?1 AND state != 'resolved' AND phone_key != '' "
     "AND item_kind=?2 AND kind=?3 AND created_at >= ?4 ORDER BY item_id LIMIT 1"},
    {Sql::kInsertItem, "insert_item",
     "INSERT INTO items(queue, item_kind, hub_seq, kind, township, category, urgency, state, "
     "deadline, phone_key, id_key, created_at, updated_at, parent_item, deadline_provisional, "
     "deadline_from, deadline_working_days) "
     "VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?12,?13,?14,?15,?16)"},
    {Sql::kLoadItem, "load_item", "SELECT " XJ_ITEM_COLUMNS " FROM items WHERE item_id=?1"},
    {Sql::kItemInQueue, "item_in_queue",
     "SELECT " XJ_ITEM_COLUMNS " FROM items WHERE item_id=?1 AND queue=?2"},
    {Sql::kUpdateItem, "update_item",
     "UPDATE items SET state=?2, owner=?3, queue=?4, updated_at=?5, overdue=?6, outcome=?7, "
     "reason_code=?8, linked_messages=?9 WHERE item_id=?1"},
    {Sql::kItemsDueBefore, "items_due_before",
     "SELECT item_id FROM items WHERE state != 'resolved' AND overdue = 0 AND "
     "deadline IS NOT NULL AND deadline < ?1 ORDER BY deadline, item_id"},
    {Sql::kItemsUndatedCreatedBefore, "items_undated_created_before",
     "SELECT item_id FROM items WHERE state != 'resolved' AND overdue = 0 AND "
     "deadline IS NULL AND created_at < ?1 ORDER BY item_id"},
    {Sql::kOverdueCounts, "overdue_counts",
     "SELECT queue, township, count(*) FROM items WHERE overdue = 1 AND state != 'resolved' "
     "GROUP BY queue, township"},
    {Sql::kQueueCounts, "queue_counts",
     "SELECT queue, state, count(*), sum(overdue) FROM items WHERE state != 'resolved' "
     "GROUP BY queue, state"},
    {Sql::kOpenProvisional, "open_provisional",
     "SELECT item_id, queue, state, deadline, deadline_from, deadline_working_days FROM items "
     "WHERE deadline_provisional = 1 AND state != 'resolved' ORDER BY item_id"},
    {Sql::kSetDeadline, "set_deadline",
     "UPDATE items SET deadline=?2, deadline_provisional=?3, updated_at=?4 WHERE item_id=?1"},
    {Sql::kInsertHistory, "insert_history",
     "INSERT INTO item_history(item_id, at, actor, action, from_state, to_state, detail) "
     "VALUES(?1,?2,?3,?4,?5,?6,?7)"},
    {Sql::kItemHistory, "item_history",
     "SELECT at, actor, action, from_state, to_state, detail FROM item_history WHERE item_id=?1 "
     "ORDER BY id"},
    {Sql::kInsertEvent, "insert_event",
     "INSERT INTO queue_events(queue, item_id, type, at) VALUES(?1,?2,?3,?4)"},
    {Sql::kEvents, "events",
     "SELECT seq, queue, item_id, type, at FROM queue_events WHERE queue=?1 AND seq > ?2 "
     "ORDER BY seq LIMIT ?3"},
    // The outbox. The partial index outbox_pending needs `state = 'pending'` verbatim; each
    // state change is guarded by the state it leaves, so a late outcome cannot undo a replay.
    {Sql::kInsertOutbound, "insert_outbound",
     "INSERT INTO outbox(partner, lane_key, kind, idempotency_key, body, created_at, state, "
     "updated_at) VALUES(?1,?2,?3,?4,?5,?6,'pending',?6)"},
    {Sql::kOutboxPending, "outbox_pending",
     "SELECT " XJ_OUTBOX_COLUMNS " FROM outbox WHERE state = 'pending' AND id > ?1 "
     "ORDER BY id LIMIT ?2"},
    {Sql::kOutboxByState, "outbox_by_state",
     "SELECT " XJ_OUTBOX_COLUMNS " FROM outbox WHERE state=?1 AND id > ?2 ORDER BY id LIMIT ?3"},
    {Sql::kOutboxAfter, "outbox_after",
     "SELECT " XJ_OUTBOX_COLUMNS " FROM outbox WHERE id > ?1 ORDER BY id LIMIT ?2"},
    {Sql::kOutboxById, "outbox_by_id", "SELECT " XJ_OUTBOX_COLUMNS " FROM outbox WHERE id=?1"},
    {Sql::kOutboxDelivered, "outbox_delivered",
     "UPDATE outbox SET state='delivered', attempts=?2, last_error='', delivered_at=?3, "
     "updated_at=?3 WHERE id=?1 AND state='pending'"},
    {Sql::kOutboxRetry, "outbox_retry",
     "UPDATE outbox SET attempts=?2, next_attempt_ms=?3, last_error=?4, updated_at=?5 "
     "WHERE id=?1 AND state='pending'"},
    {Sql::kOutboxDead, "outbox_dead",
     "UPDATE outbox SET state='dead', attempts=?2, last_error=?3, updated_at=?4 "
     "WHERE id=?1 AND state='pending'"},
    {Sql::kOutboxReplay, "outbox_replay",
     "UPDATE outbox SET state='pending', attempts=0, next_attempt_ms=0, updated_at=?2 "
     "WHERE id=?1 AND state='dead'"},
    // Counted on the (partner, id) index alone; the caller then reads each partner's oldest row
    // (ids grow with commit time, so the lowest pending id is the oldest): ~10x faster than
    // reading created_at from every pending row when many are pending.
    {Sql::kOutboxPendingDepth, "outbox_pending_depth",
     "SELECT partner, count(*), min(id) FROM outbox WHERE state = 'pending' GROUP BY partner"},
    {Sql::kInsertReplay, "insert_replay",
     "INSERT INTO outbox_replays(outbox_id, actor, requested_at, applied_at, result) "
     "VALUES(?1,?2,?3,?4,?5)"},
    {Sql::kUnappliedReplays, "unapplied_replays",
     "SELECT seq, outbox_id, actor FROM outbox_replays WHERE applied_at IS NULL ORDER BY seq "
     "LIMIT ?1"},
    {Sql::kMarkReplayApplied, "mark_replay_applied",
     "UPDATE outbox_replays SET applied_at=?2, result=?3 WHERE seq=?1"},
    {Sql::kInsertExchange, "insert_exchange",
     "INSERT INTO exchanges(direction, partner, state, township, queue, item_id, hub_seq, need, "
     "partner_ref, reason, outcome, consent, created_by, created_at, updated_at, timeline_seq, "
     "due) VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?16,?9,?10,?11,?12,?13,?13,?14,?15)"},
    {Sql::kLoadExchange, "load_exchange",
     "SELECT " XJ_EXCHANGE_COLUMNS " FROM exchanges WHERE exchange_id=?1"},
    {Sql::kUpdateExchange, "update_exchange",
     "UPDATE exchanges SET state=?2, reason=?3, outcome=?4, updated_at=?5, timeline_seq=?6, "
     "due=?7, overdue=?8, progress_due=?9, progress_overdue=?10 WHERE exchange_id=?1"},
    {Sql::kExchangeByItem, "exchange_by_item",
     "SELECT exchange_id FROM exchanges WHERE item_id=?1 AND direction=?2 "
     "ORDER BY exchange_id DESC LIMIT 1"},
    {Sql::kInsertExchangeTimeline, "insert_exchange_timeline",
     "INSERT INTO exchange_timeline(exchange_id, seq, at, actor, side, event, from_state, "
     "to_state, reason, outcome, note, actor_name) VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12)"},
    {Sql::kExchangeTimeline, "exchange_timeline",
     "SELECT seq, at, actor, side, event, from_state, to_state, reason, outcome, note, actor_name "
     "FROM exchange_timeline WHERE exchange_id=?1 ORDER BY seq"},
    {Sql::kExchangeDeliveries, "exchange_deliveries",
     "SELECT id, kind, state, attempts, last_error, created_at, updated_at, "
     "COALESCE(delivered_at, '') FROM outbox WHERE lane_key=?1 AND partner=?2 ORDER BY id "
     "LIMIT 200"},
    {Sql::kExchangesByPartner, "exchanges_by_partner",
     "SELECT " XJ_EXCHANGE_COLUMNS " FROM exchanges WHERE partner=?1 AND exchange_id > ?2 "
     "ORDER BY exchange_id LIMIT ?3"},
    {Sql::kExchangesByTownship, "exchanges_by_township",
     "SELECT " XJ_EXCHANGE_COLUMNS " FROM exchanges WHERE township=?1 AND exchange_id > ?2 "
     "ORDER BY exchange_id LIMIT ?3"},
    {Sql::kExchangesAll, "exchanges_all",
     "SELECT " XJ_EXCHANGE_COLUMNS " FROM exchanges WHERE exchange_id > ?1 "
     "ORDER BY exchange_id LIMIT ?2"},
    // The partial indexes exchanges_due / exchanges_overdue need their WHERE terms verbatim.
    {Sql::kExchangesDueBefore, "exchanges_due_before",
     "SELECT exchange_id FROM exchanges WHERE due != '' AND overdue = 0 AND due < ?1 "
     "ORDER BY due, exchange_id"},
    {Sql::kExchangesOverdue, "exchanges_overdue",
     "SELECT partner, count(*) FROM exchanges WHERE overdue = 1 GROUP BY partner"},
    {Sql::kExchangeReport, "exchange_report",
     "SELECT e.direction, e.partner, e.township, e.state, e.reason, e.created_at, "
     "(SELECT min(t.at) FROM exchange_timeline t WHERE t.exchange_id = e.exchange_id AND "
     "t.event = 'accept') FROM exchanges e WHERE e.created_at >= ?1 AND e.created_at < ?2 "
     "ORDER BY e.created_at"},
    {Sql::kExchangeStateCounts, "exchange_state_counts",
     "SELECT state, n FROM exchange_state_counts ORDER BY state"},
    // The repeat-caller hint runs the linking rule's lookups (kFindOpenItemBy*) as lists.
    {Sql::kOpenItemsById, "open_items_by_id",
     "SELECT " XJ_ITEM_COLUMNS " FROM items WHERE id_key=?1 AND state != 'resolved' AND "
     "id_key != '' AND item_kind=?2 AND kind=?3 AND created_at >= ?4 ORDER BY item_id LIMIT ?5"},
    {Sql::kOpenItemsByPhone, "open_items_by_phone",
     "SELECT " XJ_ITEM_COLUMNS " FROM items WHERE phone_key=?1 AND state != 'resolved' AND "
     "phone_key != '' AND item_kind=?2 AND kind=?3 AND created_at >= ?4 ORDER BY item_id LIMIT ?5"},
    {Sql::kMessagesBySource, "messages_by_source",
     "SELECT hub_seq, message_id, kind, received_at, status, linked_item FROM messages "
     "WHERE source=?1 AND hub_seq < ?2 ORDER BY hub_seq DESC LIMIT ?3"},
    {Sql::kFirstItemOfMessage, "first_item_of_message",
     "SELECT " XJ_ITEM_COLUMNS " FROM items WHERE hub_seq=?1 ORDER BY item_id LIMIT 1"},
    {Sql::kPersonsOfMessage, "persons_of_message",
     "SELECT DISTINCT id_key FROM items WHERE hub_seq=?1 AND id_key != ''"},
    {Sql::kPrescreenBySeq, "prescreen_by_seq",
     "SELECT category, tags, rule_set_version, decision, carried_from FROM prescreens "
     "WHERE hub_seq=?1"},
    {Sql::kExchangesOfItem, "exchanges_of_item",
     "SELECT " XJ_EXCHANGE_COLUMNS " FROM exchanges WHERE item_id=?1 ORDER BY exchange_id"},
    // First contact: the first claim, progress or note by staff; decision: the first resolve.
    {Sql::kTownshipReport, "township_report",
     "SELECT i.township, i.item_kind, i.state, i.overdue, i.created_at, "
     "(SELECT min(h.at) FROM item_history h WHERE h.item_id = i.item_id AND "
     "h.action IN ('claim', 'progress', 'note')), "
     "(SELECT min(h.at) FROM item_history h WHERE h.item_id = i.item_id AND h.action = 'resolve') "
     "FROM items i WHERE i.created_at >= ?1 AND i.created_at < ?2 ORDER BY i.created_at"},
    // The subject's village and ID number are read from the stored message (JSON1 over the
    // opened payload: xj_open, sqlite_db.h), so that the upload carries them without a second
    // round trip through an adapter.
    {Sql::kItemPerson, "item_person",
     "SELECT i.id_key, json_extract(xj_open(m.payload, 'message.payload'), '$.subject.village'), "
     "json_extract(xj_open(m.payload, 'message.payload'), '$.subject.id_number') FROM items i "
     "JOIN messages m ON "
     "m.hub_seq = i.hub_seq WHERE i.item_id=?1"},
    {Sql::kPersonCategory, "person_category",
     "SELECT id_key, category, since, item_id, updated_at FROM person_categories WHERE id_key=?1"},
    {Sql::kSetPersonCategory, "set_person_category",
     "INSERT INTO person_categories(id_key, category, since, item_id, updated_at) "
     "VALUES(?1,?2,?3,?4,?5) ON CONFLICT(id_key) DO UPDATE SET category=excluded.category, "
     "since=excluded.since, item_id=excluded.item_id, updated_at=excluded.updated_at"},
    // The partial indexes exchanges_progress_due / _overdue need their WHERE terms verbatim.
    {Sql::kExchangesProgressDueBefore, "exchanges_progress_due_before",
     "SELECT exchange_id FROM exchanges WHERE progress_due != '' AND progress_due < ?1 "
     "ORDER BY progress_due, exchange_id"},
    {Sql::kExchangesProgressOverdue, "exchanges_progress_overdue",
     "SELECT partner, count(*) FROM exchanges WHERE progress_overdue = 1 GROUP BY partner"},
    {Sql::kOutboxPendingOfPartner, "outbox_pending_of_partner",
     "SELECT " XJ_OUTBOX_COLUMNS " FROM outbox WHERE partner=?1 AND state = 'pending' AND "
     "id > ?2 ORDER BY id LIMIT ?3"},
    {Sql::kFindExchangeEvent, "find_exchange_event",
     "SELECT event_hash, exchange_id, at, outcome, problem, path, state, reason, ex_outcome, "
     "updated_at, timeline_seq, due, overdue, progress_due, progress_overdue FROM exchange_events "
     "WHERE scope=?1 AND event_id=?2"},
    {Sql::kInsertExchangeEvent, "insert_exchange_event",
     "INSERT INTO exchange_events(scope, event_id, event_hash, exchange_id, at, outcome, problem, "
     "path, state, reason, ex_outcome, updated_at, timeline_seq, due, overdue, progress_due, "
     "progress_overdue) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, "
     "?16, ?17)"},
    {Sql::kAccessTail, "access_tail",
     "SELECT seq, chain FROM access_log WHERE seq = (SELECT max(seq) FROM access_log)"},
    {Sql::kInsertAccess, "insert_access",
     "INSERT INTO access_log(seq, at, token_id, org, role, action, endpoint, objects, "
     "person_keys, purpose, chain) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)"},
    {Sql::kInsertAccessObject, "insert_access_object",
     "INSERT OR IGNORE INTO access_objects(kind, object_id, seq) VALUES (?1, ?2, ?3)"},
    {Sql::kAccessOfObject, "access_of_object",
     "SELECT " XJ_ACCESS_COLUMNS " FROM access_log WHERE seq IN (SELECT seq FROM access_objects "
     "WHERE kind=?1 AND object_id=?2 AND seq < ?3 ORDER BY seq DESC LIMIT ?4) ORDER BY seq DESC"},
    {Sql::kOldestAccess, "oldest_access",
     "SELECT " XJ_ACCESS_COLUMNS " FROM access_log WHERE seq > ?1 ORDER BY seq LIMIT ?2"},
    {Sql::kDeleteAccess, "delete_access", "DELETE FROM access_log WHERE seq=?1"},
    {Sql::kDeleteAccessObject, "delete_access_object",
     "DELETE FROM access_objects WHERE kind=?1 AND object_id=?2 AND seq=?3"},
    {Sql::kAccessAnchor, "access_anchor", "SELECT value FROM hub_meta WHERE name='access_anchor'"},
    {Sql::kSetAccessAnchor, "set_access_anchor",
     "INSERT INTO hub_meta(name, value) VALUES ('access_anchor', ?1) "
     "ON CONFLICT(name) DO UPDATE SET value=excluded.value"},
};
#undef XJ_ACCESS_COLUMNS
#undef XJ_ITEM_COLUMNS
#undef XJ_OUTBOX_COLUMNS
#undef XJ_EXCHANGE_COLUMNS

constexpr bool inOrder() {
  for (size_t i = 0; i < std::size(kTable); ++i)
    if (static_cast<size_t>(kTable[i].id) != i) return false;
  return std::size(kTable) == static_cast<size_t>(Sql::kCount);
}
static_assert(inOrder(), "kTable must list every Sql id once, in enum order");

}  // namespace

std::string_view sqlText(Sql id) { return kTable[static_cast<size_t>(id)].sql; }
std::string_view sqlName(Sql id) { return kTable[static_cast<size_t>(id)].name; }

std::string itemListSql(const ItemListFilters& f) {
  std::string sql =
      std::string("SELECT ") + kItemColumns + " FROM items WHERE queue=?1 AND item_id > ?2";
  // The partial index items_open_queue needs its WHERE term verbatim.
  if (f.state) sql += f.open_state ? " AND state=?3 AND state != 'resolved'" : " AND state=?3";
  if (f.overdue) sql += " AND overdue=?4";
  if (f.category) sql += " AND category=?5";
  if (f.township) sql += " AND township=?6";
  if (f.text)
    sql +=
        " AND hub_seq IN (SELECT hub_seq FROM messages m WHERE m.hub_seq=items.hub_seq AND "
        "instr(xj_open(m.payload, 'message.payload'), ?7) > 0)";
  sql += " ORDER BY item_id LIMIT ?8";
  return sql;
}

std::vector<NamedSql> allStatements() {
  std::vector<NamedSql> out;
  for (const auto& e : kTable) out.push_back({e.name, e.sql});
  for (unsigned bits = 0; bits < 64; ++bits) {
    ItemListFilters f{(bits & 1) != 0, (bits & 32) != 0, (bits & 2) != 0,
                      (bits & 4) != 0, (bits & 8) != 0,  (bits & 16) != 0};
    if (f.open_state && !f.state) continue;
    out.push_back({"item_list/" + std::to_string(bits), itemListSql(f)});
  }
  for (auto& [name, sql] : keyWalkStatements()) out.push_back({name, sql});
  return out;
}

}  // namespace xj::storage
