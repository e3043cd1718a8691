// The data keys of the sealed columns (the data_keys table): each a random 32-byte key stored
// only wrapped by the key-encryption key (hub/security/field_cipher.h), with its state:
//   active     new values are sealed under it (exactly one)
//   retiring   an older key: rows under it are being re-encrypted (key_walk.h)
//   destroyed  no row is under it any more; its wrapped bytes are erased
// A database gets key 1 at its first open. `xianjie key rotate` adds a new active key at once;
// the running hub installs it within seconds and re-encrypts the rest in small batches.
//
// Functions of one connection; the caller's thread (the writer's, or a CLI's).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "hub/core/status.h"
#include "hub/security/field_cipher.h"
#include "hub/storage/key_walk.h"

namespace xj::storage {

class Db;

struct DataKeyRow {
  uint32_t key_id = 0;
  std::string state;  // active | retiring | destroyed
  std::string created_at;
  std::string retired_at;  // when destroyed; '' before
  bool wrapped_by_this_kek = false;
};

// Makes key 1 (active) when the database has none; a new database then needs no re-encryption
// walk. `at`: RFC 3339 now. In its own transaction.
Status ensureDataKey(Db& db, const security::KeyEncryptionKey& kek, const std::string& at);

// Unwraps every key that is not destroyed and installs them in `cipher` (the active one for new
// values). An error names the key that does not open (a wrong store.kek_file); kNotFound when
// the database has no active key yet (never opened by a hub since encryption came).
Status installDataKeys(Db& db, const security::KeyEncryptionKey& kek,
                       security::FieldCipher& cipher);

// `xianjie key rotate`: a new active key; the previous active one becomes retiring. In its own
// transaction; answers the new key's id.
Result<uint32_t> rotateDataKey(Db& db, const security::KeyEncryptionKey& kek,
                               const std::string& at);

// `xianjie key rotate --new-kek-file`: every live key re-wrapped under `next` at once (one
// transaction); the hub needs `next` as store.kek_file from its next start.
Status rewrapDataKeys(Db& db, const security::KeyEncryptionKey& current,
                      const security::KeyEncryptionKey& next);

Result<std::vector<DataKeyRow>> listDataKeys(Db& db, const security::KeyEncryptionKey& kek);

// Opens the database at `path` (kNotFound if absent), migrates it, and gives the connection
// `cipher` with the database's keys installed: how the CLI reads sealed columns.
Result<Db> openWithKeys(const std::string& path, const security::KeyEncryptionKey& kek,
                        security::FieldCipher& cipher);

// The CLI's view (`xianjie key ...`), each on its own connection to the database at `path`
// (kNotFound if absent). The hub need not be stopped: each is one short transaction.
struct DataKeyReport {
  std::vector<DataKeyRow> keys;
  KeyWalkState walk;
};
Result<DataKeyReport> dataKeyReport(const std::string& path, const security::KeyEncryptionKey& kek);
Result<uint32_t> rotateDataKeyAt(const std::string& path, const security::KeyEncryptionKey& kek,
                                 const std::string& at);
Status rewrapDataKeysAt(const std::string& path, const security::KeyEncryptionKey& current,
                        const security::KeyEncryptionKey& next);

}  // namespace xj::storage
