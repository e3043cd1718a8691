#include "hub/storage/key_walk.h"

#include <iterator>

#include "hub/storage/sealed_columns.h"
#include "hub/storage/sqlite_db.h"

namespace xj::storage {
namespace {

using sealed::kTables;

// "SELECT key, col1, col2 FROM t WHERE key > ?1 ORDER BY key LIMIT ?3"; a two-column key
// compares as a row value: (a, b) > (?1, ?2).
std::string selectSql(const sealed::Table& t) {
  std::string sql = "SELECT " + std::string(t.key);
  for (int c = 0; c < t.column_count; ++c) sql += ", " + std::string(t.columns[c].name);
  sql += " FROM " + std::string(t.name) + " WHERE ";
  sql +=
      t.key_columns == 1 ? std::string(t.key) + " > ?1" : "(" + std::string(t.key) + ") > (?1, ?2)";
  sql += " ORDER BY " + std::string(t.key) + " LIMIT ?3";
  return sql;
}

std::string updateSql(const sealed::Table& t, int c) {
  std::string sql =
      "UPDATE " + std::string(t.name) + " SET " + std::string(t.columns[c].name) + " = ?3 WHERE ";
  sql +=
      t.key_columns == 1 ? std::string(t.key) + " = ?1" : "(" + std::string(t.key) + ") = (?1, ?2)";
  return sql;
}

struct Cursor {
  int64_t i = 0;
  std::string a, b;
};

void bindKey(Stmt& st, const sealed::Table& t, const Cursor& k) {
  if (t.key_columns == 1) {
    st.bind(1, k.i);
  } else {
    st.bind(1, k.a).bind(2, k.b);
  }
}

// A row's key and the sealed values that need sealing again (column index, plaintext).
struct Pending {
  Cursor key;
  std::vector<std::pair<int, std::string>> values;
};

Status saveWalk(Db& db, uint32_t key, int table_index, const Cursor& c) {
  auto st = db.prepare(
      "INSERT INTO key_walk(id, key_id, table_index, cursor_int, cursor_a, cursor_b) "
      "VALUES(1, ?1, ?2, ?3, ?4, ?5) ON CONFLICT(id) DO UPDATE SET key_id=excluded.key_id, "
      "table_index=excluded.table_index, cursor_int=excluded.cursor_int, "
      "cursor_a=excluded.cursor_a, cursor_b=excluded.cursor_b");
  st.bind(1, static_cast<int64_t>(key)).bind(2, static_cast<int64_t>(table_index));
  st.bind(3, c.i).bind(4, c.a).bind(5, c.b);
  if (st.step() != SQLITE_DONE) return Status::ioError("key_walk: " + db.lastError());
  return Status::ok();
}

// Up to `left` rows of `t` after `cursor`: what is in clear or under another key than the
// active one is sealed again. Moves `cursor` to the last row read; answers how many were read.
Result<int> walkTable(Db& db, const security::FieldCipher& cipher, const sealed::Table& t,
                      Cursor& cursor, int left, KeyWalkStep& out) {
  const uint32_t active = cipher.activeKeyId();
  std::vector<Pending> pending;
  int got = 0;
  {
    auto st = db.prepare(selectSql(t));
    if (!st.valid()) return Status::ioError("key walk: " + db.lastError());
    bindKey(st, t, cursor);
    st.bind(3, static_cast<int64_t>(left));
    int rc;
    while ((rc = st.step()) == SQLITE_ROW) {
      ++got;
      Pending p;
      if (t.key_columns == 1) {
        p.key.i = st.int64(0);
      } else {
        p.key.a = st.text(0);
        p.key.b = st.text(1);
      }
      for (int c = 0; c < t.column_count; ++c) {
        const int col = t.key_columns + c;
        std::string_view v = st.blob(col);
        auto key = security::FieldCipher::keyIdOf(v);
        if (st.isText(col)) {
          if (!v.empty()) p.values.emplace_back(c, std::string(v));
        } else if (key && *key != active) {
          std::string plain;
          if (cipher.open(v, t.columns[c].label, plain))
            p.values.emplace_back(c, std::move(plain));
          else
            ++out.unreadable;
        }
      }
      cursor = p.key;
      if (!p.values.empty()) pending.push_back(std::move(p));
    }
    if (rc != SQLITE_DONE) return Status::ioError("key walk: " + db.lastError());
  }
  std::vector<Stmt> updates(static_cast<size_t>(t.column_count));
  for (const auto& p : pending) {
    for (const auto& [c, plain] : p.values) {
      auto& up = updates[static_cast<size_t>(c)];
      if (!up.valid()) up = db.prepare(updateSql(t, c));
      up.reset();
      bindKey(up, t, p.key);
      up.bindSealed(3, plain, t.columns[c].label);
      if (up.step() != SQLITE_DONE) return Status::ioError("key walk: " + db.lastError());
      ++out.resealed;
    }
  }
  return got;
}

}  // namespace

int KeyWalkState::tableCount() { return static_cast<int>(std::size(kTables)); }

Result<KeyWalkState> readKeyWalk(Db& db) {
  auto st = db.prepare(
      "SELECT (SELECT key_id FROM data_keys WHERE state = 'active'), "
      "(SELECT count(*) FROM data_keys WHERE state = 'retiring'), "
      "(SELECT key_id FROM key_walk WHERE id = 1), (SELECT table_index FROM key_walk WHERE id = "
      "1)");
  if (st.step() != SQLITE_ROW) return Status::ioError("key_walk: " + db.lastError());
  KeyWalkState s;
  s.active_key = static_cast<uint32_t>(st.int64(0));
  s.retiring_keys = static_cast<int>(st.int64(1));
  s.walk_key = static_cast<uint32_t>(st.int64(2));
  s.table_index = static_cast<int>(st.int64(3));
  return s;
}

Result<KeyWalkStep> stepKeyWalk(Db& db, const security::FieldCipher& cipher, int rows,
                                const std::string& at) {
  auto state = readKeyWalk(db);
  if (!state.isOk()) return state.status();
  KeyWalkState s = state.value();
  const uint32_t active = cipher.activeKeyId();
  if (s.active_key == 0 || active != s.active_key)
    return Status::invalid("key walk: the active data key is not installed");
  Cursor cursor;
  if (s.walk_key != active) {
    s.walk_key = active;  // a rotation since the walk began: start again from the first table
    s.table_index = 0;
  } else {
    auto st = db.prepare("SELECT cursor_int, cursor_a, cursor_b FROM key_walk WHERE id = 1");
    if (st.step() == SQLITE_ROW) cursor = {st.int64(0), st.text(1), st.text(2)};
  }
  KeyWalkStep out;
  int left = rows;
  while (left > 0 && s.table_index < KeyWalkState::tableCount()) {
    auto got = walkTable(db, cipher, kTables[s.table_index], cursor, left, out);
    if (!got.isOk()) return got.status();
    if (got.value() < left) {  // the table ended before the batch did
      ++s.table_index;
      cursor = Cursor{};
    }
    left -= got.value();
  }
  if (auto st = saveWalk(db, s.walk_key, s.table_index, cursor); !st.isOk()) return st;
  if (s.table_index >= KeyWalkState::tableCount()) {
    out.finished = true;
    {
      auto st = db.prepare("SELECT key_id FROM data_keys WHERE state = 'retiring'");
      while (st.step() == SQLITE_ROW) out.destroyed.push_back(static_cast<uint32_t>(st.int64(0)));
    }
    auto st = db.prepare(
        "UPDATE data_keys SET state = 'destroyed', wrapped = NULL, retired_at = ?1 "
        "WHERE state = 'retiring'");
    st.bind(1, at);
    if (st.step() != SQLITE_DONE) return Status::ioError("data_keys: " + db.lastError());
  }
  return out;
}

std::vector<std::pair<std::string, std::string>> keyWalkStatements() {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& t : kTables) {
    out.emplace_back("key_walk/" + std::string(t.name), selectSql(t));
    for (int c = 0; c < t.column_count; ++c)
      out.emplace_back("key_walk/" + std::string(t.name) + "." + std::string(t.columns[c].name),
                       updateSql(t, c));
  }
  return out;
}

}  // namespace xj::storage
