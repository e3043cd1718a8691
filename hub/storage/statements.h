// Every SQL statement the store runs on the write path and for staff reads, in one table, so
// that tests can enumerate them: tests/unit/storage/query_plan_test.cpp runs EXPLAIN QUERY PLAN
// on each against a freshly migrated database and fails on a full scan of a table that grows
// with use. The writer and the readers run cached statements only by these ids (Db::cached takes
// no SQL text), so a new statement cannot escape that test.
//
// Rules for writing one (SQLite's planner):
// - A partial index serves a query only if the query carries each term of the index's WHERE
//   literally (`state != 'resolved' AND phone_key != ''`); a bound parameter proves nothing.
// - `a=?1 OR b=?2` plans as a full scan: write two statements.
// - The statements hold SQL only; which one to run, and what follows from its answer, is
//   decided by the caller (routing/queues/work_policy.h), never in a SQL string: values that
//   carry a decision (item kind, message kind, state, the repeat window) are bound.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace xj::storage {

enum class Sql {
  // messages
  kFindMessage,       // by (source, message_id): idempotency
  kInsertMessage,     // the message row with its route columns; nothing if the id is taken
  kSetMessageStatus,  // linked, merged, alerted: the status and the item it went to
  kMessageBySeq,      // lookup by hub id
  kMessageByKey,      // lookup by (source, message_id)
  // pre-screens and the people they name
  kInsertPrescreen,
  kRememberHousehold,  // person -> latest message describing their household
  kCarryPrescreen,     // copy that pre-screen beside a later signal about the person
  kRememberPerson,     // INSERT OR IGNORE: a change count of 0 means the person was known
  // items
  kFindOpenItemById,     // oldest open item of a kind, from a message kind, by ID number key
  kFindOpenItemByPhone,  // the same by phone key
  kInsertItem,
  kLoadItem,        // every item column, by item_id
  kItemInQueue,     // every item column, by item_id and queue (staff read)
  kUpdateItem,      // state, owner, queue, overdue, outcome, reason_code, linked_messages
  kItemsDueBefore,  // open, not yet overdue, deadline before a date
  kItemsUndatedCreatedBefore,  // open, not yet overdue, no deadline, created before an instant
  kOverdueCounts,              // open overdue items by queue and township
  kQueueCounts,                // open items by queue and state, with overdue counts
  kOpenProvisional,            // open items whose deadline is provisional, with how it was counted
  kSetDeadline,                // a recounted deadline and its provisional flag
  kInsertHistory,
  kItemHistory,
  kInsertEvent,
  kEvents,
  // the outbox (hub/core/outbox.h)
  kInsertOutbound,      // a new pending row
  kOutboxPending,       // pending rows after an id, oldest first (the dispatcher's resume)
  kOutboxByState,       // rows in one state after an id (staff listing)
  kOutboxAfter,         // rows in any state after an id (staff listing)
  kOutboxById,          // one row
  kOutboxDelivered,     // pending -> delivered
  kOutboxRetry,         // a failed attempt: attempts, next attempt, last error
  kOutboxDead,          // pending -> dead (last attempt, or a permanent refusal)
  kOutboxReplay,        // dead -> pending, attempts from zero (staff replay)
  kOutboxPendingDepth,  // pending rows and the oldest pending id, by partner
  kInsertReplay,        // the replay log: one row per replay or CLI request
  kUnappliedReplays,    // CLI requests the hub has not applied yet
  kMarkReplayApplied,
  // exchanges
  kInsertExchange,
  kLoadExchange,    // every exchange column, by exchange_id
  kUpdateExchange,  // state, reason, outcome, updated_at, timeline_seq, due, overdue
  kExchangeByItem,  // the latest exchange of an item in a direction
  kInsertExchangeTimeline,
  kExchangeTimeline,    // by exchange, in order
  kExchangeDeliveries,  // the outbox rows of one exchange's lane to its partner, in order
  kExchangesByPartner,  // a partner's exchanges, id cursor
  kExchangesByTownship,
  kExchangesAll,
  kExchangesDueBefore,   // awaiting the performer's answer, not yet overdue, due before a date
  kExchangesOverdue,     // overdue exchanges by partner
  kExchangeReport,       // exchanges created in [from, to) with their first accept
  kExchangeStateCounts,  // exchanges by state (a table of at most one row per state)
  // the console
  kOpenItemsById,       // the open items a ticket with this ID number key would join, oldest first
  kOpenItemsByPhone,    // the same by phone key
  kMessagesBySource,    // an organisation's messages before a hub_seq cursor, newest first
  kFirstItemOfMessage,  // the first item a message became
  kPersonsOfMessage,    // the person keys of the items a message became
  kPrescreenBySeq,      // the pre-screen decision stored beside a message
  kExchangesOfItem,     // every exchange of an item, oldest first
  kTownshipReport,      // items created in [from, to) with their first contact and resolution
  // categories and the platform upload
  kItemPerson,         // an item's person key, and village and ID number from its message
  kPersonCategory,     // a person's category as last established, by person key
  kSetPersonCategory,  // insert or replace it
  // a partner's progress reports
  kExchangesProgressDueBefore,  // a progress report due before a date
  kExchangesProgressOverdue,    // exchanges escalated for no progress, by partner
  // the outbox's bounded memory
  kOutboxPendingOfPartner,  // one partner's pending rows after an id, oldest first
  // exchange events by their sender's id
  kFindExchangeEvent,  // by (scope, event_id)
  kInsertExchangeEvent,
  // the access record (append only: no statement changes or removes a row)
  kAccessTail,    // the last record's seq and chain
  kInsertAccess,  // one record
  // the access record by the item or exchange it names (access_objects)
  kInsertAccessObject,  // one object a record names
  kAccessOfObject,      // the records naming one object, newest first, below a seq cursor
  // the access record's retention: the oldest records, removed a whole prefix at a time, and
  // the anchor the chain goes on from (hub_meta 'access_anchor': "seq chain mac")
  kOldestAccess,  // the records after the anchor's seq (the oldest kept), in order
  kDeleteAccess,
  kDeleteAccessObject,
  kAccessAnchor,
  kSetAccessAnchor,
  kCount
};

std::string_view sqlText(Sql id);
std::string_view sqlName(Sql id);

// The columns of an item, in the order readItem (work_reader.h) reads them.
extern const char* const kItemColumns;
// The columns of an exchange, in the order readExchangeRow (sqlite_work_transaction.h) reads them.
extern const char* const kExchangeColumns;

// The columns of an access record, in the order readAccessRow (access_rows.h) reads them.
extern const char* const kAccessColumns;

// The columns of an outbox row, in the order readOutboxRow (outbox_rows.h) reads them.
extern const char* const kOutboxColumns;

// The staff item list: fixed fragments for each optional filter; every value is bound.
struct ItemListFilters {
  bool state = false;       // ?3
  bool open_state = false;  // ?3 is a state other than resolved (the open-items index serves it)
  bool overdue = false;     // ?4
  bool category = false;    // ?5
  bool township = false;    // ?6
  bool text = false;        // ?7
};
std::string itemListSql(const ItemListFilters& f);

struct NamedSql {
  std::string name;
  std::string sql;
};
// Every statement above, every variant of the item list and the key walk's statements: what the
// query-plan test checks.
std::vector<NamedSql> allStatements();

}  // namespace xj::storage
