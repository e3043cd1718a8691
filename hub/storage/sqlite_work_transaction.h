// SqliteWorkTransaction: WorkTransaction (hub/core/work_transaction.h) on the writer's SQLite
// connection, inside the transaction the writer has already begun. Each call runs one statement
// of the registry (statements.h); it decides nothing. Writer thread only.
#pragma once

#include <vector>

#include "hub/core/work_transaction.h"
#include "hub/storage/sqlite_db.h"

namespace xj::storage {

class SqliteWorkTransaction final : public WorkTransaction {
 public:
  explicit SqliteWorkTransaction(Db& db) : db_(db) {}
  // The writer's connection, for storage-internal jobs (the key walk): the writer passes every
  // job this transaction, so such a job may reach its connection through it.
  Db& db() { return db_; }

  Result<MessageInsert> insertMessage(const IngestRecord& record, MessageStatus status) override;
  Result<bool> rememberPerson(const std::string& id_key, int64_t hub_seq) override;
  Status insertPrescreen(const PrescreenRecord& prescreen) override;
  Status rememberHousehold(const std::string& id_key, int64_t hub_seq) override;
  Status carryPrescreen(int64_t hub_seq, const std::string& id_key) override;
  Result<std::optional<int64_t>> findOpenItem(const OpenItemQuery& query) override;
  Result<std::optional<ItemRecord>> loadItem(int64_t item_id) override;
  Result<int64_t> insertItem(const NewItem& item) override;
  Status updateItem(const ItemRecord& item) override;
  Result<std::vector<int64_t>> itemsDueBefore(const std::string& date) override;
  Result<std::vector<int64_t>> itemsUndatedCreatedBefore(const std::string& at) override;
  Result<std::vector<OverdueCount>> overdueCounts() override;
  Result<std::vector<ProvisionalDeadline>> openProvisionalDeadlines() override;
  Status setDeadline(int64_t item_id, const std::string& deadline, bool provisional,
                     const std::string& at) override;
  Status appendHistory(int64_t item_id, const HistoryEntry& entry) override;
  Status appendEvent(const std::string& queue, int64_t item_id, EventType type,
                     const std::string& at) override;
  Status setMessageStatus(int64_t hub_seq, MessageStatus status, int64_t item_id) override;
  Result<ItemPerson> itemPerson(int64_t item_id) override;
  Result<std::optional<PersonCategory>> personCategory(const std::string& id_key) override;
  Status setPersonCategory(const PersonCategory& category) override;
  Result<int64_t> enqueueOutbound(const OutboundMessage& message) override;
  Status recordOutboxOutcome(const OutboxOutcome& outcome) override;
  Result<OutboxReplay> replayOutbound(int64_t outbox_id, const std::string& actor,
                                      const std::string& at) override;
  Result<int> applyRequestedReplays(const std::string& at) override;

  // The rows enqueued (or made pending again by a replay) in this transaction, for the store to
  // hand over once it has committed (and to drop if it rolls back).
  std::vector<OutboxRecord> takeEnqueued() {
    std::vector<OutboxRecord> out;
    out.swap(enqueued_);
    return out;
  }
  Result<int64_t> insertExchange(const ExchangeRecord& exchange) override;
  Result<std::optional<ExchangeRecord>> loadExchange(int64_t exchange_id) override;
  Status updateExchange(const ExchangeRecord& exchange) override;
  Result<std::optional<int64_t>> findExchangeByItem(int64_t item_id,
                                                    ExchangeDirection direction) override;
  Status appendExchangeTimeline(int64_t exchange_id, const ExchangeTimelineEntry& entry) override;
  Result<std::vector<int64_t>> exchangesDueBefore(const std::string& date) override;
  Result<std::vector<std::pair<std::string, int64_t>>> overdueExchanges() override;
  Result<std::vector<std::pair<std::string, int64_t>>> exchangesByState() override;
  Result<std::vector<int64_t>> exchangesProgressDueBefore(const std::string& date) override;
  Result<std::vector<std::pair<std::string, int64_t>>> progressOverdueExchanges() override;
  Result<std::optional<ExchangeEventRecord>> findExchangeEvent(
      const std::string& scope, const std::string& event_id) override;
  Status recordExchangeEvent(const ExchangeEventRecord& event) override;
  Result<AccessTail> accessTail() override;
  Status appendAccess(const AccessRecord& record) override;
  Result<std::vector<AccessRecord>> oldestAccess(int limit) override;
  Status pruneAccess(const std::vector<AccessRecord>& records, const AccessAnchor& anchor) override;

  // Whether this transaction inserted or changed an exchange (the store then refreshes the
  // exchange counts in /metrics after the commit).
  bool exchangesChanged() const { return exchanges_changed_; }
  // How many queue events this transaction appended (long-polls re-read after a commit that
  // wrote some): counted here, where they are appended, for every job alike.
  int eventsAppended() const { return events_appended_; }

 private:
  Status done(ScopedStmt& st, const char* what);  // SQLITE_DONE or an I/O error naming `what`
  Status fail(const char* what);

  Db& db_;
  std::vector<OutboxRecord> enqueued_;
  bool exchanges_changed_ = false;
  int events_appended_ = 0;
};

// Reads a message's receipt (columns: hub_seq, source, message_id, kind, received_at, status).
Receipt readReceiptRow(const Stmt& st);
// Reads one item row (the columns of kItemColumns, statements.h) into a record.
ItemRecord readItemRow(const Stmt& st);
// Reads one exchange row (the columns of kExchangeColumns, statements.h) into a record.
ExchangeRecord readExchangeRow(const Stmt& st);

}  // namespace xj::storage
