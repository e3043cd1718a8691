#include "hub/storage/data_keys.h"

#include <filesystem>
#include <map>

#include "hub/storage/migrations.h"
#include "hub/storage/sqlite_db.h"

namespace xj::storage {
namespace {

// Runs `body` in BEGIN IMMEDIATE ... COMMIT, rolling back on its error.
template <typename F>
Status inTransaction(Db& db, F&& body) {
  if (auto s = db.exec("BEGIN IMMEDIATE"); !s.isOk()) return s;
  Status s = body();
  if (!s.isOk()) {
    (void)db.exec("ROLLBACK");
    return s;
  }
  return db.exec("COMMIT");
}

Result<Db> openExisting(const std::string& path) {
  if (!std::filesystem::exists(path)) return Status::notFound("no database at " + path);
  auto db = Db::open(path, false);
  if (!db.isOk()) return db.status();
  if (auto s = migrate(db.value()); !s.isOk()) return s;
  return db;
}

Status insertKey(Db& db, const security::KeyEncryptionKey& kek, uint32_t id,
                 const std::string& at) {
  std::string wrapped = kek.wrap(security::FieldCipher::newDataKey(), id);
  auto st = db.prepare(
      "INSERT INTO data_keys(key_id, wrapped, kek_fingerprint, state, created_at) "
      "VALUES(?1, ?2, ?3, 'active', ?4)");
  st.bind(1, static_cast<int64_t>(id)).bindBlobStatic(2, wrapped).bind(3, kek.fingerprint());
  st.bind(4, at);
  if (st.step() != SQLITE_DONE) return Status::ioError("data_keys: " + db.lastError());
  return Status::ok();
}

}  // namespace

Status ensureDataKey(Db& db, const security::KeyEncryptionKey& kek, const std::string& at) {
  return inTransaction(db, [&]() -> Status {
    auto st = db.prepare("SELECT count(*) FROM data_keys");
    if (st.step() != SQLITE_ROW) return Status::ioError("data_keys: " + db.lastError());
    if (st.int64(0) > 0) return Status::ok();
    if (auto s = insertKey(db, kek, 1, at); !s.isOk()) return s;
    // Whatever the database holds from before encryption is sealed by the walk under key 1;
    // a database with no row at all is done already (the walk then finds nothing).
    return Status::ok();
  });
}

Status installDataKeys(Db& db, const security::KeyEncryptionKey& kek,
                       security::FieldCipher& cipher) {
  auto st = db.prepare(
      "SELECT key_id, wrapped, state FROM data_keys WHERE state != 'destroyed' ORDER BY key_id");
  std::map<uint32_t, std::string> keys;
  uint32_t active = 0;
  int rc;
  while ((rc = st.step()) == SQLITE_ROW) {
    auto id = static_cast<uint32_t>(st.int64(0));
    auto key = kek.unwrap(st.blob(1), id);
    if (!key.isOk()) return key.status();
    keys.emplace(id, std::move(key).value());
    if (st.text(2) == "active") active = id;
  }
  if (rc != SQLITE_DONE) return Status::ioError("data_keys: " + db.lastError());
  if (active == 0) return Status::notFound("data_keys: no active data key");
  cipher.install(std::move(keys), active);
  return Status::ok();
}

Result<uint32_t> rotateDataKey(Db& db, const security::KeyEncryptionKey& kek,
                               const std::string& at) {
  uint32_t next = 0;
  Status s = inTransaction(db, [&]() -> Status {
    {
      // The active key must open with this key-encryption key, or the hub could not either.
      auto st = db.prepare("SELECT key_id, wrapped FROM data_keys WHERE state = 'active'");
      if (st.step() == SQLITE_ROW) {
        auto id = static_cast<uint32_t>(st.int64(0));
        if (auto k = kek.unwrap(st.blob(1), id); !k.isOk()) return k.status();
      }
    }
    auto st = db.prepare("SELECT coalesce(max(key_id), 0) FROM data_keys");
    if (st.step() != SQLITE_ROW) return Status::ioError("data_keys: " + db.lastError());
    next = static_cast<uint32_t>(st.int64(0) + 1);
    st = Stmt();
    if (auto e = db.exec("UPDATE data_keys SET state = 'retiring' WHERE state = 'active'");
        !e.isOk())
      return e;
    return insertKey(db, kek, next, at);
  });
  if (!s.isOk()) return s;
  return next;
}

Status rewrapDataKeys(Db& db, const security::KeyEncryptionKey& current,
                      const security::KeyEncryptionKey& next) {
  return inTransaction(db, [&]() -> Status {
    std::vector<std::pair<uint32_t, std::string>> keys;
    {
      auto st = db.prepare("SELECT key_id, wrapped FROM data_keys WHERE state != 'destroyed'");
      int rc;
      while ((rc = st.step()) == SQLITE_ROW) {
        auto id = static_cast<uint32_t>(st.int64(0));
        auto key = current.unwrap(st.blob(1), id);
        if (!key.isOk()) return key.status();
        keys.emplace_back(id, std::move(key).value());
      }
      if (rc != SQLITE_DONE) return Status::ioError("data_keys: " + db.lastError());
    }
    auto up =
        db.prepare("UPDATE data_keys SET wrapped = ?2, kek_fingerprint = ?3 WHERE key_id = ?1");
    for (const auto& [id, key] : keys) {
      std::string wrapped = next.wrap(key, id);
      up.reset();
      up.bind(1, static_cast<int64_t>(id)).bindBlobStatic(2, wrapped).bind(3, next.fingerprint());
      if (up.step() != SQLITE_DONE) return Status::ioError("data_keys: " + db.lastError());
    }
    return Status::ok();
  });
}

Result<std::vector<DataKeyRow>> listDataKeys(Db& db, const security::KeyEncryptionKey& kek) {
  auto st = db.prepare(
      "SELECT key_id, state, created_at, coalesce(retired_at, ''), kek_fingerprint FROM "
      "data_keys ORDER BY key_id");
  std::vector<DataKeyRow> out;
  int rc;
  while ((rc = st.step()) == SQLITE_ROW)
    out.push_back({static_cast<uint32_t>(st.int64(0)), st.text(1), st.text(2), st.text(3),
                   st.text(4) == kek.fingerprint()});
  if (rc != SQLITE_DONE) return Status::ioError("data_keys: " + db.lastError());
  return out;
}

Result<Db> openWithKeys(const std::string& path, const security::KeyEncryptionKey& kek,
                        security::FieldCipher& cipher) {
  auto db = openExisting(path);
  if (!db.isOk()) return db.status();
  if (auto s = installDataKeys(db.value(), kek, cipher); !s.isOk()) {
    // A database the hub has not opened since encryption came has no key yet: nothing sealed.
    if (s.code() != StatusCode::kNotFound) return s;
    return db;
  }
  if (auto s = db.value().setCipher(&cipher); !s.isOk()) return s;
  return db;
}

Result<DataKeyReport> dataKeyReport(const std::string& path,
                                    const security::KeyEncryptionKey& kek) {
  auto db = openExisting(path);
  if (!db.isOk()) return db.status();
  DataKeyReport out;
  auto keys = listDataKeys(db.value(), kek);
  if (!keys.isOk()) return keys.status();
  out.keys = std::move(keys).value();
  auto walk = readKeyWalk(db.value());
  if (!walk.isOk()) return walk.status();
  out.walk = walk.value();
  return out;
}

Result<uint32_t> rotateDataKeyAt(const std::string& path, const security::KeyEncryptionKey& kek,
                                 const std::string& at) {
  auto db = openExisting(path);
  if (!db.isOk()) return db.status();
  return rotateDataKey(db.value(), kek, at);
}

Status rewrapDataKeysAt(const std::string& path, const security::KeyEncryptionKey& current,
                        const security::KeyEncryptionKey& next) {
  auto db = openExisting(path);
  if (!db.isOk()) return db.status();
  return rewrapDataKeys(db.value(), current, next);
}

}  // namespace xj::storage
