#include "hub/storage/key_job.h"

#include "hub/core/log.h"
#include "hub/storage/data_keys.h"
#include "hub/storage/sqlite_db.h"
#include "hub/storage/sqlite_work_transaction.h"

namespace xj::storage {

Status KeyJob::apply(WorkTransaction& tx) {
  // The writer gives every job its SqliteWorkTransaction (sqlite_store.cpp).
  Db& db = static_cast<SqliteWorkTransaction&>(tx).db();
  auto state = readKeyWalk(db);
  if (!state.isOk()) return state.status();
  if (state.value().active_key != cipher_.activeKeyId()) {
    if (auto s = installDataKeys(db, kek_, cipher_); !s.isOk()) {
      if (db.lastErrorCode() != SQLITE_OK) return s;
      // A key wrapped under another key-encryption key: new values stay under the key in use.
      log::error("data_key_install_failed", {{"error", s.message()}});
      return Status::ok();
    }
    log::info("data_key_installed", {{"active", std::to_string(cipher_.activeKeyId())}});
  }
  auto step = stepKeyWalk(db, cipher_, rows_, at_);
  if (!step.isOk()) {
    if (db.lastErrorCode() != SQLITE_OK) return step.status();
    log::error("key_walk_failed", {{"error", step.status().message()}});
    return Status::ok();
  }
  step_ = std::move(step).value();
  stepped_ = true;
  return Status::ok();
}

void KeyJob::done(const Status& commit) {
  if (!commit.isOk() || !stepped_) {  // the next check takes the walk up again
    if (after_) after_(nullptr);
    return;
  }
  if (step_.unreadable > 0)
    log::error("key_walk_unreadable", {{"values", std::to_string(step_.unreadable)}});
  if (step_.finished) {
    cipher_.drop(step_.destroyed);
    for (uint32_t id : step_.destroyed)
      log::info("data_key_destroyed", {{"key", std::to_string(id)}});
  }
  if (after_) after_(&step_);
}

}  // namespace xj::storage
