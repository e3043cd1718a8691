#include "hub/storage/sqlite_db.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>

#include "hub/core/log.h"
#include "hub/security/field_cipher.h"
#include "hub/storage/person_key_column.h"

namespace xj::storage {
namespace {

std::atomic<int64_t> g_unreadable{0};

void countUnreadable(std::string_view label) {
  // The first few are logged (the label only: what kind of field, never its content); all are
  // counted for /metrics.
  if (g_unreadable.fetch_add(1) < 10)
    log::error("sealed_value_unreadable",
               {{"field", std::string(label)},
                {"why", "its data key is not installed, or the row was altered"}});
}

// xj_open(value, label): a sealed value's plaintext for SQL that reads inside it; text as it is;
// NULL when it does not open.
void sqlOpen(sqlite3_context* ctx, int, sqlite3_value** argv) {
  const auto* cipher = static_cast<const security::FieldCipher*>(sqlite3_user_data(ctx));
  if (sqlite3_value_type(argv[0]) != SQLITE_BLOB) {
    sqlite3_result_value(ctx, argv[0]);
    return;
  }
  std::string_view value(static_cast<const char*>(sqlite3_value_blob(argv[0])),
                         static_cast<size_t>(sqlite3_value_bytes(argv[0])));
  const auto* label_p = sqlite3_value_text(argv[1]);
  std::string_view label(
      reinterpret_cast<const char*>(label_p ? label_p : (const unsigned char*)""),
      static_cast<size_t>(sqlite3_value_bytes(argv[1])));
  std::string plain;
  if (!cipher || !cipher->open(value, label, plain)) {
    countUnreadable(label);
    sqlite3_result_null(ctx);
    return;
  }
  sqlite3_result_text(ctx, plain.data(), static_cast<int>(plain.size()), SQLITE_TRANSIENT);
}

}  // namespace

int64_t unreadableSealedValues() { return g_unreadable.load(); }

Stmt::Stmt(sqlite3* db, std::string_view sql, const security::FieldCipher* cipher)
    : db_(db), cipher_(cipher) {
  if (sqlite3_prepare_v3(db, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT,
                         &s_, nullptr) != SQLITE_OK) {
    s_ = nullptr;
  }
}

Stmt::~Stmt() {
  if (s_) sqlite3_finalize(s_);
}

Stmt& Stmt::operator=(Stmt&& o) noexcept {
  if (this != &o) {
    if (s_) sqlite3_finalize(s_);
    s_ = o.s_;
    db_ = o.db_;
    cipher_ = o.cipher_;
    o.s_ = nullptr;
  }
  return *this;
}

Stmt& Stmt::bind(int i, std::string_view v) {
  sqlite3_bind_text(s_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
  return *this;
}
Stmt& Stmt::bindStatic(int i, std::string_view v) {
  sqlite3_bind_text(s_, i, v.data(), static_cast<int>(v.size()), SQLITE_STATIC);
  return *this;
}
Stmt& Stmt::bind(int i, int64_t v) {
  sqlite3_bind_int64(s_, i, v);
  return *this;
}
Stmt& Stmt::bindPersonKey(int i, std::string_view key) {
  storage::bindPersonKey(s_, i, key);
  return *this;
}
std::string Stmt::personKey(int col) const { return personKeyColumn(s_, col); }
Stmt& Stmt::bindBlobStatic(int i, std::string_view v) {
  sqlite3_bind_blob(s_, i, v.data(), static_cast<int>(v.size()), SQLITE_STATIC);
  return *this;
}
Stmt& Stmt::bindSealed(int i, std::string_view plaintext, std::string_view label) {
  if (plaintext.empty()) return bindStatic(i, "");
  if (!cipher_) return bindNull(i);
  std::string sealed = cipher_->seal(plaintext, label);
  sqlite3_bind_blob(s_, i, sealed.data(), static_cast<int>(sealed.size()), SQLITE_TRANSIENT);
  return *this;
}
std::string Stmt::opened(int col, std::string_view label) const {
  if (sqlite3_column_type(s_, col) != SQLITE_BLOB) return text(col);
  std::string_view value = blob(col);
  std::string plain;
  if (!cipher_ || !cipher_->open(value, label, plain)) {
    countUnreadable(label);
    return {};
  }
  return plain;
}

ScopedStmt& ScopedStmt::bindSealed(int i, std::string_view plaintext, std::string_view label) {
  if (plaintext.empty()) return bind(i, "");
  const auto* cipher = s_.cipher();
  if (!cipher) return bindNull(i);
  sealed_.push_front(cipher->seal(plaintext, label));
  s_.bindBlobStatic(i, sealed_.front());
  return *this;
}
Stmt& Stmt::bindNull(int i) {
  sqlite3_bind_null(s_, i);
  return *this;
}
int Stmt::step() { return sqlite3_step(s_); }
void Stmt::reset() {
  sqlite3_reset(s_);
  sqlite3_clear_bindings(s_);
}
std::string Stmt::text(int col) const {
  const auto* p = sqlite3_column_text(s_, col);
  if (!p) return {};
  return std::string(reinterpret_cast<const char*>(p),
                     static_cast<size_t>(sqlite3_column_bytes(s_, col)));
}
std::string_view Stmt::blob(int col) const {
  const void* p = sqlite3_column_blob(s_, col);
  if (!p) return {};
  return {static_cast<const char*>(p), static_cast<size_t>(sqlite3_column_bytes(s_, col))};
}
int64_t Stmt::takeRuns() { return s_ ? sqlite3_stmt_status(s_, SQLITE_STMTSTATUS_RUN, 1) : 0; }
int64_t Stmt::int64(int col) const { return sqlite3_column_int64(s_, col); }
bool Stmt::isNull(int col) const { return sqlite3_column_type(s_, col) == SQLITE_NULL; }
bool Stmt::isText(int col) const { return sqlite3_column_type(s_, col) == SQLITE_TEXT; }

Db::~Db() { close(); }

Db& Db::operator=(Db&& o) noexcept {
  if (this != &o) {
    close();
    db_ = o.db_;
    cache_ = std::move(o.cache_);
    txn_ = std::move(o.txn_);
    cipher_ = o.cipher_;
    o.db_ = nullptr;
  }
  return *this;
}

Status Db::setCipher(const security::FieldCipher* cipher) {
  cipher_ = cipher;
  for (auto& slot : cache_) slot.reset();  // prepared with the previous one
  if (sqlite3_create_function_v2(db_, "xj_open", 2, SQLITE_UTF8,
                                 const_cast<security::FieldCipher*>(cipher), sqlOpen, nullptr,
                                 nullptr, nullptr) != SQLITE_OK)
    return Status::ioError(std::string("register xj_open: ") + sqlite3_errmsg(db_));
  return Status::ok();
}

ScopedStmt Db::cached(Sql id) {
  auto& slot = cache_[static_cast<size_t>(id)];
  if (!slot) slot = std::make_unique<Stmt>(db_, sqlText(id), cipher_);
  slot->reset();
  return ScopedStmt(*slot);
}

std::array<int64_t, static_cast<size_t>(Sql::kCount)> Db::takeStatementRuns() {
  std::array<int64_t, static_cast<size_t>(Sql::kCount)> out{};
  for (size_t i = 0; i < cache_.size(); ++i)
    if (cache_[i]) out[i] = cache_[i]->takeRuns();
  return out;
}

void Db::close() {
  for (auto& slot : cache_) slot.reset();
  for (auto& slot : txn_) slot.reset();
  if (db_) {
    sqlite3_close_v2(db_);
    db_ = nullptr;
  }
}

namespace {
// Before the first connection: no global memory statistics (a mutex on every malloc), and
// multi-thread mode (each connection is confined to one thread; no per-connection mutex).
struct GlobalConfig {
  GlobalConfig() {
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    sqlite3_config(SQLITE_CONFIG_MULTITHREAD);
    sqlite3_initialize();
  }
};

// The database holds personal data: it is made (or tightened to) mode 0600 before SQLite opens
// it, whatever the umask. SQLite creates the -wal and -shm files with the database file's mode;
// ones left by an older build are tightened here too. Never by opening and closing an existing
// file: close() drops every POSIX lock this process holds on it, which would let another process
// think our connections gone (and, e.g., delete the WAL under them). So an existing file is only
// chmod-ed by path, and a new one is made with O_EXCL (nobody can hold a lock on it yet).
Status restrictToOwner(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    if (errno != ENOENT) return Status::ioError("stat " + path + ": " + std::strerror(errno));
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd >= 0) {
      ::close(fd);
    } else if (errno != EEXIST) {
      return Status::ioError("create " + path + ": " + std::strerror(errno));
    }
  }
  for (const char* suffix : {"", "-wal", "-shm"}) {
    std::string file = path + suffix;
    if (::stat(file.c_str(), &st) != 0 || (st.st_mode & 0777) == 0600) continue;
    if (::chmod(file.c_str(), 0600) != 0)
      return Status::ioError("chmod 600 " + file + ": " + std::strerror(errno));
  }
  return Status::ok();
}

}  // namespace

Result<Db> Db::open(const std::string& path, bool read_only) {
  static GlobalConfig once;
  if (!read_only) {
    if (auto s = restrictToOwner(path); !s.isOk()) return s;
  }
  Db db;
  int flags = read_only ? SQLITE_OPEN_READONLY : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  flags |= SQLITE_OPEN_NOMUTEX;  // each connection is confined to one thread
  if (sqlite3_open_v2(path.c_str(), &db.db_, flags, nullptr) != SQLITE_OK) {
    std::string err = db.db_ ? sqlite3_errmsg(db.db_) : "out of memory";
    return Status::ioError("open " + path + ": " + err);
  }
  sqlite3_extended_result_codes(db.db_, 1);
  sqlite3_busy_timeout(db.db_, 5000);
  if (!read_only) {
    // WAL lets readers run beside the single writer; FULL fsyncs the WAL on every commit, which
    // is what makes "202 after commit" a promise that survives power loss.
    // A new database gets 2,048-byte pages (SQLite's default is 4,096). Most of what a commit
    // writes are pages dirtied by a single random insert (the person-key indexes), each copied
    // whole into the WAL: half-size pages halve that. Measured with bench/writer:
    // -30 % WAL bytes per message for +1 % instructions. Set before the first table exists; on
    // an existing database it changes nothing (WAL mode keeps the page size it was made with).
    if (auto s = db.exec("PRAGMA page_size=2048"); !s.isOk()) return s;
    if (auto s = db.exec("PRAGMA journal_mode=WAL"); !s.isOk()) return s;
    // Checkpoint every 10,000 pages (~40 MB of WAL) instead of every 1,000: a page that many
    // commits dirty (the tails of the append-only tables and indexes, hot index pages) is copied
    // into the database once per checkpoint, not once per 1,000 pages. Measured with the mixed
    // workload: ~22 % fewer bytes written per message.
    if (auto s = db.exec("PRAGMA wal_autocheckpoint=10000"); !s.isOk()) return s;
    // 32 MiB of page cache (default 2 MB): the indexes on person keys take random inserts, and
    // at a million stored messages their pages no longer fit the default cache.
    if (auto s = db.exec("PRAGMA cache_size=-32768"); !s.isOk()) return s;
  }
  if (auto s = db.exec("PRAGMA synchronous=FULL"); !s.isOk()) return s;
  // xj_open exists on every connection, so that every registry statement prepares; without a
  // cipher it reads a sealed value as NULL.
  if (auto s = db.setCipher(nullptr); !s.isOk()) return s;
  return db;
}

Status Db::exec(std::string_view sql) {
  char* err = nullptr;
  std::string q(sql);
  int rc = sqlite3_exec(db_, q.c_str(), nullptr, nullptr, &err);
  if (rc != SQLITE_OK) {
    std::string msg = err ? err : sqlite3_errstr(rc);
    sqlite3_free(err);
    return Status::ioError(msg);
  }
  return Status::ok();
}

Status Db::runTxn(size_t slot, const char* sql) {
  auto& st = txn_[slot];
  if (!st) {
    st = std::make_unique<Stmt>(db_, sql);
    if (!st->valid()) {
      std::string msg = lastError();
      st.reset();
      return Status::ioError(msg);
    }
  }
  int rc = st->step();
  std::string msg = rc == SQLITE_DONE ? std::string() : lastError();
  // Reset at once: a finished COMMIT statement left unreset would keep nothing open, but the
  // next BEGIN must find every statement of this connection idle.
  st->reset();
  if (rc != SQLITE_DONE) return Status::ioError(msg);
  return Status::ok();
}

std::string Db::lastError() const { return db_ ? sqlite3_errmsg(db_) : "closed"; }
int Db::lastErrorCode() const { return db_ ? sqlite3_extended_errcode(db_) : SQLITE_MISUSE; }

}  // namespace xj::storage
