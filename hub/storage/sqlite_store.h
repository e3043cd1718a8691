// SqliteStore: the SQLite implementation of MessageStore.
//
// Threads: exactly one writer thread owns the read-write connection and group-commits every
// pending write job (hub/core/write_job.h) in one transaction (WAL, synchronous=FULL); `readers`
// threads each own a read-only connection for lookups. submit()/lookup() only enqueue (bounded) and
// may be called from any thread; callbacks run on the writer or a reader thread. No SQLite call
// ever runs on the caller's thread, so HTTP and MQTT I/O threads never block on the disk.
//
// Writes: every write method builds its job with the WriteJobFactory given at open (the
// policies live above, in routing/work) and queues it; the writer runs every job alike and
// knows nothing of what it decides.
//
// Failure: if a commit fails (disk full, I/O error) every job of that batch is answered
// kUnavailable and nothing of it is stored; the next batch tries again (reopening the
// connection after an I/O error), so the store recovers by itself when the disk does.
#pragma once

#include <array>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "config/hub_config.h"
#include "hub/core/message_store.h"
#include "hub/core/metrics.h"
#include "hub/core/outbox_store.h"
#include "hub/core/work_store.h"
#include "hub/core/write_job_factory.h"
#include "hub/security/field_cipher.h"
#include "hub/storage/key_walk.h"
#include "hub/storage/statements.h"

namespace xj::storage {

class Db;

class SqliteStore final : public MessageStore, public WorkStore, public OutboxStore {
 public:
  // Opens the file, runs migrations and starts the threads. `person_key_fingerprint` identifies
  // the key that makes the stored person keys (PersonKeyer): a database keyed with another key
  // is refused; one with keys from before keyed hashing (plain SHA-256, reversible by
  // enumeration) has them erased, once, and then records the fingerprint. `kek` unwraps the
  // data keys of the sealed personal columns (data_keys.h; a new database gets its first key,
  // dated `now`); it and `jobs` (the write job of each write method) must outlive the store.
  static Result<std::unique_ptr<SqliteStore>> open(const StoreConfig& config,
                                                   MetricsRegistry& metrics,
                                                   const std::string& person_key_fingerprint,
                                                   const security::KeyEncryptionKey& kek,
                                                   const std::string& now,
                                                   const WriteJobFactory& jobs);
  ~SqliteStore() override;

  bool submit(IngestRecord record, IngestCallback done) override;
  bool lookup(std::string id, std::string source, LookupCallback done) override;

  bool submitAction(ItemActionRequest req, std::function<void(ActionResult)> done) override;
  bool sweep(std::string today, std::string escalation_queue, std::string at,
             std::string undated_created_before,
             std::function<void(std::optional<SweepResult>)> done) override;
  bool recountProvisionalDeadlines(DeadlineCounter count, std::string at,
                                   std::function<void(std::optional<int>)> done) override;
  bool listQueues(std::function<void(std::optional<std::vector<QueueCount>>)> done) override;
  bool listItems(ItemQuery query,
                 std::function<void(std::optional<std::vector<ItemRecord>>)> done) override;
  bool getItem(std::string queue, int64_t item_id,
               std::function<void(bool, std::optional<ItemRecord>, std::vector<HistoryEntry>)> done)
      override;
  bool events(std::string queue, int64_t after, int limit,
              std::function<void(std::optional<std::vector<QueueEvent>>)> done) override;
  bool submitExchange(ExchangeCommand cmd,
                      std::function<void(ExchangeCommandResult)> done) override;
  bool listExchanges(ExchangeQuery query,
                     std::function<void(std::optional<std::vector<ExchangeRecord>>)> done) override;
  bool getExchange(
      int64_t exchange_id,
      std::function<void(bool, std::optional<ExchangeRecord>, std::vector<ExchangeTimelineEntry>,
                         std::vector<ExchangeDelivery>)>
          done) override;
  bool exchangeReport(
      std::string from, std::string to,
      std::function<void(std::optional<std::vector<ExchangeReportRow>>)> done) override;
  bool findOpenItems(OpenItemQuery query, int limit,
                     std::function<void(std::optional<std::vector<ItemRecord>>)> done) override;
  bool listOwnMessages(MessageQuery query,
                       std::function<void(std::optional<std::vector<OwnMessage>>)> done) override;
  bool townshipReport(
      std::string from, std::string to,
      std::function<void(std::optional<std::vector<TownshipReportRow>>)> done) override;
  bool getItemDetail(std::string queue, int64_t item_id,
                     std::function<void(bool, std::optional<ItemDetail>)> done) override;
  bool accessOf(AccessQuery query,
                std::function<void(std::optional<std::vector<AccessRecord>>)> done) override;
  uint64_t eventsVersion() const override { return events_version_.load(); }

  void setOutboxListener(std::function<void(std::vector<OutboxRecord>)> listener) override;
  bool pendingOutboundOf(
      std::string partner, int64_t after_id, int limit,
      std::function<void(std::optional<std::vector<OutboxRecord>>)> done) override;
  bool pendingDepth(std::function<void(std::optional<std::vector<OutboxDepth>>)> done) override;
  bool pendingOutbound(int64_t after_id, int limit,
                       std::function<void(std::optional<std::vector<OutboxRecord>>)> done) override;
  bool listOutbound(std::optional<OutboxState> state, int64_t after_id, int limit,
                    std::function<void(std::optional<std::vector<OutboxRecord>>)> done) override;
  bool recordOutcomes(std::vector<OutboxOutcome> outcomes,
                      std::function<void(bool committed)> done) override;
  bool replayOutbound(int64_t id, std::string actor, std::string at,
                      std::function<void(ReplayResult, std::optional<OutboxRecord>)> done) override;
  bool applyReplayRequests(std::string at, std::function<void(int)> done) override;
  bool submitOutbound(OutboundMessage message, std::function<void(Result<int64_t>)> done) override;

  // Queues any write job in `room`; false (the job dropped unanswered) when that room is full or
  // the store is stopping. The write methods above all come here.
  bool write(std::unique_ptr<WriteJob> job, WriteRoom room);

  // Looks (on a reader) whether the data keys changed (`xianjie key rotate`) or the
  // re-encryption walk has rows left; if so, the writer installs the keys and walks on in
  // batches of `rows` until it is done. Called about once a second; `done` (optional) hears
  // the walk's state as the reader saw it. Any thread.
  bool checkDataKeys(std::string at, int rows, std::function<void(KeyWalkState)> done);

  // Stops taking work, lets the writer commit everything queued, answers it, joins all threads.
  void stop();

  size_t queueDepth() const;   // every job waiting for the writer
  size_t ingestDepth() const;  // the inbound messages among them
  bool healthy() const { return healthy_.load(); }
  // Batches the writer has finished (committed or failed): the service watchdog's sign that the
  // writer moves while jobs wait for it.
  uint64_t batchesDone() const { return batches_done_.load(); }
  // Fault injection (tests): applied by the writer before its next batch.
  void setMaxPageCount(int64_t pages) { pending_max_pages_.store(pages); }
  // Fault injection: the writer drops its connection before its next commit, as after an I/O
  // error, and opens a new one (which must keep the page cap).
  void dropWriterConnection() { drop_connection_.store(true); }
  // Fault injection (tests): a paused writer takes no jobs, so the queue fills up.
  void setPaused(bool paused);

 private:
  // A queued write job and whether it counts against the inbound room.
  struct QueuedWrite {
    std::unique_ptr<WriteJob> job;
    bool inbound = false;
  };
  // What a committed batch leaves for the writer to do after it (the transaction counted it).
  struct Committed {
    int events = 0;
    std::vector<OutboxRecord> outbound;
    bool exchanges_changed = false;
  };
  // A read runs a storage-internal function on a reader's connection (nullptr if it could not
  // be opened); the SQL stays in hub/storage.
  using ReadJob = std::function<void(Db* db)>;
  class Writer;

  bool enqueueRead(ReadJob job);

  SqliteStore(const StoreConfig& config, MetricsRegistry& metrics,
              const security::KeyEncryptionKey& kek, const WriteJobFactory& jobs);
  void walkOn(std::string at, int rows);  // queues the next batch of the key walk
  void writerLoop();
  void readerLoop(int index);

  StoreConfig config_;
  MetricsRegistry& metrics_;
  const WriteJobFactory& jobs_;
  const security::KeyEncryptionKey& kek_;
  // The data keys, used by every connection of the store (seal on the writer, open anywhere).
  security::FieldCipher cipher_;
  std::atomic<bool> walking_{false};  // a key-walk batch is queued or running
  Histogram& batch_sizes_;
  Histogram& commit_seconds_;  // one group commit: the jobs' apply, then COMMIT and its fsync
  Counter& commit_failures_;
  std::array<Counter*, static_cast<size_t>(Sql::kCount)> statement_runs_{};

  mutable std::mutex mu_;
  std::condition_variable writer_cv_;
  std::condition_variable reader_cv_;
  std::deque<QueuedWrite> write_queue_;
  size_t ingest_pending_ = 0;  // inbound jobs in write_queue_ (guarded by mu_)
  // Room for staff actions, sweeps and exchange commands beside the inbound capacity.
  static constexpr size_t kPriorityRoom = 1024;
  std::deque<ReadJob> read_queue_;
  bool stopping_ = false;
  bool paused_ = false;
  std::function<void(std::vector<OutboxRecord>)> outbox_listener_;  // guarded by mu_

  // Exchanges by state and overdue exchanges by partner and reason, as of the last commit that
  // changed an exchange (read by /metrics on any thread; written by the writer).
  struct ExchangeCounts {
    std::vector<std::pair<std::string, int64_t>> by_state, answer_overdue, progress_overdue;
  };
  void refreshExchangeCounts();  // writer thread (and open(), before the writer starts)
  std::mutex counts_mu_;
  ExchangeCounts exchange_counts_;  // guarded by counts_mu_

  std::atomic<bool> healthy_{true};
  std::atomic<uint64_t> batches_done_{0};
  std::atomic<int64_t> pending_max_pages_{-1};
  std::atomic<bool> drop_connection_{false};
  std::atomic<uint64_t> events_version_{0};
  std::unique_ptr<Writer> writer_;
  std::thread writer_thread_;
  std::vector<std::thread> reader_threads_;
};

}  // namespace xj::storage
