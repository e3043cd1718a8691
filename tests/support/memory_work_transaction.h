// MemoryWorkTransaction: WorkTransaction (hub/core/work_transaction.h) over std containers, for
// unit tests of the policies and the write jobs without a database. It keeps the SQLite
// implementation's semantics (hub/storage/sqlite_work_transaction.cpp): the same ordering of
// lists, the same answers for missing rows (an update of a missing row changes nothing; a lookup
// finds nothing), the same errors for taken keys (a taken prescreen or timeline seq is an I/O
// error as the constraint failure is; a used outbox idempotency key kConflict). The contract
// suite (tests/unit/storage/work_transaction_contract_test.cpp) holds both to that.
//
// It is a store and a transaction at once: nothing is rolled back (a test that wants a rollback
// makes a copy first). Besides the port it shows what it holds, for the tests' assertions.
// Thread: one test thread.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "hub/core/work_transaction.h"

namespace xj::testing {

class MemoryWorkTransaction final : public WorkTransaction {
 public:
  // A stored message as the tests see it.
  struct Message {
    IngestRecord record;
    int64_t hub_seq = 0;
    MessageStatus status = MessageStatus::kAccepted;
    int64_t linked_item = 0;
  };
  struct Prescreen {
    PrescreenRecord record;
    int64_t carried_from = 0;  // 0: its own
  };

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
  Result<int64_t> insertExchange(const ExchangeRecord& exchange) override;
  Result<std::optional<ExchangeRecord>> loadExchange(int64_t exchange_id) override;
  Status updateExchange(const ExchangeRecord& exchange) override;
  Result<std::optional<int64_t>> findExchangeByItem(int64_t item_id,
                                                    ExchangeDirection direction) override;
  Status appendExchangeTimeline(int64_t exchange_id, const ExchangeTimelineEntry& entry) override;
  Result<std::vector<int64_t>> exchangesDueBefore(const std::string& date) override;
  Result<std::vector<std::pair<std::string, int64_t>>> exchangesByState() override;
  Result<std::vector<std::pair<std::string, int64_t>>> overdueExchanges() override;
  Result<std::vector<int64_t>> exchangesProgressDueBefore(const std::string& date) override;
  Result<std::vector<std::pair<std::string, int64_t>>> progressOverdueExchanges() override;
  Result<std::optional<ExchangeEventRecord>> findExchangeEvent(
      const std::string& scope, const std::string& event_id) override;
  Status recordExchangeEvent(const ExchangeEventRecord& event) override;
  Result<AccessTail> accessTail() override;
  Status appendAccess(const AccessRecord& record) override;
  Result<std::vector<AccessRecord>> oldestAccess(int limit) override;
  Status pruneAccess(const std::vector<AccessRecord>& records, const AccessAnchor& anchor) override;
  // The access records kept, in order, and the retention anchor (what a test checks).
  const std::vector<AccessRecord>& accessLog() const { return access_log_; }
  const AccessAnchor& accessAnchor() const { return access_anchor_; }

  // What `xianjie outbox replay` writes: a request the running hub applies later.
  void requestReplay(int64_t outbox_id, const std::string& actor, const std::string& at);

  // What it holds (for assertions).
  const Message* message(int64_t hub_seq) const;
  std::optional<Prescreen> prescreen(int64_t hub_seq) const;
  std::vector<HistoryEntry> history(int64_t item_id) const;
  // One queue's events in the order appended (seq is the feed's cursor, shared by all queues).
  std::vector<QueueEvent> events(const std::string& queue) const;
  std::vector<ExchangeTimelineEntry> timeline(int64_t exchange_id) const;
  // Every outbox row, by id.
  std::vector<OutboxRecord> outbox() const;
  // Rows enqueued or made pending again since the last call (the store hands these to the
  // dispatcher after its commit).
  std::vector<OutboxRecord> takeEnqueued();
  int eventsAppended() const { return events_appended_; }
  bool exchangesChanged() const { return exchanges_changed_; }

 private:
  struct Item {
    ItemRecord record;
    std::string phone_key, id_key, deadline_from;
    int deadline_working_days = 0;
  };
  struct Person {
    int64_t first_hub_seq = 0;
    int64_t household_seq = 0;  // 0: no household description names them
  };
  struct ReplayRequest {
    int64_t outbox_id = 0;
    std::string actor, at;
    bool applied = false;
  };

  std::map<int64_t, Message> messages_;
  std::map<std::pair<std::string, std::string>, int64_t> message_keys_;
  std::map<int64_t, Prescreen> prescreens_;
  std::map<std::string, Person> persons_;
  std::map<int64_t, Item> items_;
  std::vector<std::pair<int64_t, HistoryEntry>> history_;
  std::vector<QueueEvent> events_;
  std::map<std::string, PersonCategory> categories_;
  std::map<int64_t, OutboxRecord> outbox_;
  std::vector<ReplayRequest> replay_requests_;
  std::map<int64_t, ExchangeRecord> exchanges_;
  std::vector<std::pair<int64_t, ExchangeTimelineEntry>> timelines_;
  std::map<std::string, int64_t> exchange_states_;  // every state that ever had one
  std::map<std::pair<std::string, std::string>, ExchangeEventRecord> exchange_events_;
  std::vector<AccessRecord> access_log_;
  AccessAnchor access_anchor_;
  std::vector<OutboxRecord> enqueued_;
  int events_appended_ = 0;
  bool exchanges_changed_ = false;
};

}  // namespace xj::testing
