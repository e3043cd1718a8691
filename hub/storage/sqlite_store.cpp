#include "hub/storage/sqlite_store.h"

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <optional>

#include "hub/core/log.h"
#include "hub/storage/access_rows.h"
#include "hub/storage/data_keys.h"
#include "hub/storage/fault_vfs.h"
#include "hub/storage/key_job.h"
#include "hub/storage/migrations.h"
#include "hub/storage/outbox_rows.h"
#include "hub/storage/sealed_columns.h"
#include "hub/storage/sqlite_db.h"
#include "hub/storage/sqlite_work_transaction.h"
#include "hub/storage/work_reader.h"

namespace xj::storage {
namespace {

// "xj-0000000042" -> 42; -1 when it is not a hub id.
int64_t seqOf(const std::string& id) {
  if (id.size() != 13 || id.compare(0, 3, "xj-") != 0) return -1;
  int64_t v = 0;
  for (size_t i = 3; i < id.size(); ++i) {
    if (id[i] < '0' || id[i] > '9') return -1;
    v = v * 10 + (id[i] - '0');
  }
  return v;
}

// Checks the person-key fingerprint (see open()); erases keys made before keyed hashing.
Status adoptPersonKey(Db& db, const std::string& fingerprint) {
  if (auto s = db.exec("BEGIN IMMEDIATE"); !s.isOk()) return s;
  auto rollback = [&](Status s) {
    (void)db.exec("ROLLBACK");
    return s;
  };
  std::optional<std::string> stored;
  {
    auto st = db.prepare("SELECT value FROM hub_meta WHERE name='person_key_fingerprint'");
    int rc = st.step();
    if (rc == SQLITE_ROW)
      stored = st.text(0);
    else if (rc != SQLITE_DONE)
      return rollback(Status::ioError("hub_meta: " + db.lastError()));
  }
  if (stored) {
    if (*stored != fingerprint)
      return rollback(Status::invalid(
          "store.key_file is not the key this database's person keys were made with (restore "
          "the original key file; with another key, repeat calls and alerts would not link)"));
    return db.exec("COMMIT");
  }
  int64_t old_keys = 0;
  {
    auto st = db.prepare(
        "SELECT (SELECT count(*) FROM persons) + "
        "(SELECT count(*) FROM items WHERE phone_key != '' OR id_key != '')");
    if (st.step() != SQLITE_ROW) return rollback(Status::ioError("count keys: " + db.lastError()));
    old_keys = st.int64(0);
  }
  if (old_keys > 0) {
    // Plain SHA-256 of an ID number or phone is reversed by enumeration: erase, do not keep.
    if (auto s = db.exec("DELETE FROM persons; UPDATE items SET "
                         "phone_key='', id_key='' WHERE phone_key != '' OR id_key != ''");
        !s.isOk())
      return rollback(s);
    log::warn("person_keys_erased",
              {{"rows", std::to_string(old_keys)},
               {"why", "made before keyed hashing; earlier messages no longer link"}});
  }
  auto ins = db.prepare("INSERT INTO hub_meta(name, value) VALUES('person_key_fingerprint', ?1)");
  ins.bind(1, fingerprint);
  if (ins.step() != SQLITE_DONE) return rollback(Status::ioError("hub_meta: " + db.lastError()));
  return db.exec("COMMIT");
}

}  // namespace

// The writer's connection and statements; touched only by the writer thread.
class SqliteStore::Writer {
 public:
  Writer(std::string path, const security::FieldCipher& cipher)
      : path_(std::move(path)), cipher_(cipher) {}

  Status ensureOpen() {
    if (db_.raw()) return Status::ok();
    auto db = Db::open(path_, false);
    if (!db.isOk()) return db.status();
    db_ = std::move(db).value();
    if (auto s = db_.setCipher(&cipher_); !s.isOk()) {
      db_.close();
      return s;
    }
    // max_page_count is a property of the connection, not of the file: a connection opened
    // again after an I/O error must get the cap (store.max_page_count or the latest override)
    // back, or the quota would silently lapse.
    if (max_pages_ >= 0) {
      if (auto s = applyMaxPageCount(); !s.isOk()) {
        db_.close();
        return s;
      }
    }
    return Status::ok();
  }

  void reset() { db_.close(); }

  std::array<int64_t, static_cast<size_t>(Sql::kCount)> takeStatementRuns() {
    return db_.takeStatementRuns();
  }

  // 0 lifts the cap. Remembered, and applied again to every new connection.
  Status setMaxPageCount(int64_t pages) {
    max_pages_ = pages;
    if (auto s = ensureOpen(); !s.isOk()) return s;
    return applyMaxPageCount();
  }

  // Fault injection: drop the connection as the I/O-error path does; the next commit reopens.
  void dropConnection() { reset(); }

  // One transaction for the whole batch: each job applies in turn and keeps its own answer. A
  // job's failure fails the batch: nothing of it is stored and the caller answers every job with
  // the failure (kUnavailable when the disk is full).
  Status commit(std::vector<QueuedWrite>& batch, Committed& out) {
    if (auto s = ensureOpen(); !s.isOk()) return s;
    if (auto s = db_.beginImmediate(); !s.isOk()) return fail("begin");
    SqliteWorkTransaction work(db_);
    for (auto& queued : batch) {
      Status s = queued.job->apply(work);
      if (!s.isOk()) {
        if (s.code() == StatusCode::kIoError && db_.lastErrorCode() != SQLITE_OK)
          return fail("work");
        (void)db_.rollback();
        return s;
      }
    }
    if (auto s = db_.commit(); !s.isOk()) return fail("commit");
    out.outbound = work.takeEnqueued();  // only now: a rolled-back row never leaves
    out.exchanges_changed = work.exchangesChanged();
    out.events = work.eventsAppended();
    return Status::ok();
  }

  // Exchanges by state and overdue ones by partner (three small indexed reads, outside any
  // transaction): for /metrics after a commit that changed an exchange.
  Status readExchangeCounts(ExchangeCounts& out) {
    if (auto s = ensureOpen(); !s.isOk()) return s;
    SqliteWorkTransaction work(db_);
    auto by_state = work.exchangesByState();
    if (!by_state.isOk()) return by_state.status();
    auto answer = work.overdueExchanges();
    if (!answer.isOk()) return answer.status();
    auto progress = work.progressOverdueExchanges();
    if (!progress.isOk()) return progress.status();
    out.by_state = std::move(by_state).value();
    out.answer_overdue = std::move(answer).value();
    out.progress_overdue = std::move(progress).value();
    return Status::ok();
  }

 private:
  Status fail(const char* step) {
    int code = db_.lastErrorCode();
    std::string msg = std::string(step) + ": " + db_.lastError();
    (void)db_.rollback();
    // After an I/O error the connection may be unusable; a fresh one costs little and is how
    // the store heals when the disk comes back. A full database keeps its connection.
    if ((code & 0xff) == SQLITE_IOERR || (code & 0xff) == SQLITE_CORRUPT ||
        (code & 0xff) == SQLITE_CANTOPEN)
      reset();
    return (code & 0xff) == SQLITE_FULL ? Status::unavailable("storage full: " + msg)
                                        : Status::ioError(msg);
  }

  Status applyMaxPageCount() {
    return db_.exec("PRAGMA max_page_count=" +
                    std::to_string(max_pages_ > 0 ? max_pages_ : 4294967294LL));
  }

  std::string path_;
  const security::FieldCipher& cipher_;
  Db db_;
  int64_t max_pages_ = -1;  // -1: never set (SQLite's default)
};

SqliteStore::SqliteStore(const StoreConfig& config, MetricsRegistry& metrics,
                         const security::KeyEncryptionKey& kek, const WriteJobFactory& jobs)
    : config_(config),
      metrics_(metrics),
      jobs_(jobs),
      kek_(kek),
      batch_sizes_(metrics.histogram("xianjie_store_commit_batch_size", "Messages per group commit",
                                     {1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024})),
      commit_seconds_(metrics.histogram(
          "xianjie_store_commit_duration_seconds",
          "Time of one group commit (the jobs' writes, COMMIT and its fsync)",
          {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5})),
      commit_failures_(
          metrics.counter("xianjie_store_commit_failures_total", "Failed group commits")) {
  for (size_t i = 0; i < statement_runs_.size(); ++i)
    statement_runs_[i] = &metrics.counter(
        "xianjie_store_statements_total", "Statements run by the writer, by registry name",
        "statement=\"" + std::string(sqlName(static_cast<Sql>(i))) + "\"");
}

Result<std::unique_ptr<SqliteStore>> SqliteStore::open(
    const StoreConfig& config, MetricsRegistry& metrics, const std::string& person_key_fingerprint,
    const security::KeyEncryptionKey& kek, const std::string& now, const WriteJobFactory& jobs) {
  // Before any connection opens: a test can then give the store real I/O errors.
  if (config.fault_injection)
    if (auto s = installFaultVfs(); !s.isOk()) return s;
  std::error_code ec;
  auto parent = std::filesystem::path(config.path).parent_path();
  if (!parent.empty()) std::filesystem::create_directories(parent, ec);
  std::unique_ptr<SqliteStore> store(new SqliteStore(config, metrics, kek, jobs));
  {
    auto db = Db::open(config.path, false);
    if (!db.isOk()) return db.status();
    if (auto s = migrate(db.value()); !s.isOk()) return s;
    if (auto s = adoptPersonKey(db.value(), person_key_fingerprint); !s.isOk()) return s;
    if (auto s = ensureDataKey(db.value(), kek, now); !s.isOk()) return s;
    if (auto s = installDataKeys(db.value(), kek, store->cipher_); !s.isOk()) return s;
  }
  store->writer_ = std::make_unique<Writer>(config.path, store->cipher_);
  if (auto s = store->writer_->ensureOpen(); !s.isOk()) return s;
  if (config.max_page_count > 0) store->pending_max_pages_.store(config.max_page_count);
  metrics.gauge("xianjie_store_writer_queue_depth", "Messages waiting for the writer",
                [s = store.get()] { return static_cast<double>(s->queueDepth()); });
  metrics.gauge("xianjie_store_ingest_queue_depth",
                "Inbound messages waiting for the writer (bounded by store.queue_capacity)",
                [s = store.get()] { return static_cast<double>(s->ingestDepth()); });
  metrics.gauge("xianjie_store_ingest_queue_capacity",
                "store.queue_capacity: inbound messages past it are answered 503 Retry-After",
                [capacity = config.queue_capacity] { return static_cast<double>(capacity); });
  metrics.gauge("xianjie_store_healthy", "1 while the last commit succeeded",
                [s = store.get()] { return s->healthy() ? 1.0 : 0.0; });
  metrics.gauge("xianjie_store_data_key_active",
                "The data key new personal fields are sealed under",
                [s = store.get()] { return static_cast<double>(s->cipher_.activeKeyId()); });
  metrics.gauge("xianjie_store_unreadable_sealed_values",
                "Sealed personal fields that did not open since start (wrong key, altered row)",
                [] { return static_cast<double>(unreadableSealedValues()); });
  // Exchanges by state and overdue ones by partner and reason, refreshed by the writer after
  // every commit that changed an exchange (not only at the sweep).
  store->refreshExchangeCounts();
  metrics.collector([s = store.get()] {
    std::lock_guard lock(s->counts_mu_);
    const auto& c = s->exchange_counts_;
    std::string out =
        "# HELP xianjie_exchanges Exchanges by state\n# TYPE xianjie_exchanges gauge\n";
    for (const auto& [state, n] : c.by_state)
      out += "xianjie_exchanges{state=\"" + state + "\"} " + std::to_string(n) + "\n";
    out +=
        "# HELP xianjie_exchanges_overdue Exchanges past a partner deadline, by partner and "
        "reason (answer: no accept or reject in time; progress: no progress report in time)\n"
        "# TYPE xianjie_exchanges_overdue gauge\n";
    for (const auto& [partner, n] : c.answer_overdue)
      out += "xianjie_exchanges_overdue{partner=\"" + partner + "\",reason=\"answer\"} " +
             std::to_string(n) + "\n";
    for (const auto& [partner, n] : c.progress_overdue)
      out += "xianjie_exchanges_overdue{partner=\"" + partner + "\",reason=\"progress\"} " +
             std::to_string(n) + "\n";
    return out;
  });
  store->writer_thread_ = std::thread([s = store.get()] { s->writerLoop(); });
  for (int i = 0; i < config.readers; ++i)
    store->reader_threads_.emplace_back([s = store.get(), i] { s->readerLoop(i); });
  return store;
}

SqliteStore::~SqliteStore() { stop(); }

bool SqliteStore::write(std::unique_ptr<WriteJob> job, WriteRoom room) {
  {
    std::lock_guard lock(mu_);
    if (stopping_) return false;
    // Inbound messages are bounded by queue_capacity; staff actions and sweeps have their own
    // room beside it, so that a flood of inbound messages cannot lock caseworkers out of their
    // queues, and a sweep waiting in the queue never takes an inbound message's place.
    // ingest_pending_ counts the inbound jobs in the queue, exactly those the writer loop
    // subtracts: a job beside the inbound room (submitOutbound) must not add to it, or the
    // count drifts above the queue and the priority room's subtraction wraps around.
    if (room == WriteRoom::kPriority) {
      if (write_queue_.size() - ingest_pending_ >= kPriorityRoom) return false;
    } else if (ingest_pending_ >= static_cast<size_t>(config_.queue_capacity)) {
      return false;
    }
    const bool inbound = room == WriteRoom::kInbound;
    if (inbound) ++ingest_pending_;
    write_queue_.push_back({std::move(job), inbound});
  }
  writer_cv_.notify_one();
  return true;
}

bool SqliteStore::enqueueRead(ReadJob job) {
  {
    std::lock_guard lock(mu_);
    if (stopping_ || read_queue_.size() >= static_cast<size_t>(config_.queue_capacity))
      return false;
    read_queue_.push_back(std::move(job));
  }
  reader_cv_.notify_one();
  return true;
}

bool SqliteStore::submit(IngestRecord record, IngestCallback done) {
  return write(jobs_.ingest(std::move(record), std::move(done)), WriteRoom::kInbound);
}

bool SqliteStore::submitAction(ItemActionRequest req, std::function<void(ActionResult)> done) {
  return write(jobs_.itemAction(std::move(req), std::move(done)), WriteRoom::kPriority);
}

bool SqliteStore::sweep(std::string today, std::string escalation_queue, std::string at,
                        std::string undated_created_before,
                        std::function<void(std::optional<SweepResult>)> done) {
  return write(jobs_.sweep(std::move(today), std::move(escalation_queue), std::move(at),
                           std::move(undated_created_before), std::move(done)),
               WriteRoom::kPriority);
}

bool SqliteStore::recountProvisionalDeadlines(DeadlineCounter count, std::string at,
                                              std::function<void(std::optional<int>)> done) {
  return write(jobs_.recountDeadlines(std::move(count), std::move(at), std::move(done)),
               WriteRoom::kPriority);
}

bool SqliteStore::submitExchange(ExchangeCommand cmd,
                                 std::function<void(ExchangeCommandResult)> done) {
  return write(jobs_.exchangeCommand(std::move(cmd), std::move(done)), WriteRoom::kPriority);
}

bool SqliteStore::listExchanges(
    ExchangeQuery query, std::function<void(std::optional<std::vector<ExchangeRecord>>)> done) {
  return enqueueRead([q = std::move(query), done = std::move(done)](Db* db) {
    done(db ? readExchanges(*db, q) : std::nullopt);
  });
}

bool SqliteStore::getExchange(
    int64_t exchange_id,
    std::function<void(bool, std::optional<ExchangeRecord>, std::vector<ExchangeTimelineEntry>,
                       std::vector<ExchangeDelivery>)>
        done) {
  return enqueueRead([exchange_id, done = std::move(done)](Db* db) {
    std::optional<ExchangeRecord> ex;
    std::vector<ExchangeTimelineEntry> timeline;
    std::vector<ExchangeDelivery> deliveries;
    bool ok = db && readExchange(*db, exchange_id, ex, timeline, deliveries);
    done(ok, std::move(ex), std::move(timeline), std::move(deliveries));
  });
}

bool SqliteStore::exchangeReport(
    std::string from, std::string to,
    std::function<void(std::optional<std::vector<ExchangeReportRow>>)> done) {
  return enqueueRead([from = std::move(from), to = std::move(to), done = std::move(done)](Db* db) {
    done(db ? readExchangeReport(*db, from, to) : std::nullopt);
  });
}

bool SqliteStore::lookup(std::string id, std::string source, LookupCallback done) {
  return enqueueRead(
      [id = std::move(id), source = std::move(source), done = std::move(done)](Db* db) {
        if (!db) return done(std::nullopt, false);
        std::optional<StoredMessage> found;
        bool ok = true;
        auto run = [&](ScopedStmt& st) {
          int rc = st.step();
          if (rc == SQLITE_ROW) {
            found = StoredMessage{readReceiptRow(st.raw()), st.opened(6, sealed::kMessagePayload),
                                  st.text(7)};
          } else if (rc != SQLITE_DONE) {
            ok = false;
          }
        };
        if (int64_t seq = seqOf(id); seq >= 0) {
          auto st = db->cached(Sql::kMessageBySeq);
          st.bind(1, seq);
          run(st);
        }
        if (!found && ok && !source.empty()) {
          auto st = db->cached(Sql::kMessageByKey);
          st.bind(1, source).bind(2, id);
          run(st);
        }
        if (found && ok) {
          auto st = db->cached(Sql::kPersonsOfMessage);
          st.bind(1, seqOf(found->receipt.hub_id));
          while (st.step() == SQLITE_ROW) found->person_keys.push_back(st.personKey(0));
        }
        done(std::move(found), ok);
      });
}

bool SqliteStore::listQueues(std::function<void(std::optional<std::vector<QueueCount>>)> done) {
  return enqueueRead(
      [done = std::move(done)](Db* db) { done(db ? readQueueCounts(*db) : std::nullopt); });
}

bool SqliteStore::listItems(ItemQuery query,
                            std::function<void(std::optional<std::vector<ItemRecord>>)> done) {
  return enqueueRead([q = std::move(query), done = std::move(done)](Db* db) {
    done(db ? readItems(*db, q) : std::nullopt);
  });
}

bool SqliteStore::getItem(
    std::string queue, int64_t item_id,
    std::function<void(bool, std::optional<ItemRecord>, std::vector<HistoryEntry>)> done) {
  return enqueueRead([queue = std::move(queue), item_id, done = std::move(done)](Db* db) {
    std::optional<ItemRecord> item;
    std::vector<HistoryEntry> history;
    bool ok = db && readItem(*db, queue, item_id, item, history);
    done(ok, std::move(item), std::move(history));
  });
}

bool SqliteStore::findOpenItems(OpenItemQuery query, int limit,
                                std::function<void(std::optional<std::vector<ItemRecord>>)> done) {
  return enqueueRead([q = std::move(query), limit, done = std::move(done)](Db* db) {
    done(db ? readOpenItems(*db, q, limit) : std::nullopt);
  });
}

bool SqliteStore::listOwnMessages(
    MessageQuery query, std::function<void(std::optional<std::vector<OwnMessage>>)> done) {
  return enqueueRead([q = std::move(query), done = std::move(done)](Db* db) {
    done(db ? readOwnMessages(*db, q) : std::nullopt);
  });
}

bool SqliteStore::townshipReport(
    std::string from, std::string to,
    std::function<void(std::optional<std::vector<TownshipReportRow>>)> done) {
  return enqueueRead([from = std::move(from), to = std::move(to), done = std::move(done)](Db* db) {
    done(db ? readTownshipReport(*db, from, to) : std::nullopt);
  });
}

bool SqliteStore::accessOf(AccessQuery query,
                           std::function<void(std::optional<std::vector<AccessRecord>>)> done) {
  return enqueueRead([query = std::move(query), done = std::move(done)](Db* db) {
    done(db ? readAccessOf(*db, query) : std::nullopt);
  });
}

bool SqliteStore::getItemDetail(std::string queue, int64_t item_id,
                                std::function<void(bool, std::optional<ItemDetail>)> done) {
  return enqueueRead([queue = std::move(queue), item_id, done = std::move(done)](Db* db) {
    std::optional<ItemDetail> detail;
    bool ok = db && readItemDetail(*db, queue, item_id, detail);
    done(ok, std::move(detail));
  });
}

bool SqliteStore::events(std::string queue, int64_t after, int limit,
                         std::function<void(std::optional<std::vector<QueueEvent>>)> done) {
  return enqueueRead([queue = std::move(queue), after, limit, done = std::move(done)](Db* db) {
    done(db ? readEvents(*db, queue, after, limit) : std::nullopt);
  });
}

void SqliteStore::setOutboxListener(std::function<void(std::vector<OutboxRecord>)> listener) {
  std::lock_guard lock(mu_);
  outbox_listener_ = std::move(listener);
}

bool SqliteStore::pendingOutbound(
    int64_t after_id, int limit,
    std::function<void(std::optional<std::vector<OutboxRecord>>)> done) {
  return enqueueRead([after_id, limit, done = std::move(done)](Db* db) {
    done(db ? readPendingOutbox(*db, after_id, limit) : std::nullopt);
  });
}

bool SqliteStore::pendingOutboundOf(
    std::string partner, int64_t after_id, int limit,
    std::function<void(std::optional<std::vector<OutboxRecord>>)> done) {
  return enqueueRead(
      [partner = std::move(partner), after_id, limit, done = std::move(done)](Db* db) {
        done(db ? readPendingOutboxOf(*db, partner, after_id, limit) : std::nullopt);
      });
}

bool SqliteStore::pendingDepth(std::function<void(std::optional<std::vector<OutboxDepth>>)> done) {
  return enqueueRead(
      [done = std::move(done)](Db* db) { done(db ? readPendingDepth(*db) : std::nullopt); });
}

bool SqliteStore::listOutbound(std::optional<OutboxState> state, int64_t after_id, int limit,
                               std::function<void(std::optional<std::vector<OutboxRecord>>)> done) {
  return enqueueRead([state, after_id, limit, done = std::move(done)](Db* db) {
    done(db ? readOutbox(*db, state, after_id, limit) : std::nullopt);
  });
}

bool SqliteStore::recordOutcomes(std::vector<OutboxOutcome> outcomes,
                                 std::function<void(bool)> done) {
  return write(jobs_.outboxOutcomes(std::move(outcomes), std::move(done)), WriteRoom::kPriority);
}

bool SqliteStore::replayOutbound(
    int64_t id, std::string actor, std::string at,
    std::function<void(ReplayResult, std::optional<OutboxRecord>)> done) {
  return write(jobs_.outboxReplay(id, std::move(actor), std::move(at), std::move(done)),
               WriteRoom::kPriority);
}

bool SqliteStore::applyReplayRequests(std::string at, std::function<void(int)> done) {
  // A reader looks first, so that an idle hub polling for CLI requests costs no write
  // transaction; the writer applies them only when there are some.
  return enqueueRead([this, at = std::move(at), done = std::move(done)](Db* db) mutable {
    bool any = false;
    if (db) {
      auto st = db->cached(Sql::kUnappliedReplays);
      st.bind(1, static_cast<int64_t>(1));
      any = st.step() == SQLITE_ROW;
    }
    if (!any) {
      if (done) done(0);
      return;
    }
    bool queued = write(jobs_.requestedReplays(at, done), WriteRoom::kPriority);
    if (!queued && done) done(0);
  });
}

bool SqliteStore::checkDataKeys(std::string at, int rows, std::function<void(KeyWalkState)> done) {
  return enqueueRead([this, at = std::move(at), rows, done = std::move(done)](Db* db) mutable {
    if (!db) return;
    auto state = readKeyWalk(*db);
    if (!state.isOk()) return;
    if (done) done(state.value());
    const bool changed = state.value().active_key != cipher_.activeKeyId();
    if ((changed || !state.value().done()) && !walking_.exchange(true)) walkOn(at, rows);
  });
}

void SqliteStore::walkOn(std::string at, int rows) {
  auto job =
      std::make_unique<KeyJob>(kek_, cipher_, rows, at, [this, at, rows](const KeyWalkStep* step) {
        if (!step || step->finished)
          walking_.store(false);
        else
          walkOn(at, rows);
      });
  // A job that never ran (queue full, stopping, or a failed commit) lets the next check
  // start the walk again.
  if (!write(std::move(job), WriteRoom::kPriority)) walking_.store(false);
}

bool SqliteStore::submitOutbound(OutboundMessage message,
                                 std::function<void(Result<int64_t>)> done) {
  return write(jobs_.outbound(std::move(message), std::move(done)), WriteRoom::kBesideInbound);
}

void SqliteStore::setPaused(bool paused) {
  {
    std::lock_guard lock(mu_);
    paused_ = paused;
  }
  writer_cv_.notify_all();
}

size_t SqliteStore::queueDepth() const {
  std::lock_guard lock(mu_);
  return write_queue_.size();
}

size_t SqliteStore::ingestDepth() const {
  std::lock_guard lock(mu_);
  return ingest_pending_;
}

void SqliteStore::stop() {
  {
    std::lock_guard lock(mu_);
    if (stopping_ && !writer_thread_.joinable()) return;
    stopping_ = true;
  }
  writer_cv_.notify_all();
  reader_cv_.notify_all();
  if (writer_thread_.joinable()) writer_thread_.join();
  for (auto& t : reader_threads_)
    if (t.joinable()) t.join();
  reader_threads_.clear();
}

void SqliteStore::refreshExchangeCounts() {
  ExchangeCounts counts;
  if (auto s = writer_->readExchangeCounts(counts); !s.isOk()) {
    log::warn("exchange_counts_failed", {{"error", s.message()}});
    return;  // the previous figures stay until the next change
  }
  std::lock_guard lock(counts_mu_);
  exchange_counts_ = std::move(counts);
}

void SqliteStore::writerLoop() {
  std::vector<QueuedWrite> batch;
  for (;;) {
    {
      std::unique_lock lock(mu_);
      writer_cv_.wait(lock, [&] { return stopping_ || (!paused_ && !write_queue_.empty()); });
      if (write_queue_.empty() && stopping_) break;
      // Group commit: everything pending goes into one transaction, so one fsync pays for many
      // messages while the queue is deep, and a lone message is not kept waiting.
      size_t n = std::min(write_queue_.size(), static_cast<size_t>(config_.max_batch));
      batch.clear();
      for (size_t i = 0; i < n; ++i) {
        if (write_queue_.front().inbound) --ingest_pending_;
        batch.push_back(std::move(write_queue_.front()));
        write_queue_.pop_front();
      }
    }
    if (drop_connection_.exchange(false)) writer_->dropConnection();
    int64_t pages = pending_max_pages_.exchange(-1);
    if (pages >= 0) {
      if (auto s = writer_->setMaxPageCount(pages); !s.isOk())
        log::warn("store_fault_injection_failed", {{"error", s.message()}});
    }
    Committed committed;
    const auto started = std::chrono::steady_clock::now();
    Status s = writer_->commit(batch, committed);
    commit_seconds_.observe(
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
    batches_done_.fetch_add(1);
    batch_sizes_.observe(static_cast<double>(batch.size()));
    // What the writer's work costs in statements (per registry name): divided by the messages
    // stored, the per-message cost the benchmarks report.
    auto runs = writer_->takeStatementRuns();
    for (size_t i = 0; i < runs.size(); ++i)
      if (runs[i] > 0) statement_runs_[i]->inc(static_cast<uint64_t>(runs[i]));
    if (!s.isOk()) {
      commit_failures_.inc();
      if (healthy_.exchange(false))
        log::error("store_commit_failed",
                   {{"error", s.message()}, {"batch", std::to_string(batch.size())}});
      for (auto& queued : batch) queued.job->done(s);
      continue;
    }
    if (!healthy_.exchange(true)) log::info("store_recovered");
    if (committed.events > 0) events_version_.fetch_add(1);
    // Before the callbacks: whoever hears of the change then reads counts that include it.
    if (committed.exchanges_changed) refreshExchangeCounts();
    if (!committed.outbound.empty()) {
      std::function<void(std::vector<OutboxRecord>)> listener;
      {
        std::lock_guard lock(mu_);
        listener = outbox_listener_;
      }
      if (listener) listener(std::move(committed.outbound));
    }
    for (auto& queued : batch) queued.job->done(Status::ok());
  }
  writer_->reset();
}

void SqliteStore::readerLoop(int index) {
  Db db;
  for (;;) {
    ReadJob job;
    {
      std::unique_lock lock(mu_);
      reader_cv_.wait(lock, [&] { return stopping_ || !read_queue_.empty(); });
      if (read_queue_.empty()) break;  // stopping
      job = std::move(read_queue_.front());
      read_queue_.pop_front();
    }
    if (!db.raw()) {
      auto opened = Db::open(config_.path, true);
      if (opened.isOk())
        if (auto s = opened.value().setCipher(&cipher_); !s.isOk()) opened = s;
      if (!opened.isOk()) {
        log::warn("store_reader_open_failed",
                  {{"reader", std::to_string(index)}, {"error", opened.status().message()}});
      } else {
        db = std::move(opened).value();
      }
    }
    job(db.raw() ? &db : nullptr);
    // A connection that hit an error is replaced on the next job, like the writer's.
    int code = db.raw() ? db.lastErrorCode() & 0xff : SQLITE_OK;
    if (code == SQLITE_IOERR || code == SQLITE_CORRUPT || code == SQLITE_NOTADB) db.close();
  }
}

}  // namespace xj::storage
