#include "hub/storage/backup.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "hub/security/crypto.h"
#include "hub/storage/data_keys.h"
#include "hub/storage/db_lock.h"
#include "hub/storage/migrations.h"
#include "hub/storage/sqlite_db.h"

#ifndef XJ_HUB_VERSION
#define XJ_HUB_VERSION "unknown"
#endif

namespace xj::storage {
namespace {

namespace fs = std::filesystem;

// The tables whose counts a manifest keeps: what a restore is checked against.
constexpr const char* kCountedTables[] = {"messages", "items", "exchanges", "outbox"};

// fsync of a file or a directory (the rename's entry), so that what was renamed survives power
// loss as what was written.
Status syncPath(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Status::ioError("open " + path + ": " + std::strerror(errno));
  int rc = ::fsync(fd);
  int err = errno;
  ::close(fd);
  if (rc != 0) return Status::ioError("fsync " + path + ": " + std::strerror(err));
  return Status::ok();
}

std::string parentOf(const std::string& path) {
  std::string dir = fs::path(path).parent_path().string();
  return dir.empty() ? "." : dir;
}

Status writeSynced(const std::string& path, const std::string& text) {
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << text;
    out.flush();
    if (!out) return Status::ioError("write " + path + " failed");
  }
  return syncPath(path);
}

Result<int64_t> scalar(Db& db, const std::string& sql) {
  auto st = db.prepare(sql);
  if (!st.valid() || st.step() != SQLITE_ROW) return Status::ioError(sql + ": " + db.lastError());
  return st.int64(0);
}

// What the copy at `path` holds, for its manifest (or to compare with one): integrity first.
Status describe(const std::string& path, BackupManifest& m) {
  auto opened = Db::open(path, true);
  if (!opened.isOk()) return opened.status();
  Db& db = opened.value();
  {
    auto st = db.prepare("PRAGMA integrity_check");
    if (!st.valid() || st.step() != SQLITE_ROW || st.text(0) != "ok")
      return Status::invalid(path + " fails PRAGMA integrity_check: the file is damaged");
  }
  auto version = scalar(db, "PRAGMA user_version");
  if (!version.isOk()) return version.status();
  m.schema_version = static_cast<int>(version.value());
  if (m.schema_version > latestSchemaVersion())
    return Status::invalid(path + " has schema version " + std::to_string(m.schema_version) +
                           ", newer than this binary's " + std::to_string(latestSchemaVersion()) +
                           ": use the hub version that wrote it");
  for (const char* table : kCountedTables) {
    auto n = scalar(db, std::string("SELECT count(*) FROM ") + table);
    if (!n.isOk()) return n.status();
    m.rows[table] = n.value();
  }
  auto seq = scalar(db, "SELECT coalesce(max(hub_seq), 0) FROM messages");
  if (!seq.isOk()) return seq.status();
  m.last_hub_seq = seq.value();
  auto keys = db.prepare(
      "SELECT key_id, kek_fingerprint FROM data_keys WHERE state != 'destroyed' ORDER BY key_id");
  while (keys.step() == SQLITE_ROW) {
    m.data_keys.push_back(static_cast<uint32_t>(keys.int64(0)));
    std::string f = keys.text(1);
    if (std::find(m.kek_fingerprints.begin(), m.kek_fingerprints.end(), f) ==
        m.kek_fingerprints.end())
      m.kek_fingerprints.push_back(f);
  }
  auto meta = db.prepare("SELECT value FROM hub_meta WHERE name='person_key_fingerprint'");
  if (meta.step() == SQLITE_ROW) m.person_key_fingerprint = meta.text(0);
  return Status::ok();
}

Status checksum(const std::string& path, BackupManifest& m) {
  std::error_code ec;
  m.file_bytes = fs::file_size(path, ec);
  if (ec) return Status::ioError("size of " + path + ": " + ec.message());
  m.sha256 = security::sha256FileHex(path);
  if (m.sha256.empty()) return Status::ioError("cannot read " + path);
  return Status::ok();
}

Status vacuumInto(const std::string& db_path, const std::string& tmp) {
  auto db = Db::open(db_path, true);
  if (!db.isOk()) return db.status();
  auto st = db.value().prepare("VACUUM INTO ?1");
  st.bind(1, tmp);
  if (!st.valid() || st.step() != SQLITE_DONE)
    return Status::ioError("VACUUM INTO " + tmp + ": " + db.value().lastError());
  return Status::ok();
}

Result<BackupManifest> copyAndDescribe(const std::string& db_path, const std::string& out_path,
                                       const std::string& tmp, const std::string& at) {
  if (auto s = vacuumInto(db_path, tmp); !s.isOk()) return s;
  if (auto s = syncPath(tmp); !s.isOk()) return s;
  BackupManifest m;
  m.created_at = at;
  m.hub_version = XJ_HUB_VERSION;
  if (auto s = describe(tmp, m); !s.isOk()) return s;
  if (auto s = checksum(tmp, m); !s.isOk()) return s;
  const std::string manifest_tmp = manifestPathFor(tmp);
  if (auto s = writeSynced(manifest_tmp, manifestToJson(m)); !s.isOk()) return s;
  std::error_code ec;
  fs::rename(tmp, out_path, ec);
  if (!ec) fs::rename(manifest_tmp, manifestPathFor(out_path), ec);
  if (ec) return Status::ioError("rename into " + out_path + ": " + ec.message());
  if (auto s = syncPath(parentOf(out_path)); !s.isOk()) return s;
  return m;
}

}  // namespace

Result<BackupManifest> takeBackup(const std::string& db_path, const std::string& out_path,
                                  const std::string& at) {
  if (!fs::exists(db_path)) return Status::notFound("no database at " + db_path);
  if (!fs::is_directory(parentOf(out_path)))
    return Status::notFound("no directory " + parentOf(out_path) + " for " + out_path);
  const std::string tmp = out_path + ".tmp";
  std::error_code ec;
  fs::remove(tmp, ec);  // a run that died before its rename
  // Made empty first, mode 0600 like the database (VACUUM INTO takes an empty file): the copy
  // holds the tokens' names and hashes, and nobody else need read them.
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return Status::ioError("create " + tmp + ": " + std::strerror(errno));
  ::close(fd);
  auto m = copyAndDescribe(db_path, out_path, tmp, at);
  fs::remove(tmp, ec);
  fs::remove(manifestPathFor(tmp), ec);
  return m;
}

namespace {

Result<BackupManifest> readManifest(const std::string& in_path) {
  const std::string path = manifestPathFor(in_path);
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::notFound("no manifest " + path + " beside the backup");
  std::stringstream ss;
  ss << in.rdbuf();
  return parseManifest(ss.str());
}

// The data keys of the backup open with `kek`, or the error says which KEK it needs.
Status checkKeys(const std::string& in_path, const BackupManifest& m,
                 const security::KeyEncryptionKey& kek) {
  auto db = Db::open(in_path, true);
  if (!db.isOk()) return db.status();
  security::FieldCipher cipher;
  Status s = installDataKeys(db.value(), kek, cipher);
  if (s.isOk() || (s.code() == StatusCode::kNotFound && m.data_keys.empty())) return Status::ok();
  std::string needed;
  for (const auto& f : m.kek_fingerprints) needed += (needed.empty() ? "" : ", ") + f;
  return Status::invalid("the key-encryption key of store.kek_file (fingerprint " +
                         kek.fingerprint() + ") does not open the backup's data keys (" +
                         s.message() + "); the backup needs the key with fingerprint " + needed +
                         ": set store.kek_file to that file");
}

}  // namespace

Result<BackupManifest> checkBackup(const std::string& in_path,
                                   const security::KeyEncryptionKey& kek) {
  if (!fs::exists(in_path)) return Status::notFound("no backup at " + in_path);
  auto manifest = readManifest(in_path);
  if (!manifest.isOk()) return manifest.status();
  const BackupManifest& m = manifest.value();
  BackupManifest found;
  if (auto s = checksum(in_path, found); !s.isOk()) return s;
  if (found.file_bytes != m.file_bytes || found.sha256 != m.sha256)
    return Status::invalid(in_path + " does not match its manifest (" +
                           (found.file_bytes != m.file_bytes ? "size" : "SHA-256") +
                           " differs): the file is damaged or was altered");
  if (auto s = describe(in_path, found); !s.isOk()) return s;
  if (found.schema_version != m.schema_version || found.rows != m.rows ||
      found.last_hub_seq != m.last_hub_seq)
    return Status::invalid(in_path + " does not hold what its manifest says (schema version, " +
                           "row counts or last hub sequence differ)");
  if (auto s = checkKeys(in_path, m, kek); !s.isOk()) return s;
  return manifest;
}

namespace {

Status copySynced(const std::string& from, const std::string& to) {
  std::error_code ec;
  fs::copy_file(from, to, fs::copy_options::overwrite_existing, ec);
  if (ec) return Status::ioError("copy " + from + " to " + to + ": " + ec.message());
  fs::permissions(to, fs::perms::owner_read | fs::perms::owner_write, ec);
  if (ec) return Status::ioError("chmod 600 " + to + ": " + ec.message());
  return syncPath(to);
}

// The database at `db_path` with its WAL and SHM renamed to "<db_path>.before-restore-<stamp>"
// (a WAL keeps following its database's name, so the set stays openable).
Result<std::string> setAside(const std::string& db_path, const std::string& stamp) {
  if (!fs::exists(db_path)) return std::string();
  const std::string aside = db_path + ".before-restore-" + stamp;
  if (fs::exists(aside)) return Status::conflict(aside + " exists already");
  std::error_code ec;
  for (const char* suffix : {"-wal", "-shm", ""}) {
    if (!fs::exists(db_path + suffix)) continue;
    fs::rename(db_path + suffix, aside + suffix, ec);
    if (ec) return Status::ioError("rename " + db_path + suffix + ": " + ec.message());
  }
  return aside;
}

}  // namespace

Result<Restored> restoreBackup(const std::string& in_path, const std::string& db_path,
                               const security::KeyEncryptionKey& kek,
                               const std::string& person_key_fingerprint,
                               const std::string& stamp) {
  if (!fs::is_directory(parentOf(db_path)))
    return Status::notFound("no directory " + parentOf(db_path) + " for " + db_path);
  auto lock = DbLock::take(db_path);
  if (!lock.isOk()) return lock.status();
  auto manifest = checkBackup(in_path, kek);
  if (!manifest.isOk()) return manifest.status();
  const std::string& made_with = manifest.value().person_key_fingerprint;
  if (!made_with.empty() && made_with != person_key_fingerprint)
    return Status::invalid(
        "the backup's person keys were made with another store.key_file "
        "(fingerprint " +
        made_with + ", this one's " + person_key_fingerprint +
        "): set store.key_file to that file");
  const std::string tmp = db_path + ".restore-tmp";
  if (auto s = copySynced(in_path, tmp); !s.isOk()) return s;
  if (security::sha256FileHex(tmp) != manifest.value().sha256) {
    std::error_code ec;
    fs::remove(tmp, ec);
    return Status::ioError("the copy at " + tmp + " differs from the backup: disk trouble?");
  }
  auto aside = setAside(db_path, stamp);
  if (!aside.isOk()) return aside.status();
  std::error_code ec;
  fs::rename(tmp, db_path, ec);
  if (ec) return Status::ioError("rename " + tmp + " to " + db_path + ": " + ec.message());
  if (auto s = syncPath(parentOf(db_path)); !s.isOk()) return s;
  return Restored{std::move(manifest).value(), std::move(aside).value()};
}

}  // namespace xj::storage
