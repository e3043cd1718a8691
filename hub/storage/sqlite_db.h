// Thin RAII over sqlite3 and sqlite3_stmt. Internal to hub/storage: the only code in the tree
// that includes sqlite3.h. A Db is used by one thread at a time (each store thread owns its own).
#pragma once

#include <sqlite3.h>

#include <array>
#include <cstdint>
#include <forward_list>
#include <memory>
#include <string>
#include <string_view>

#include "hub/core/status.h"
#include "hub/storage/statements.h"

namespace xj::security {
class FieldCipher;
}

namespace xj::storage {

// Sealed values (sealed_columns.h) that did not open since start: a wrong or missing data key,
// or an altered row. Each one read as '' (never a crash); any thread.
int64_t unreadableSealedValues();

class Stmt {
 public:
  Stmt() = default;
  Stmt(sqlite3* db, std::string_view sql, const security::FieldCipher* cipher = nullptr);
  ~Stmt();
  Stmt(Stmt&& o) noexcept : s_(o.s_), db_(o.db_), cipher_(o.cipher_) { o.s_ = nullptr; }
  Stmt& operator=(Stmt&& o) noexcept;
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;

  bool valid() const { return s_ != nullptr; }
  const security::FieldCipher* cipher() const { return cipher_; }
  // Copies the text (SQLITE_TRANSIENT): safe whatever the caller does with `v` afterwards.
  Stmt& bind(int i, std::string_view v);
  // Binds the text without a copy (SQLITE_STATIC): `v` must stay alive and unchanged until the
  // statement is reset or its bindings cleared. ScopedStmt uses it; see there.
  Stmt& bindStatic(int i, std::string_view v);
  Stmt& bind(int i, int64_t v);
  Stmt& bindNull(int i);
  // A person key (person_key_column.h): stored as its 32 bytes.
  Stmt& bindPersonKey(int i, std::string_view key);
  // A personal field (sealed_columns.h): sealed under the connection's cipher for `label` and
  // bound as a blob (copied); '' is bound as ''. A connection without a cipher binds NULL, which
  // the column's NOT NULL refuses: personal data is never written in clear by mistake.
  Stmt& bindSealed(int i, std::string_view plaintext, std::string_view label);
  // Binds bytes as a blob without a copy (see bindStatic).
  Stmt& bindBlobStatic(int i, std::string_view v);
  // SQLITE_ROW, SQLITE_DONE or an error code.
  int step();
  void reset();
  std::string text(int col) const;
  // The column's bytes, valid until the next step or reset.
  std::string_view blob(int col) const;
  int64_t int64(int col) const;
  bool isNull(int col) const;
  bool isText(int col) const;
  int columns() const { return s_ ? sqlite3_column_count(s_) : 0; }
  // A person-key column as the domain's hex text.
  std::string personKey(int col) const;
  // A sealed column's plaintext: opened when sealed, as stored when it is text (written before
  // encryption); '' when it does not open (counted in unreadableSealedValues()).
  std::string opened(int col, std::string_view label) const;
  // How many times the statement ran to completion or a row since the last call (resets).
  int64_t takeRuns();

 private:
  sqlite3_stmt* s_ = nullptr;
  sqlite3* db_ = nullptr;
  const security::FieldCipher* cipher_ = nullptr;  // the connection's (Db::setCipher)
};

// A cached statement borrowed for one use: bindings are cleared on loan and the statement is
// reset when the loan ends, so no read stays open into the next COMMIT.
//
// Text is bound without a copy (SQLITE_STATIC): every value bound is the caller's, alive for the
// whole loan (the loan is a local that ends before the caller's values do), and the bindings are
// cleared when the loan ends, so SQLite never holds a pointer past it. Copying every text cost
// the writer ~10 % of its instructions (bench/RESULTS.md). A temporary std::string would die
// before the step: binding one does not compile.
class ScopedStmt {
 public:
  explicit ScopedStmt(Stmt& s) : s_(s) {}
  ~ScopedStmt() { s_.reset(); }
  ScopedStmt(const ScopedStmt&) = delete;
  ScopedStmt& operator=(const ScopedStmt&) = delete;
  bool valid() const { return s_.valid(); }
  ScopedStmt& bind(int i, std::string_view v) {
    s_.bindStatic(i, v);
    return *this;
  }
  ScopedStmt& bind(int i, const char* v) { return bind(i, std::string_view(v)); }
  ScopedStmt& bind(int i, std::string&& v) = delete;
  ScopedStmt& bind(int i, int64_t v) {
    s_.bind(i, v);
    return *this;
  }
  ScopedStmt& bindNull(int i) {
    s_.bindNull(i);
    return *this;
  }
  ScopedStmt& bindPersonKey(int i, std::string_view key) {
    s_.bindPersonKey(i, key);
    return *this;
  }
  // Seals into a buffer this loan owns, then binds it without a copy (see Stmt::bindSealed).
  ScopedStmt& bindSealed(int i, std::string_view plaintext, std::string_view label);
  ScopedStmt& bindSealed(int i, std::string&& plaintext, std::string_view label) = delete;
  int step() { return s_.step(); }
  void reset() { s_.reset(); }
  std::string text(int col) const { return s_.text(col); }
  int64_t int64(int col) const { return s_.int64(col); }
  bool isNull(int col) const { return s_.isNull(col); }
  std::string personKey(int col) const { return s_.personKey(col); }
  std::string opened(int col, std::string_view label) const { return s_.opened(col, label); }
  Stmt& raw() { return s_; }

 private:
  Stmt& s_;
  std::forward_list<std::string> sealed_;  // this loan's sealed values (stable addresses)
};

class Db {
 public:
  Db() = default;
  ~Db();
  Db(Db&& o) noexcept
      : db_(o.db_), cache_(std::move(o.cache_)), txn_(std::move(o.txn_)), cipher_(o.cipher_) {
    o.db_ = nullptr;
  }
  Db& operator=(Db&& o) noexcept;
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;

  // Opens (creating if asked) with WAL, synchronous=FULL, a busy timeout and foreign keys.
  static Result<Db> open(const std::string& path, bool read_only);

  sqlite3* raw() const { return db_; }
  // The cipher of this connection's sealed columns (it must outlive the connection), and
  // xj_open(value, label) for SQL that reads inside one (json_extract, instr). Before the first
  // statement is prepared.
  [[nodiscard]] Status setCipher(const security::FieldCipher* cipher);
  const security::FieldCipher* cipher() const { return cipher_; }
  Status exec(std::string_view sql);
  // The writer's transaction control, prepared once per connection: sqlite3_exec parses and
  // prepares its text at every call, a cost per batch that buys nothing. Same answers as
  // exec("BEGIN IMMEDIATE") and so on (the error code stays on the connection for lastErrorCode).
  Status beginImmediate() { return runTxn(0, "BEGIN IMMEDIATE"); }
  Status commit() { return runTxn(1, "COMMIT"); }
  Status rollback() { return runTxn(2, "ROLLBACK"); }
  Stmt prepare(std::string_view sql) { return Stmt(db_, sql, cipher_); }
  // A statement prepared once per connection and reused: the hot paths of the writer and the
  // readers run the same few statements thousands of times a second. Only statements of the
  // registry (statements.h), so that the query-plan test sees every one.
  ScopedStmt cached(Sql id);
  // Runs of each registry statement on this connection since the last call (resets them).
  std::array<int64_t, static_cast<size_t>(Sql::kCount)> takeStatementRuns();
  std::string lastError() const;
  int lastErrorCode() const;
  void close();

 private:
  Status runTxn(size_t slot, const char* sql);

  sqlite3* db_ = nullptr;
  std::array<std::unique_ptr<Stmt>, static_cast<size_t>(Sql::kCount)> cache_;
  std::array<std::unique_ptr<Stmt>, 3> txn_;  // BEGIN IMMEDIATE, COMMIT, ROLLBACK
  const security::FieldCipher* cipher_ = nullptr;
};

}  // namespace xj::storage
