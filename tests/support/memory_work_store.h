// MemoryWorkStore: the store's write and read ports (MessageStore, WorkStore) over a
// MemoryWorkTransaction, for unit tests of the work service (routing/work/work_service.h). Each
// write becomes the job the hub's PolicyJobs builds and runs at once, as a batch of one that
// commits; the reads the service makes (an item in its queue, a message by hub id) are answered
// from the same transaction. Every other read answers "not queued". Callbacks run before the call
// returns. Test-only; one test thread.
#pragma once

#include "adapters/envelope/outbound_codec.h"
#include "hub/core/message_store.h"
#include "hub/core/work_store.h"
#include "routing/work/policy_jobs.h"
#include "tests/support/memory_work_transaction.h"

namespace xj::testing {

class MemoryWorkStore final : public MessageStore, public WorkStore {
 public:
  explicit MemoryWorkStore(MemoryWorkTransaction& tx) : tx_(tx) {}

  // How many writes were submitted (each one job).
  int writes() const { return writes_; }

  bool submit(IngestRecord record, IngestCallback done) override;
  bool lookup(std::string id, std::string source, LookupCallback done) override;

  bool submitAction(ItemActionRequest req, std::function<void(ActionResult)> done) override;
  bool sweep(std::string today, std::string escalation_queue, std::string at,
             std::string undated_created_before,
             std::function<void(std::optional<SweepResult>)> done) override;
  bool recountProvisionalDeadlines(DeadlineCounter, std::string,
                                   std::function<void(std::optional<int>)>) override {
    return false;
  }
  bool listQueues(std::function<void(std::optional<std::vector<QueueCount>>)>) override {
    return false;
  }
  bool listItems(ItemQuery, std::function<void(std::optional<std::vector<ItemRecord>>)>) override {
    return false;
  }
  bool getItem(std::string queue, int64_t item_id,
               std::function<void(bool, std::optional<ItemRecord>, std::vector<HistoryEntry>)> done)
      override;
  bool events(std::string, int64_t, int,
              std::function<void(std::optional<std::vector<QueueEvent>>)>) override {
    return false;
  }
  bool submitExchange(ExchangeCommand cmd,
                      std::function<void(ExchangeCommandResult)> done) override;
  bool listExchanges(ExchangeQuery,
                     std::function<void(std::optional<std::vector<ExchangeRecord>>)>) override {
    return false;
  }
  bool getExchange(
      int64_t,
      std::function<void(bool, std::optional<ExchangeRecord>, std::vector<ExchangeTimelineEntry>,
                         std::vector<ExchangeDelivery>)>) override {
    return false;
  }
  bool exchangeReport(std::string, std::string,
                      std::function<void(std::optional<std::vector<ExchangeReportRow>>)>) override {
    return false;
  }
  bool findOpenItems(OpenItemQuery, int,
                     std::function<void(std::optional<std::vector<ItemRecord>>)>) override {
    return false;
  }
  bool listOwnMessages(MessageQuery,
                       std::function<void(std::optional<std::vector<OwnMessage>>)>) override {
    return false;
  }
  bool townshipReport(std::string, std::string,
                      std::function<void(std::optional<std::vector<TownshipReportRow>>)>) override {
    return false;
  }
  bool getItemDetail(std::string, int64_t,
                     std::function<void(bool, std::optional<ItemDetail>)>) override {
    return false;
  }
  bool accessOf(AccessQuery,
                std::function<void(std::optional<std::vector<AccessRecord>>)>) override {
    return false;
  }
  uint64_t eventsVersion() const override { return 0; }

 private:
  bool run(std::unique_ptr<WriteJob> job);

  MemoryWorkTransaction& tx_;
  routing::PolicyJobs jobs_{envelope::outboundBodies()};
  int writes_ = 0;
};

}  // namespace xj::testing
