// WorkStore: the port for queues and items (routing/queues). The SQLite store implements it
// beside MessageStore. Same threading contract: calls enqueue and return at once (false when
// the bounded queue is full or the store is stopping); callbacks run on a store thread and must
// only copy and post.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "hub/core/access_record.h"
#include "hub/core/exchange.h"
#include "hub/core/message_store.h"
#include "hub/core/work.h"
#include "hub/core/work_transaction.h"

namespace xj {

// Everything the console's item page shows, read in one go: the item and its history, the
// message it came from, the pre-screen decision stored beside that message (with its trace) and
// the exchanges of the item.
struct ItemDetail {
  ItemRecord item;
  std::vector<HistoryEntry> history;
  std::optional<StoredMessage> message;
  std::optional<PrescreenRecord> prescreen;
  int64_t prescreen_carried_from = 0;  // hub_seq of the household description it was carried from
  std::vector<ExchangeRecord> exchanges;
};

class WorkStore {
 public:
  virtual ~WorkStore() = default;

  virtual bool submitAction(ItemActionRequest req, std::function<void(ActionResult)> done) = 0;
  // Marks items whose deadline is before `today` (YYYY-MM-DD) overdue and escalates them; with a
  // non-empty `undated_created_before` (RFC 3339), also items without a deadline created before
  // that instant (routes: escalate_undated_after_days).
  virtual bool sweep(std::string today, std::string escalation_queue, std::string at,
                     std::string undated_created_before,
                     std::function<void(std::optional<SweepResult>)> done) = 0;

  // Counts the deadline of every open item marked provisional again with `count` (run on the
  // writer thread: it must be pure) and stores what changed, with a history row and a
  // deadline_changed event per item. `done` gets how many items changed (nullopt on failure).
  virtual bool recountProvisionalDeadlines(DeadlineCounter count, std::string at,
                                           std::function<void(std::optional<int>)> done) = 0;

  virtual bool listQueues(std::function<void(std::optional<std::vector<QueueCount>>)> done) = 0;
  virtual bool listItems(ItemQuery query,
                         std::function<void(std::optional<std::vector<ItemRecord>>)> done) = 0;
  virtual bool getItem(
      std::string queue, int64_t item_id,
      std::function<void(bool ok, std::optional<ItemRecord>, std::vector<HistoryEntry>)> done) = 0;
  virtual bool events(std::string queue, int64_t after, int limit,
                      std::function<void(std::optional<std::vector<QueueEvent>>)> done) = 0;
  // Exchanges: a referral out or a side's report, applied by routing/exchange in the
  // writer's transaction; the reads of one exchange (with its timeline) and of a list.
  virtual bool submitExchange(ExchangeCommand cmd,
                              std::function<void(ExchangeCommandResult)> done) = 0;
  virtual bool listExchanges(
      ExchangeQuery query,
      std::function<void(std::optional<std::vector<ExchangeRecord>>)> done) = 0;
  // An exchange with its timeline and its deliveries (the outbox rows of its lane).
  virtual bool getExchange(int64_t exchange_id,
                           std::function<void(bool ok, std::optional<ExchangeRecord>,
                                              std::vector<ExchangeTimelineEntry>,
                                              std::vector<ExchangeDelivery>)>
                               done) = 0;

  // The exchanges created in [from, to) (RFC 3339) for the report.
  virtual bool exchangeReport(
      std::string from, std::string to,
      std::function<void(std::optional<std::vector<ExchangeReportRow>>)> done) = 0;

  // The console. Open items as the repeat-call rule finds them (oldest first, at most
  // `limit`); an organisation's messages; the items created in [from, to) (RFC 3339) for the
  // township report; an item with its message, pre-screen and exchanges (item empty when it is
  // not in that queue).
  virtual bool findOpenItems(OpenItemQuery query, int limit,
                             std::function<void(std::optional<std::vector<ItemRecord>>)> done) = 0;
  virtual bool listOwnMessages(
      MessageQuery query, std::function<void(std::optional<std::vector<OwnMessage>>)> done) = 0;
  virtual bool townshipReport(
      std::string from, std::string to,
      std::function<void(std::optional<std::vector<TownshipReportRow>>)> done) = 0;
  virtual bool getItemDetail(std::string queue, int64_t item_id,
                             std::function<void(bool ok, std::optional<ItemDetail>)> done) = 0;

  // The access record of one item or exchange (hub/core/access_record.h), newest first.
  virtual bool accessOf(AccessQuery query,
                        std::function<void(std::optional<std::vector<AccessRecord>>)> done) = 0;

  // Bumped after every commit that wrote queue events: long-polls re-read only when it moved.
  virtual uint64_t eventsVersion() const = 0;
};

}  // namespace xj
