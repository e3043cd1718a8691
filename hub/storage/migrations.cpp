#include "hub/storage/migrations.h"

#include <algorithm>
#include <string>
#include <vector>

#include "hub/storage/person_key_column.h"

namespace xj::storage {
namespace {

// Append only: never edit a migration that has shipped.
const std::vector<const char*> kMigrations = {
    // 1: inbound messages (idempotency key = source + message_id) and API tokens.
    R"sql(
CREATE TABLE messages (
  hub_seq     INTEGER PRIMARY KEY,
  source      TEXT NOT NULL,
  message_id  TEXT NOT NULL,
  kind        TEXT NOT NULL,
  township    TEXT NOT NULL,
  occurred_at TEXT NOT NULL,
  received_at TEXT NOT NULL,
  status      TEXT NOT NULL,
  body_hash   TEXT NOT NULL,
  payload     TEXT NOT NULL,
  UNIQUE (source, message_id)
);
CREATE TABLE tokens (
  token_id    TEXT PRIMARY KEY,
  org         TEXT NOT NULL,
  role        TEXT NOT NULL,
  townships   TEXT NOT NULL,
  secret_hash TEXT NOT NULL,
  created_at  TEXT NOT NULL,
  revoked_at  TEXT
);
)sql",
    // 2: routing, pre-screen, queues, items with their history, and per-queue event feeds.
    R"sql(
ALTER TABLE messages ADD COLUMN route_rule TEXT;
ALTER TABLE messages ADD COLUMN route_version TEXT;
ALTER TABLE messages ADD COLUMN prescreen_category TEXT;
ALTER TABLE messages ADD COLUMN linked_item INTEGER;
CREATE TABLE prescreens (
  hub_seq          INTEGER PRIMARY KEY,
  category         TEXT NOT NULL,
  tags             TEXT NOT NULL,
  rule_set_version TEXT NOT NULL,
  decision         TEXT NOT NULL
);
CREATE TABLE persons (
  id_key        TEXT PRIMARY KEY,
  first_hub_seq INTEGER NOT NULL
);
CREATE TABLE items (
  item_id         INTEGER PRIMARY KEY,
  queue           TEXT NOT NULL,
  item_kind       TEXT NOT NULL,
  hub_seq         INTEGER NOT NULL,
  kind            TEXT NOT NULL,
  township        TEXT NOT NULL,
  category        TEXT NOT NULL,
  urgency         TEXT NOT NULL DEFAULT '',
  state           TEXT NOT NULL,
  owner           TEXT NOT NULL DEFAULT '',
  deadline        TEXT,
  overdue         INTEGER NOT NULL DEFAULT 0,
  phone_key       TEXT NOT NULL DEFAULT '',
  id_key          TEXT NOT NULL DEFAULT '',
  created_at      TEXT NOT NULL,
  updated_at      TEXT NOT NULL,
  outcome         TEXT NOT NULL DEFAULT '',
  reason_code     TEXT NOT NULL DEFAULT '',
  parent_item     INTEGER NOT NULL DEFAULT 0,
  linked_messages INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX items_queue_state ON items(queue, state, item_id);
CREATE INDEX items_queue ON items(queue, item_id);
CREATE INDEX items_open_phone ON items(phone_key) WHERE state != 'resolved' AND phone_key != '';
CREATE INDEX items_open_id ON items(id_key) WHERE state != 'resolved' AND id_key != '';
CREATE INDEX items_due ON items(deadline) WHERE state != 'resolved' AND overdue = 0;
CREATE TABLE item_history (
  id         INTEGER PRIMARY KEY,
  item_id    INTEGER NOT NULL,
  at         TEXT NOT NULL,
  actor      TEXT NOT NULL,
  action     TEXT NOT NULL,
  from_state TEXT NOT NULL,
  to_state   TEXT NOT NULL,
  detail     TEXT NOT NULL DEFAULT ''
);
CREATE INDEX item_history_item ON item_history(item_id, id);
CREATE TABLE queue_events (
  seq     INTEGER PRIMARY KEY,
  queue   TEXT NOT NULL,
  item_id INTEGER NOT NULL,
  type    TEXT NOT NULL,
  at      TEXT NOT NULL
);
CREATE INDEX queue_events_queue ON queue_events(queue, seq);
)sql",
    // 3: the latest household description that names each person, so that a later notification
    // about them carries that pre-screen decision.
    R"sql(
CREATE TABLE person_households (
  id_key  TEXT PRIMARY KEY,
  hub_seq INTEGER NOT NULL
);
ALTER TABLE prescreens ADD COLUMN carried_from INTEGER;
)sql",
    // 4: the staff counts read open items only (partial indexes), never the whole history.
    R"sql(
CREATE INDEX items_open_state ON items(queue, state, overdue) WHERE state != 'resolved';
CREATE INDEX items_overdue ON items(queue, township) WHERE overdue = 1 AND state != 'resolved';
)sql",
    // 5: facts about the database itself, e.g. which key made its person keys (not the key).
    R"sql(
CREATE TABLE hub_meta (
  name  TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
)sql",
    // 6: the outbox: messages leaving the hub, written in the transaction of the change causing
    // them, then delivered in order per (partner, lane_key); every row ends delivered or dead.
    R"sql(
CREATE TABLE outbox (
  id              INTEGER PRIMARY KEY,
  partner         TEXT NOT NULL,
  lane_key        TEXT NOT NULL,
  kind            TEXT NOT NULL,
  idempotency_key TEXT NOT NULL UNIQUE,
  body            TEXT NOT NULL,
  created_at      TEXT NOT NULL,
  state           TEXT NOT NULL DEFAULT 'pending',
  attempts        INTEGER NOT NULL DEFAULT 0,
  next_attempt_ms INTEGER NOT NULL DEFAULT 0,
  last_error      TEXT NOT NULL DEFAULT '',
  updated_at      TEXT NOT NULL,
  delivered_at    TEXT
);
CREATE INDEX outbox_pending ON outbox(id) WHERE state = 'pending';
CREATE INDEX outbox_state ON outbox(state, id);
)sql",
    // 7: provisional deadlines (counted in a year without its holiday notice) and how each
    // deadline was counted, so that loading the notice recounts the open ones.
    R"sql(
ALTER TABLE items ADD COLUMN deadline_provisional INTEGER NOT NULL DEFAULT 0;
ALTER TABLE items ADD COLUMN deadline_from TEXT;
ALTER TABLE items ADD COLUMN deadline_working_days INTEGER NOT NULL DEFAULT 0;
CREATE INDEX items_provisional ON items(item_id) WHERE deadline_provisional = 1 AND state != 'resolved';
)sql",
    // 8: every replay of a dead letter (who, when, what came of it). `xianjie outbox replay`
    // writes a request here (applied_at NULL) that the running hub applies within seconds.
    R"sql(
CREATE TABLE outbox_replays (
  seq          INTEGER PRIMARY KEY,
  outbox_id    INTEGER NOT NULL,
  actor        TEXT NOT NULL,
  requested_at TEXT NOT NULL,
  applied_at   TEXT,
  result       TEXT NOT NULL DEFAULT ''
);
CREATE INDEX outbox_replays_unapplied ON outbox_replays(seq) WHERE applied_at IS NULL;
)sql",
    // 9: exchanges (referrals out to partners and cases in from them) and their
    // timelines. Looked up by partner (a charity's own list), by township (staff), by the item
    // they belong to (a staff resolution moves the inbound exchange).
    R"sql(
CREATE TABLE exchanges (
  exchange_id  INTEGER PRIMARY KEY,
  direction    TEXT NOT NULL,
  partner      TEXT NOT NULL,
  state        TEXT NOT NULL,
  township     TEXT NOT NULL,
  queue        TEXT NOT NULL,
  item_id      INTEGER NOT NULL,
  hub_seq      INTEGER NOT NULL,
  need         TEXT NOT NULL DEFAULT '',
  partner_ref  TEXT NOT NULL DEFAULT '',
  reason       TEXT NOT NULL DEFAULT '',
  outcome      TEXT NOT NULL DEFAULT '',
  consent      TEXT NOT NULL DEFAULT '',
  created_by   TEXT NOT NULL,
  created_at   TEXT NOT NULL,
  updated_at   TEXT NOT NULL,
  timeline_seq INTEGER NOT NULL DEFAULT 0,
  due          TEXT NOT NULL DEFAULT '',
  overdue      INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX exchanges_partner ON exchanges(partner, exchange_id);
CREATE INDEX exchanges_township ON exchanges(township, exchange_id);
CREATE INDEX exchanges_item ON exchanges(item_id, exchange_id);
CREATE INDEX exchanges_due ON exchanges(due) WHERE due != '' AND overdue = 0;
CREATE INDEX exchanges_overdue ON exchanges(partner) WHERE overdue = 1;
CREATE INDEX exchanges_created ON exchanges(created_at);
-- Exchanges by state, for /metrics, kept by the database itself (at most one row per state).
CREATE TABLE exchange_state_counts (
  state TEXT PRIMARY KEY,
  n     INTEGER NOT NULL
);
CREATE TRIGGER exchanges_count_insert AFTER INSERT ON exchanges BEGIN
  INSERT INTO exchange_state_counts(state, n) VALUES(NEW.state, 1)
    ON CONFLICT(state) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER exchanges_count_update AFTER UPDATE OF state ON exchanges
WHEN OLD.state != NEW.state BEGIN
  UPDATE exchange_state_counts SET n = n - 1 WHERE state = OLD.state;
  INSERT INTO exchange_state_counts(state, n) VALUES(NEW.state, 1)
    ON CONFLICT(state) DO UPDATE SET n = n + 1;
END;
CREATE TABLE exchange_timeline (
  id          INTEGER PRIMARY KEY,
  exchange_id INTEGER NOT NULL,
  seq         INTEGER NOT NULL,
  at          TEXT NOT NULL,
  actor       TEXT NOT NULL,
  side        TEXT NOT NULL,
  event       TEXT NOT NULL,
  from_state  TEXT NOT NULL,
  to_state    TEXT NOT NULL,
  reason      TEXT NOT NULL DEFAULT '',
  outcome     TEXT NOT NULL DEFAULT '',
  note        TEXT NOT NULL DEFAULT '',
  UNIQUE (exchange_id, seq)
);
)sql",
    // 10: the console's reads: an organisation's recent messages newest first, the
    // items a message became, the items created in a period (the township report).
    R"sql(
CREATE INDEX messages_source_seq ON messages(source, hub_seq);
CREATE INDEX items_hub_seq ON items(hub_seq, item_id);
CREATE INDEX items_created ON items(created_at);
)sql",
    // 11: each identified person's category as civil affairs' resolutions last established it
    // (dibao, tekun, dibao_edge, rigid_expense, or none once removed), by person key: the
    // "previous category" of the designated platform's upload.
    R"sql(
CREATE TABLE person_categories (
  id_key     TEXT PRIMARY KEY,
  category   TEXT NOT NULL,
  since      TEXT NOT NULL,
  item_id    INTEGER NOT NULL,
  updated_at TEXT NOT NULL
);
)sql",
    // 12: a partner's progress reports: the day the next one is due while it
    // works on an exchange, and whether it was escalated for none.
    R"sql(
ALTER TABLE exchanges ADD COLUMN progress_due TEXT NOT NULL DEFAULT '';
ALTER TABLE exchanges ADD COLUMN progress_overdue INTEGER NOT NULL DEFAULT 0;
CREATE INDEX exchanges_progress_due ON exchanges(progress_due) WHERE progress_due != '';
CREATE INDEX exchanges_progress_overdue ON exchanges(partner) WHERE progress_overdue = 1;
)sql",
    // 13: one partner's pending rows in id order: the delivery thread holds a bounded number in
    // memory and reads the rest back from here as they drain.
    R"sql(
CREATE INDEX outbox_partner_pending ON outbox(partner, id) WHERE state = 'pending';
)sql",
    // 14: the deliveries of one exchange (its lane), for GET /v1/exchanges/{id} and the console.
    R"sql(
CREATE INDEX outbox_lane ON outbox(lane_key, id);
)sql",
    // 15: one index of open items by queue and state instead of two (every
    // index on items costs each new item a B-tree insert and its commit a dirtied page per
    // queue). It serves the queue counts (covering: overdue is in it) and the staff list filtered
    // by an open state; a list of resolved items walks items_queue, where they are the majority.
    R"sql(
DROP INDEX items_queue_state;
DROP INDEX items_open_state;
CREATE INDEX items_open_queue ON items(queue, state, item_id, overdue) WHERE state != 'resolved';
)sql",
    // 16: person keys stored as their 32 bytes, not 64 hex characters (xj_person_key,
    // hub/storage/person_key_column.h), and one row per person: persons, keyed by the key alone
    // (WITHOUT ROWID: no second B-tree for the rowid), takes in person_households as
    // household_seq. Each message's random inserts into these indexes are half the size, and a
    // household's members get one row each instead of two
    // (fewer B-tree inserts per message).
    R"sql(
CREATE TABLE persons_by_key (
  id_key        BLOB PRIMARY KEY,
  first_hub_seq INTEGER NOT NULL,
  household_seq INTEGER
) WITHOUT ROWID;
INSERT INTO persons_by_key(id_key, first_hub_seq, household_seq)
  SELECT xj_person_key(p.id_key), p.first_hub_seq, h.hub_seq
  FROM persons p LEFT JOIN person_households h ON h.id_key = p.id_key;
INSERT INTO persons_by_key(id_key, first_hub_seq, household_seq)
  SELECT xj_person_key(h.id_key), h.hub_seq, h.hub_seq FROM person_households h
  WHERE h.id_key NOT IN (SELECT id_key FROM persons);
DROP TABLE persons;
DROP TABLE person_households;
ALTER TABLE persons_by_key RENAME TO persons;
UPDATE items SET id_key = xj_person_key(id_key) WHERE id_key != '';
UPDATE items SET phone_key = xj_person_key(phone_key) WHERE phone_key != '';
UPDATE person_categories SET id_key = xj_person_key(id_key);
)sql",
    // 17: exchange events named by their sender's event id, with the answer each got, so that a
    // resend (MQTT publishers resend until they hold a receipt) is answered the same and changes
    // nothing. Keyed by whose ids they are and the id (WITHOUT ROWID: the key is the lookup); the
    // exchange's fields an event changes are kept as answered.
    R"sql(
CREATE TABLE exchange_events (
  scope            TEXT NOT NULL,
  event_id         TEXT NOT NULL,
  event_hash       TEXT NOT NULL,
  exchange_id      INTEGER NOT NULL,
  at               TEXT NOT NULL,
  outcome          TEXT NOT NULL,
  problem          TEXT NOT NULL,
  path             TEXT NOT NULL,
  state            TEXT NOT NULL,
  reason           TEXT NOT NULL,
  ex_outcome       TEXT NOT NULL,
  updated_at       TEXT NOT NULL,
  timeline_seq     INTEGER NOT NULL,
  due              TEXT NOT NULL,
  overdue          INTEGER NOT NULL,
  progress_due     TEXT NOT NULL,
  progress_overdue INTEGER NOT NULL,
  PRIMARY KEY (scope, event_id)
) WITHOUT ROWID;
)sql",
    // 18: the access record (hub/core/access_record.h): who read or changed personal data,
    // chained by a keyed hash. Append only: the hub has no UPDATE or DELETE on it. Person keys
    // are the hex id keys (never an ID number); the rows are few beside the messages.
    R"sql(
CREATE TABLE access_log (
  seq         INTEGER PRIMARY KEY,
  at          TEXT NOT NULL,
  token_id    TEXT NOT NULL,
  org         TEXT NOT NULL,
  role        TEXT NOT NULL,
  action      TEXT NOT NULL,
  endpoint    TEXT NOT NULL,
  objects     TEXT NOT NULL,
  person_keys TEXT NOT NULL,
  purpose     TEXT NOT NULL,
  chain       TEXT NOT NULL
);
)sql",
    // 19: tokens that end: an optional expiry (RFC 3339 UTC), set at creation or by a rotation
    // (the old token keeps working for the configured overlap, then ends).
    R"sql(
ALTER TABLE tokens ADD COLUMN expires_at TEXT;
)sql",
    // 20: the access record by the item or exchange it names (accessObjects in
    // hub/core/access_record.h), written in the record's transaction, so that an item's record
    // is read by index, never by walking the whole log. The records stored before it are
    // indexed here by the same rule ("item=N"; "exchange=N"; "id=N" of /v1/exchanges/{id}, N
    // also as "ex-N").
    R"sql(
CREATE TABLE access_objects (
  kind      TEXT NOT NULL,
  object_id INTEGER NOT NULL,
  seq       INTEGER NOT NULL,
  PRIMARY KEY (kind, object_id, seq)
) WITHOUT ROWID;
INSERT OR IGNORE INTO access_objects(kind, object_id, seq)
  SELECT 'item', CAST(substr(o, instr(o, ' item=') + 6) AS INTEGER), seq
  FROM (SELECT seq, ' ' || objects AS o FROM access_log) WHERE instr(o, ' item=') > 0;
INSERT OR IGNORE INTO access_objects(kind, object_id, seq)
  SELECT 'exchange', CAST(ltrim(substr(o, instr(o, ' exchange=') + 10), 'ex-') AS INTEGER), seq
  FROM (SELECT seq, ' ' || objects AS o FROM access_log) WHERE instr(o, ' exchange=') > 0;
INSERT OR IGNORE INTO access_objects(kind, object_id, seq)
  SELECT 'exchange', CAST(ltrim(substr(o, instr(o, ' id=') + 4), 'ex-') AS INTEGER), seq
  FROM (SELECT seq, ' ' || objects AS o FROM access_log
        WHERE instr(endpoint, ' /v1/exchanges/{id}') > 0) WHERE instr(o, ' id=') > 0;
DELETE FROM access_objects WHERE object_id <= 0;
)sql",
    // 21: the data keys of the sealed personal columns (hub/storage/data_keys.h), each wrapped by
    // the key-encryption key whose fingerprint it keeps; wrapped is NULL once destroyed.
    R"sql(
CREATE TABLE data_keys (
  key_id          INTEGER PRIMARY KEY,
  wrapped         BLOB,
  kek_fingerprint TEXT NOT NULL,
  state           TEXT NOT NULL,
  created_at      TEXT NOT NULL,
  retired_at      TEXT
);
-- Where the re-encryption walk (hub/storage/key_walk.h) stands: sealing every personal column
-- under key_id, table by table (kTables' order) in key order after the cursor. One row.
CREATE TABLE key_walk (
  id          INTEGER PRIMARY KEY CHECK (id = 1),
  key_id      INTEGER NOT NULL,
  table_index INTEGER NOT NULL,
  cursor_int  INTEGER NOT NULL DEFAULT 0,
  cursor_a    TEXT NOT NULL DEFAULT '',
  cursor_b    TEXT NOT NULL DEFAULT ''
);
)sql",
    // 22: partner persons. A token may be made for one person (`token create --name`); each
    // exchange timeline row keeps the name its token had at that moment (sealed: label
    // exchange_timeline.actor_name), so that a later revocation or a new token does not rewrite
    // who did what. tokens.person is kept as text: see token_table.h.
    R"sql(
ALTER TABLE tokens ADD COLUMN person TEXT NOT NULL DEFAULT '';
ALTER TABLE exchange_timeline ADD COLUMN actor_name TEXT NOT NULL DEFAULT '';
)sql",
};

}  // namespace

int latestSchemaVersion() { return static_cast<int>(kMigrations.size()); }

Status migrate(Db& db, int up_to) {
  const int target = up_to < 0 ? latestSchemaVersion() : std::min(up_to, latestSchemaVersion());
  auto st = db.prepare("PRAGMA user_version");
  if (!st.valid() || st.step() != SQLITE_ROW)
    return Status::ioError("read user_version: " + db.lastError());
  int current = static_cast<int>(st.int64(0));
  st = Stmt();
  // Migrations that convert stored person keys call it.
  if (auto s = registerPersonKeyFunction(db.raw()); !s.isOk()) return s;
  if (current > latestSchemaVersion())
    return Status::invalid("database schema " + std::to_string(current) +
                           " is newer than this build (" + std::to_string(latestSchemaVersion()) +
                           ")");
  for (int v = current; v < target; ++v) {
    std::string sql = std::string("BEGIN IMMEDIATE;") + kMigrations[static_cast<size_t>(v)] +
                      "PRAGMA user_version=" + std::to_string(v + 1) + ";COMMIT;";
    if (auto s = db.exec(sql); !s.isOk()) {
      (void)db.exec("ROLLBACK");
      return Status::ioError("migration " + std::to_string(v + 1) + ": " + s.message());
    }
  }
  return Status::ok();
}

}  // namespace xj::storage
