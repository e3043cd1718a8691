// Personal fields encrypted at rest.
//
// FieldCipher seals a column's value (a message's payload with its name, ID number, phone and
// address; staff notes; partners' reasons; outbound bodies) as AES-256-GCM under a data key, and
// opens it again. A sealed value is
//   "xj" | version 1 | key id (4 bytes, big-endian) | nonce (12) | ciphertext | tag (16)
// with the column's name and the 7 header bytes as associated data: a value copied into another
// column, or with its key id changed, does not open. Lookups never need the plaintext: persons
// are found by their HMAC person keys (person_keys.h).
//
// The data keys are random 32-byte keys kept in the database only wrapped (AES-256-GCM) by the
// key-encryption key (KeyEncryptionKey), which is read from a file outside the data directory.
// Whoever copies the database, its WAL or a backup of them without that file reads no name.
//
// Several data keys may be installed at once (after `xianjie key rotate`, rows under the older
// ones are re-encrypted in small batches while the hub runs); new values are sealed under the
// active one. install() swaps the whole set; seal()/open() may run on any thread meanwhile.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hub/core/status.h"

namespace xj::security {

class KeyEncryptionKey {
 public:
  static constexpr size_t kMinFileBytes = 32;

  // Reads the key file (store.kek_file): at least 32 random bytes, mode 0600 or 0400, and not
  // inside `data_dir` (the directory of the database): a copy of the data directory, which is
  // what a backup is, must not carry the key that opens it. Errors name the file, never the key.
  static Result<KeyEncryptionKey> load(const std::string& path, const std::string& data_dir);
  // A key held only in memory (tests).
  static KeyEncryptionKey fromSecret(std::string secret);

  // The data key `key_id` wrapped for storage, and back (kInvalid when this is not the key it
  // was wrapped with, or the wrapped value was altered).
  std::string wrap(std::string_view data_key, uint32_t key_id) const;
  Result<std::string> unwrap(std::string_view wrapped, uint32_t key_id) const;
  // Identifies the key without revealing it (stored beside the wrapped keys: a wrong file is
  // named as such at start instead of failing on the first row).
  std::string fingerprint() const;

 private:
  explicit KeyEncryptionKey(std::string key) : key_(std::move(key)) {}
  std::string key_;  // 32 bytes, derived from the file's secret
};

class FieldCipher {
 public:
  static constexpr size_t kKeyBytes = 32;
  static constexpr size_t kHeaderBytes = 7;
  static constexpr size_t kOverheadBytes = kHeaderBytes + 12 + 16;

  // A fresh random data key.
  static std::string newDataKey();
  // Whether `value` has the form of a sealed value (not whether it opens).
  static bool isSealed(std::string_view value);
  // The data key a sealed value was sealed under (nullopt when not sealed).
  static std::optional<uint32_t> keyIdOf(std::string_view value);

  // Replaces the installed keys; `active` must be among them. Any thread.
  void install(std::map<uint32_t, std::string> keys, uint32_t active);
  // Forgets these keys (destroyed: no row is under them); the active one is kept. Any thread.
  void drop(const std::vector<uint32_t>& key_ids);
  // Whether any key is installed.
  bool ready() const;
  uint32_t activeKeyId() const;

  // `plaintext` sealed under the active key for `column` ("messages.payload"). Any thread;
  // requires ready().
  std::string seal(std::string_view plaintext, std::string_view column) const;
  // The plaintext of a value sealed for `column`; false when its key is not installed, the
  // column differs, or the value was altered.
  bool open(std::string_view sealed, std::string_view column, std::string& plaintext) const;

 private:
  struct Keys {
    std::map<uint32_t, std::string> by_id;
    uint32_t active = 0;
  };
  std::shared_ptr<const Keys> keys() const;

  mutable std::mutex mu_;
  std::shared_ptr<const Keys> keys_;  // guarded by mu_; the set itself is immutable
};

}  // namespace xj::security
