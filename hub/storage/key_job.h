// KeyJob: the writer's part of the data keys (data_keys.h, key_walk.h). Installs the keys
// whenever the active one changed in the table (`xianjie key rotate` from another process), then
// takes one batch of the re-encryption walk. Queued by SqliteStore::checkDataKeys only when a
// reader saw something to do; the store queues the next one when a batch leaves the walk
// unfinished, so that a walk proceeds one small batch per commit beside the hub's other writes.
//
// Writer thread (apply/done). It fails its batch only on a storage error; anything else (a key
// that does not open) is logged and leaves the batch to commit.
#pragma once

#include <functional>
#include <string>

#include "hub/core/write_job.h"
#include "hub/security/field_cipher.h"
#include "hub/storage/key_walk.h"

namespace xj::storage {

class KeyJob final : public WriteJob {
 public:
  // `after` hears the batch once it is over: its step when committed, nullptr when the batch
  // failed or the walk could not step.
  KeyJob(const security::KeyEncryptionKey& kek, security::FieldCipher& cipher, int rows,
         std::string at, std::function<void(const KeyWalkStep*)> after)
      : kek_(kek), cipher_(cipher), rows_(rows), at_(std::move(at)), after_(std::move(after)) {}

  Status apply(WorkTransaction& tx) override;
  void done(const Status& commit) override;

 private:
  const security::KeyEncryptionKey& kek_;
  security::FieldCipher& cipher_;
  int rows_;
  std::string at_;
  std::function<void(const KeyWalkStep*)> after_;
  KeyWalkStep step_;
  bool stepped_ = false;
};

}  // namespace xj::storage
