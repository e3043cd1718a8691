// WorkTransaction: the one narrow port through which every write job (hub/core/write_job.h: the
// message itself, the work policy of routing/queues and routing/exchange, the outbox's outcomes
// and replays) reads and changes the store, inside the writer's open transaction. Everything
// done through one instance commits or rolls back together.
//
// The implementation holds storage and no decisions: each call is one lookup or one write of
// plain values; which lookup to make, and what follows from its answer, is the caller's. Shaped
// so that another database can implement it (SQLite today, hub/storage/sqlite_work_transaction.h;
// PostgreSQL could): no SQL, no row ids beyond the item and message numbers, no cursors.
//
// Thread: the store's writer thread only, for the duration of one batch. A failed call returns a
// non-ok Status; the caller returns it at once and the whole batch is rolled back.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "hub/core/access_record.h"
#include "hub/core/exchange.h"
#include "hub/core/message.h"
#include "hub/core/names.h"
#include "hub/core/outbox.h"
#include "hub/core/status.h"
#include "hub/core/work.h"

namespace xj {

// Which key an open-item lookup matches on.
enum class PersonKey { kIdNumber, kPhone };

// "The oldest open item of this kind, from this kind of message, with this key, created at or
// after `created_since` (RFC 3339; empty: any time)".
struct OpenItemQuery {
  PersonKey key_type = PersonKey::kIdNumber;
  std::string key;  // id_key or phone_key; never empty
  ItemKind item_kind = ItemKind::kCase;
  MessageKind from = MessageKind::kTicket;
  std::string created_since;
};

// A new item; it starts in state `new` with no owner.
struct NewItem {
  std::string queue;
  ItemKind item_kind = ItemKind::kCase;
  int64_t hub_seq = 0;
  MessageKind kind = MessageKind::kTicket;
  std::string township;
  std::string category;
  std::string urgency;
  std::string deadline;  // YYYY-MM-DD; empty: the calendar had no data (calendar_missing)
  bool deadline_provisional = false;  // counted in a year without its holiday notice
  std::string deadline_from;          // how it was counted: from this day (YYYY-MM-DD) ...
  int deadline_working_days = 0;      // ... this many working days (0: not recountable)
  std::string phone_key;              // for repeat-call lookups; empty for follow-ups
  std::string id_key;
  std::string at;
  int64_t parent_item = 0;
};

// A pre-screen decision as stored beside its message.
struct PrescreenRecord {
  int64_t hub_seq = 0;
  std::string category;
  std::string tags;  // comma-separated
  std::string rule_set_version;
  std::string decision_json;
};

// An open item whose deadline is provisional, with how that deadline was counted.
struct ProvisionalDeadline {
  int64_t item_id = 0;
  std::string queue;
  ItemState state = ItemState::kNew;
  std::string deadline;
  std::string from;
  int working_days = 0;
};

// What writing a message row came to: a new row (`hub_seq` > 0), or nothing written because its
// (source, message_id) was taken, with the row stored under it (its receipt and body hash).
struct MessageInsert {
  int64_t hub_seq = 0;
  std::optional<Receipt> existing;
  std::string existing_body_hash;
};

struct OverdueCount {
  std::string queue;
  std::string township;
  int64_t count = 0;
};

class WorkTransaction {
 public:
  virtual ~WorkTransaction() = default;

  // Messages: the row of an accepted message, with `status` and, when its plan was routed, the
  // route and pre-screen category. A taken (source, message_id) writes nothing and is not an
  // error: the answer says what is stored under it.
  virtual Result<MessageInsert> insertMessage(const IngestRecord& record, MessageStatus status) = 0;

  // People and pre-screens.
  // Records that `id_key` was named by message `hub_seq`; true when it was not known before.
  virtual Result<bool> rememberPerson(const std::string& id_key, int64_t hub_seq) = 0;
  virtual Status insertPrescreen(const PrescreenRecord& prescreen) = 0;
  // The latest message that described the household of `id_key`. Remembers the person too
  // when they were not known: call rememberPerson first to learn whether they were.
  virtual Status rememberHousehold(const std::string& id_key, int64_t hub_seq) = 0;
  // Stores, beside message `hub_seq`, a copy of the pre-screen of the latest household
  // description naming `id_key` (nothing when there is none).
  virtual Status carryPrescreen(int64_t hub_seq, const std::string& id_key) = 0;

  // Items.
  virtual Result<std::optional<int64_t>> findOpenItem(const OpenItemQuery& query) = 0;
  virtual Result<std::optional<ItemRecord>> loadItem(int64_t item_id) = 0;
  virtual Result<int64_t> insertItem(const NewItem& item) = 0;
  // Writes the mutable fields (state, owner, queue, updated_at, overdue, outcome, reason_code,
  // linked_messages) of `item` as they are.
  virtual Status updateItem(const ItemRecord& item) = 0;
  // Open, not yet overdue items whose deadline is before `date` (YYYY-MM-DD), oldest first.
  virtual Result<std::vector<int64_t>> itemsDueBefore(const std::string& date) = 0;
  // Open, not yet overdue items with no deadline created before `at` (RFC 3339), oldest first.
  virtual Result<std::vector<int64_t>> itemsUndatedCreatedBefore(const std::string& at) = 0;
  virtual Result<std::vector<OverdueCount>> overdueCounts() = 0;
  // Open items whose deadline is provisional, oldest first.
  virtual Result<std::vector<ProvisionalDeadline>> openProvisionalDeadlines() = 0;
  virtual Status setDeadline(int64_t item_id, const std::string& deadline, bool provisional,
                             const std::string& at) = 0;

  // The item's history and the queues' event feeds (append only).
  virtual Status appendHistory(int64_t item_id, const HistoryEntry& entry) = 0;
  virtual Status appendEvent(const std::string& queue, int64_t item_id, EventType type,
                             const std::string& at) = 0;

  // The message's status and the item it went to (linked, merged, alerted).
  virtual Status setMessageStatus(int64_t hub_seq, MessageStatus status, int64_t item_id) = 0;

  // Categories: who the item is about, and the category a resolution last
  // established for a person (nullopt: never one).
  virtual Result<ItemPerson> itemPerson(int64_t item_id) = 0;
  virtual Result<std::optional<PersonCategory>> personCategory(const std::string& id_key) = 0;
  virtual Status setPersonCategory(const PersonCategory& category) = 0;

  // The outbox (hub/core/outbox.h): a message to leave the hub once this transaction commits,
  // state `pending`; returns its outbox id. The idempotency key must be new: a key already in
  // the outbox is a kConflict (the caller's bug; the batch rolls back). After the commit the
  // store hands the new rows to the delivery dispatcher; a rolled-back row never leaves.
  virtual Result<int64_t> enqueueOutbound(const OutboundMessage& message) = 0;
  // What one delivery attempt came to, written to its row if the row is still pending (a row
  // already final is left as it is).
  virtual Status recordOutboxOutcome(const OutboxOutcome& outcome) = 0;
  // A staff replay: a dead row goes back to pending with attempts from zero (kReplayed, with the
  // row); kNotFound and kNotDead change nothing. Every replay of an existing row, refused or
  // not, is written to the replay log with `actor`. A replayed row is handed to the dispatcher
  // after the commit like a new one.
  virtual Result<OutboxReplay> replayOutbound(int64_t outbox_id, const std::string& actor,
                                              const std::string& at) = 0;
  // Applies every replay the CLI asked for and has not been applied (each marked applied, with
  // what it came to); returns how many rows became pending (handed over likewise).
  virtual Result<int> applyRequestedReplays(const std::string& at) = 0;

  // Exchanges and their timelines (append only).
  virtual Result<int64_t> insertExchange(const ExchangeRecord& exchange) = 0;
  virtual Result<std::optional<ExchangeRecord>> loadExchange(int64_t exchange_id) = 0;
  // Writes the mutable fields (state, reason, outcome, updated_at, timeline_seq, due, overdue).
  virtual Status updateExchange(const ExchangeRecord& exchange) = 0;
  // The latest exchange of `direction` that item `item_id` belongs to.
  virtual Result<std::optional<int64_t>> findExchangeByItem(int64_t item_id,
                                                            ExchangeDirection direction) = 0;
  virtual Status appendExchangeTimeline(int64_t exchange_id,
                                        const ExchangeTimelineEntry& entry) = 0;
  // Exchanges whose `due` (the performer's answer) is before `date` (YYYY-MM-DD), not yet
  // overdue, oldest due first.
  virtual Result<std::vector<int64_t>> exchangesDueBefore(const std::string& date) = 0;
  // Exchanges counted by state (every state that ever had one).
  virtual Result<std::vector<std::pair<std::string, int64_t>>> exchangesByState() = 0;
  // Overdue exchanges counted by partner.
  virtual Result<std::vector<std::pair<std::string, int64_t>>> overdueExchanges() = 0;
  // Exchanges whose next progress report (`progress_due`) is before `date`, oldest due first.
  virtual Result<std::vector<int64_t>> exchangesProgressDueBefore(const std::string& date) = 0;
  // Exchanges escalated for no progress report (and none since), counted by partner.
  virtual Result<std::vector<std::pair<std::string, int64_t>>> progressOverdueExchanges() = 0;

  // Exchange events by their sender's event id (exchange.h: ExchangeEventRecord): the one
  // recorded under (scope, event_id), nullopt when none.
  virtual Result<std::optional<ExchangeEventRecord>> findExchangeEvent(
      const std::string& scope, const std::string& event_id) = 0;
  // Records one; a (scope, event_id) already recorded is a kConflict (the caller's bug: it looks
  // first; the batch rolls back).
  virtual Status recordExchangeEvent(const ExchangeEventRecord& event) = 0;

  // The access record (access_record.h), append only: no call changes a record, and only
  // retention removes any, a whole oldest prefix at a time. The last record's seq and chain
  // (the anchor's when retention removed them all; {0, ""} when there never was one), and one
  // more.
  virtual Result<AccessTail> accessTail() = 0;
  virtual Status appendAccess(const AccessRecord& record) = 0;
  // Retention: the oldest `limit` records in seq order; then removes `records` (the first of
  // those, a prefix, with their index rows) and stores `anchor`, the last removed one's.
  virtual Result<std::vector<AccessRecord>> oldestAccess(int limit) = 0;
  virtual Status pruneAccess(const std::vector<AccessRecord>& records,
                             const AccessAnchor& anchor) = 0;
};

}  // namespace xj
