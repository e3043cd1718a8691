#include "hub/storage/sqlite_store.h"

#include <cstdio>
#include <filesystem>

#include "hub/core/log.h"
#include "hub/storage/migrations.h"
#include "hub/storage/sqlite_db.h"

namespace xj::storage {
namespace {

std::string hubIdOf(int64_t seq) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "xj-%010lld", static_cast<long long>(seq));
  return buf;
}

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

Receipt receiptFrom(Stmt& st) {
  // columns: hub_seq, source, message_id, kind, received_at, status
  Receipt r;
  r.hub_id = hubIdOf(st.int64(0));
  r.source = st.text(1);
  r.message_id = st.text(2);
  r.kind = parseMessageKind(st.text(3)).value_or(MessageKind::kTicket);
  r.received_at = st.text(4);
  r.status = st.text(5);
  return r;
}

}  // namespace

// The writer's connection and statements; touched only by the writer thread.
class SqliteStore::Writer {
 public:
  explicit Writer(std::string path) : path_(std::move(path)) {}

  Status ensureOpen() {
    if (db_.raw()) return Status::ok();
    auto db = Db::open(path_, false);
    if (!db.isOk()) return db.status();
    db_ = std::move(db).value();
    find_ = db_.prepare(
        "SELECT hub_seq, source, message_id, kind, received_at, status, body_hash FROM messages "
        "WHERE source=?1 AND message_id=?2");
    insert_ = db_.prepare(
        "INSERT INTO messages(source, message_id, kind, township, occurred_at, received_at, status, "
        "body_hash, payload) VALUES(?1,?2,?3,?4,?5,?6,'accepted',?7,?8)");
    if (!find_.valid() || !insert_.valid()) {
      auto err = db_.lastError();
      reset();
      return Status::ioError("prepare: " + err);
    }
    return Status::ok();
  }

  void reset() {
    find_ = Stmt();
    insert_ = Stmt();
    db_.close();
  }

  Status setMaxPageCount(int64_t pages) {
    if (auto s = ensureOpen(); !s.isOk()) return s;
    return db_.exec("PRAGMA max_page_count=" + std::to_string(pages > 0 ? pages : 4294967294LL));
  }

  // One transaction for the whole batch. Fills `results`; on failure returns the error and the
  // caller answers every job kUnavailable (the rollback leaves none of them stored).
  Status commit(std::vector<WriteJob>& jobs, std::vector<IngestResult>& results) {
    if (auto s = ensureOpen(); !s.isOk()) return s;
    if (auto s = db_.exec("BEGIN IMMEDIATE"); !s.isOk()) return fail("begin");
    results.assign(jobs.size(), {});
    for (size_t i = 0; i < jobs.size(); ++i) {
      const auto& rec = jobs[i].record;
      find_.reset();
      find_.bind(1, rec.source).bind(2, rec.message_id);
      int rc = find_.step();
      if (rc == SQLITE_ROW) {
        results[i].receipt = receiptFrom(find_);
        results[i].outcome =
            find_.text(6) == rec.body_hash ? IngestOutcome::kDuplicate : IngestOutcome::kConflict;
        find_.reset();
        continue;
      }
      find_.reset();
      if (rc != SQLITE_DONE) return fail("find");
      insert_.reset();
      insert_.bind(1, rec.source)
          .bind(2, rec.message_id)
          .bind(3, toString(rec.kind))
          .bind(4, rec.township)
          .bind(5, rec.occurred_at)
          .bind(6, rec.received_at)
          .bind(7, rec.body_hash)
          .bind(8, rec.payload);
      rc = insert_.step();
      insert_.reset();
      if (rc != SQLITE_DONE) return fail("insert");
      auto& r = results[i];
      r.outcome = IngestOutcome::kAccepted;
      r.receipt.hub_id = hubIdOf(sqlite3_last_insert_rowid(db_.raw()));
      r.receipt.message_id = rec.message_id;
      r.receipt.source = rec.source;
      r.receipt.kind = rec.kind;
      r.receipt.received_at = rec.received_at;
      r.receipt.status = "accepted";
    }
    if (auto s = db_.exec("COMMIT"); !s.isOk()) return fail("commit");
    return Status::ok();
  }

 private:
  Status fail(const char* step) {
    int code = db_.lastErrorCode();
    std::string msg = std::string(step) + ": " + db_.lastError();
    (void)db_.exec("ROLLBACK");
    // After an I/O error the connection may be unusable; a fresh one costs little and is how
    // the store heals when the disk comes back. A full database keeps its connection.
    if ((code & 0xff) == SQLITE_IOERR || (code & 0xff) == SQLITE_CORRUPT || (code & 0xff) == SQLITE_CANTOPEN)
      reset();
    return (code & 0xff) == SQLITE_FULL ? Status::unavailable("storage full: " + msg) : Status::ioError(msg);
  }

  std::string path_;
  Db db_;
  Stmt find_;
  Stmt insert_;
};

SqliteStore::SqliteStore(const StoreConfig& config, MetricsRegistry& metrics)
    : config_(config),
      metrics_(metrics),
      batch_sizes_(metrics.histogram("xianjie_store_commit_batch_size", "Messages per group commit",
                                     {1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024})),
      commit_failures_(metrics.counter("xianjie_store_commit_failures_total", "Failed group commits")) {}

Result<std::unique_ptr<SqliteStore>> SqliteStore::open(const StoreConfig& config, MetricsRegistry& metrics) {
  std::error_code ec;
  auto parent = std::filesystem::path(config.path).parent_path();
  if (!parent.empty()) std::filesystem::create_directories(parent, ec);
  {
    auto db = Db::open(config.path, false);
    if (!db.isOk()) return db.status();
    if (auto s = migrate(db.value()); !s.isOk()) return s;
  }
  std::unique_ptr<SqliteStore> store(new SqliteStore(config, metrics));
  store->writer_ = std::make_unique<Writer>(config.path);
  if (auto s = store->writer_->ensureOpen(); !s.isOk()) return s;
  if (config.max_page_count > 0) store->pending_max_pages_.store(config.max_page_count);
  metrics.gauge("xianjie_store_writer_queue_depth", "Messages waiting for the writer",
                [s = store.get()] { return static_cast<double>(s->queueDepth()); });
  metrics.gauge("xianjie_store_healthy", "1 while the last commit succeeded",
                [s = store.get()] { return s->healthy() ? 1.0 : 0.0; });
  store->writer_thread_ = std::thread([s = store.get()] { s->writerLoop(); });
  for (int i = 0; i < config.readers; ++i)
    store->reader_threads_.emplace_back([s = store.get(), i] { s->readerLoop(i); });
  return store;
}

SqliteStore::~SqliteStore() { stop(); }

bool SqliteStore::submit(IngestRecord record, IngestCallback done) {
  {
    std::lock_guard lock(mu_);
    if (stopping_ || write_queue_.size() >= static_cast<size_t>(config_.queue_capacity)) return false;
    write_queue_.push_back({std::move(record), std::move(done)});
  }
  writer_cv_.notify_one();
  return true;
}

bool SqliteStore::lookup(std::string id, std::string source, LookupCallback done) {
  {
    std::lock_guard lock(mu_);
    if (stopping_ || read_queue_.size() >= static_cast<size_t>(config_.queue_capacity)) return false;
    read_queue_.push_back({std::move(id), std::move(source), std::move(done)});
  }
  reader_cv_.notify_one();
  return true;
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

void SqliteStore::writerLoop() {
  std::vector<WriteJob> batch;
  std::vector<IngestResult> results;
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
        batch.push_back(std::move(write_queue_.front()));
        write_queue_.pop_front();
      }
    }
    int64_t pages = pending_max_pages_.exchange(-1);
    if (pages >= 0) {
      if (auto s = writer_->setMaxPageCount(pages); !s.isOk())
        log::warn("store_fault_injection_failed", {{"error", s.message()}});
    }
    Status s = writer_->commit(batch, results);
    batch_sizes_.observe(static_cast<double>(batch.size()));
    if (!s.isOk()) {
      commit_failures_.inc();
      if (healthy_.exchange(false)) log::error("store_commit_failed", {{"error", s.message()}, {"batch", std::to_string(batch.size())}});
      for (auto& job : batch) {
        IngestResult r;
        r.outcome = IngestOutcome::kUnavailable;
        r.detail = s.code() == StatusCode::kUnavailable ? "storage full" : "storage error";
        job.done(std::move(r));
      }
      continue;
    }
    if (!healthy_.exchange(true)) log::info("store_recovered");
    for (size_t i = 0; i < batch.size(); ++i) batch[i].done(std::move(results[i]));
  }
  writer_->reset();
}

void SqliteStore::readerLoop(int index) {
  Db db;
  Stmt by_seq, by_key;
  auto ensure = [&]() -> bool {
    if (db.raw()) return true;
    auto opened = Db::open(config_.path, true);
    if (!opened.isOk()) {
      log::warn("store_reader_open_failed", {{"reader", std::to_string(index)}, {"error", opened.status().message()}});
      return false;
    }
    db = std::move(opened).value();
    const char* cols = "SELECT hub_seq, source, message_id, kind, received_at, status, payload FROM messages ";
    by_seq = db.prepare(std::string(cols) + "WHERE hub_seq=?1");
    by_key = db.prepare(std::string(cols) + "WHERE source=?1 AND message_id=?2");
    return by_seq.valid() && by_key.valid();
  };
  for (;;) {
    ReadJob job;
    {
      std::unique_lock lock(mu_);
      reader_cv_.wait(lock, [&] { return stopping_ || !read_queue_.empty(); });
      if (read_queue_.empty()) break;  // stopping
      job = std::move(read_queue_.front());
      read_queue_.pop_front();
    }
    if (!ensure()) {
      job.done(std::nullopt, false);
      continue;
    }
    std::optional<StoredMessage> found;
    bool ok = true;
    auto run = [&](Stmt& st) {
      int rc = st.step();
      if (rc == SQLITE_ROW) {
        found = StoredMessage{receiptFrom(st), st.text(6)};
      } else if (rc != SQLITE_DONE) {
        ok = false;
      }
      st.reset();
    };
    int64_t seq = seqOf(job.id);
    if (seq >= 0) {
      by_seq.bind(1, seq);
      run(by_seq);
    }
    if (!found && ok && !job.source.empty()) {
      by_key.bind(1, job.source).bind(2, job.id);
      run(by_key);
    }
    if (!ok) {
      by_seq = Stmt();
      by_key = Stmt();
      db.close();
    }
    job.done(std::move(found), ok);
  }
}

}  // namespace xj::storage
