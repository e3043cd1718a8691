// DbLock: which process has the database. The hub holds an exclusive flock(2) on
// "<store.path>.lock" from before it opens its store until it exits; `xianjie restore` takes the
// same lock for as long as it replaces the file, and refuses while anyone else holds it. The
// kernel drops the lock when the process ends in any way (SIGKILL and crashes included), so a
// stale lock file never blocks anything: the file may stay, only the lock on it counts.
// (SQLite's own locks cannot say this: a hub idle between transactions holds none of them.)
//
// Any thread; one holder object per process.
#pragma once

#include <string>

#include "hub/core/status.h"

namespace xj::storage {

class DbLock {
 public:
  // The lock file of the database at `db_path`.
  static std::string pathFor(const std::string& db_path);
  // Takes the lock without waiting (making the database's directory when missing, as the store
  // does at a first start): kConflict when another process holds it, kIoError when the
  // lock file cannot be made (the directory missing or not writable).
  static Result<DbLock> take(const std::string& db_path);

  DbLock() = default;
  ~DbLock();
  DbLock(DbLock&& o) noexcept : fd_(o.fd_) { o.fd_ = -1; }
  DbLock& operator=(DbLock&& o) noexcept;
  DbLock(const DbLock&) = delete;
  DbLock& operator=(const DbLock&) = delete;

 private:
  explicit DbLock(int fd) : fd_(fd) {}
  int fd_ = -1;
};

}  // namespace xj::storage
