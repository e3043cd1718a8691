// FaultVfs: a SQLite VFS for fault injection only (store.fault_injection), so that a test can
// give the store a real I/O error from below SQLite (a failed write(2), as a failing disk
// gives) and check that it is survived: the batch answered unavailable, nothing of it stored,
// the connection reopened and the next commit stored.
//
// installFaultVfs() registers it as the process's default VFS before any connection opens; it
// passes every call to the real default VFS except that, while failures are armed, a write to
// a database, WAL or journal file returns SQLITE_IOERR_WRITE instead. Never installed unless
// fault injection is on. Thread-safe: the arming is one atomic counter.
#pragma once

#include <cstdint>

#include "hub/core/status.h"

namespace xj::storage {

// Idempotent. Fails only if SQLite has no default VFS.
[[nodiscard]] Status installFaultVfs();

// The next `writes` file writes (any connection of this process) fail with SQLITE_IOERR_WRITE.
void failNextWrites(int64_t writes);

// How many writes have been failed so far.
int64_t injectedWriteFailures();

}  // namespace xj::storage
