// The manifest written beside each backup (FILE.manifest.json): what the copy holds and what a
// restore needs to trust and open it. It names the data keys the sealed columns are under and
// the fingerprint of the key-encryption key that wraps them (never a key: the backup and its
// manifest are ciphertext and facts only), so a restore can say which KEK file it needs.
//
// Pure functions; any thread. (Here beside the other files the hub reads and writes as JSON:
// the store, which writes it with each backup, holds no JSON library.)
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "hub/core/status.h"

namespace xj {

struct BackupManifest {
  static constexpr int kFormat = 1;
  int format = kFormat;
  std::string created_at;  // RFC 3339, the clock of whoever took it (the hub's, in the hub)
  std::string hub_version;
  int schema_version = 0;    // PRAGMA user_version of the copy (hub/storage/migrations.h)
  int64_t last_hub_seq = 0;  // the newest message the copy holds
  std::map<std::string, int64_t> rows;  // messages, items, exchanges, outbox
  uint64_t file_bytes = 0;
  std::string sha256;               // of the backup file, hex
  std::vector<uint32_t> data_keys;  // the data keys not destroyed: the sealed columns need them
  std::vector<std::string> kek_fingerprints;  // of the KEK(s) wrapping them (normally one)
  std::string person_key_fingerprint;         // store.key_file's, as hub_meta keeps it ('' if none)
};

// The path of the manifest of the backup at `backup_path`.
std::string manifestPathFor(const std::string& backup_path);

std::string manifestToJson(const BackupManifest& m);
// kInvalid, naming the field, when the text is not a manifest of a known format.
Result<BackupManifest> parseManifest(const std::string& text);

}  // namespace xj
