#!/usr/bin/env bash
# bench/workload/preload.sh DB [N=1000000]: fills a database that xianjied has already migrated
# (run the daemon once on it) with N stored messages and their work, written by SQL straight
# into the hub's schema (not through the daemon's writer: that would take ~N/1,500 s). Per
# message: the message row (a ~300-byte payload), one item (60 % tickets with a phone key and an
# ID key, 25 % notifications, 15 % referrals; 12 % of items open, the rest resolved), the person
# it names, its created history row and its queue event. Keys are random 256-bit values, stored
# as the hub stores them (32-byte BLOBs, migration 16), so the indexes on them have the size and
# spread of real ones. Prints the row counts and the time.
set -euo pipefail
db=$1
n=${2:-1000000}
t0=$(date +%s)
sqlite3 "$db" <<SQL
PRAGMA journal_mode=WAL;
PRAGMA synchronous=OFF;
.output /dev/null
BEGIN;
CREATE TEMP TABLE codes(k INTEGER PRIMARY KEY, code TEXT);
INSERT INTO codes VALUES (0,'451229100'),(1,'451229101'),(2,'451229102'),(3,'451229103'),
  (4,'451229200'),(5,'451229201'),(6,'451229202'),(7,'451229203'),(8,'451229204'),(9,'451229205'),
  (10,'451229206'),(11,'451229207'),(12,'451229210'),(13,'451229211'),(14,'451229213'),(15,'451229214');
CREATE TEMP TABLE pre AS
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $n)
SELECT i,
       CASE WHEN i % 20 < 12 THEN 'ticket' WHEN i % 20 < 17 THEN 'notification' ELSE 'referral' END AS kind,
       (SELECT code FROM codes WHERE k = i % 16) AS township,
       randomblob(32) AS id_key,
       randomblob(32) AS phone_key,
       CASE WHEN i % 100 < 6 THEN 'new' WHEN i % 100 < 9 THEN 'claimed' WHEN i % 100 < 12 THEN 'in_progress' ELSE 'resolved' END AS state
FROM n;
INSERT INTO messages(hub_seq, source, message_id, kind, township, occurred_at, received_at, status,
                     body_hash, payload, route_rule, route_version, prescreen_category)
SELECT i, 'preload', 'p' || i, kind, township, '2026-11-29T09:30:00+08:00', '2026-11-29T01:30:00.000Z',
       'routed', lower(hex(randomblob(32))),
       '{"id":"p' || i || '","kind":"' || kind || '","source":"preload","subject":{"township":"' || township ||
       '"},"body":{"description":"' || hex(randomblob(100)) || '"}}',
       'township', 'preload', 'unknown'
FROM pre;
INSERT INTO items(item_id, queue, item_kind, hub_seq, kind, township, category, urgency, state, owner,
                  deadline, phone_key, id_key, created_at, updated_at)
SELECT i, 'township-' || township, 'case', i, kind, township, 'dibao', 'normal', state,
       CASE WHEN state IN ('claimed', 'in_progress') THEN 'tok-preload' ELSE '' END,
       '2099-12-31', CASE WHEN kind = 'ticket' THEN phone_key ELSE '' END, id_key,
       '2026-11-29T01:30:00.000Z', '2026-11-29T01:30:00.000Z'
FROM pre;
INSERT INTO persons(id_key, first_hub_seq) SELECT id_key, i FROM pre;
INSERT INTO item_history(item_id, at, actor, action, from_state, to_state, detail)
SELECT i, '2026-11-29T01:30:00.000Z', 'hub', 'created', '', 'new', 'deadline 2099-12-31' FROM pre;
INSERT INTO queue_events(queue, item_id, type, at)
SELECT 'township-' || township, i, 'created', '2026-11-29T01:30:00.000Z' FROM pre;
COMMIT;
ANALYZE;
PRAGMA wal_checkpoint(TRUNCATE);
SQL
echo "preloaded $(sqlite3 "$db" "SELECT count(*) FROM messages") messages, $(sqlite3 "$db" "SELECT count(*) FROM items") items ($(sqlite3 "$db" "SELECT count(*) FROM items WHERE state != 'resolved'") open) in $(( $(date +%s) - t0 )) s; $(du -h "$db" | cut -f1)"
