// Backups of the hub's database while it runs, their check, and their restore.
//
// takeBackup copies with `VACUUM INTO` on a read-only connection of its own: one read
// transaction, so the copy is the one snapshot the WAL gives that reader, and in WAL mode a
// reader never blocks the writer (nor the writer it), so the hub's commits go on at full pace
// while it runs; only the checkpoint cannot pass the snapshot until it ends, so the WAL may grow
// for that time. (sqlite3_backup_step in small steps was the other choice: it gives the writer
// nothing more, and it starts over whenever another connection commits between two steps, so
// under steady ingest it would never end.) The copy is a compact, single-file database (no WAL).
// It is then checked (PRAGMA integrity_check, the schema version, row counts) and described by
// its manifest (config/backup_manifest.h). Both are written under temporary names, fsynced, then
// renamed into place, so a final name never holds a half-written file.
//
// Each function opens its own connections; the caller's thread (the CLI's main thread, or the
// hub's backup thread: never the store's writer).
#pragma once

#include <string>

#include "config/backup_manifest.h"
#include "hub/core/status.h"
#include "hub/security/field_cipher.h"

namespace xj::storage {

// Copies the database at `db_path` to `out_path` (and writes its manifest beside it); `at`: RFC
// 3339 now, for the manifest. Any failure leaves neither final name written.
Result<BackupManifest> takeBackup(const std::string& db_path, const std::string& out_path,
                                  const std::string& at);

// Checks the backup at `in_path` against its manifest (size, SHA-256, integrity, schema not newer
// than this binary's, row counts) and that `kek` opens every data key it needs. Errors say what
// does not hold, and for a key, which KEK the backup needs (its fingerprint).
Result<BackupManifest> checkBackup(const std::string& in_path,
                                   const security::KeyEncryptionKey& kek);

struct Restored {
  BackupManifest manifest;
  std::string set_aside;  // where the database that was there went ('' when there was none)
};

// Puts the backup at `in_path` in place of the database at `db_path`: refuses (kConflict) while a
// hub holds the database (db_lock.h), then checkBackup, and refuses a backup made under another
// person-key file than `person_key_fingerprint` (store.key_file's: the hub would refuse to start
// on it); the database there is renamed, with its
// WAL and SHM, to "<db_path>.before-restore-<stamp>" (never deleted) and the copy takes its name.
// Nothing is changed when it refuses.
Result<Restored> restoreBackup(const std::string& in_path, const std::string& db_path,
                               const security::KeyEncryptionKey& kek,
                               const std::string& person_key_fingerprint, const std::string& stamp);

}  // namespace xj::storage
