// FaultVfs: a SQLite VFS for fault injection only (store.fault_injection), so that a test can
// give the store a real I/O error from below SQLite (a failed write(2), as a failing disk
// gives) and check that it is survived: the batch answered unavailable, nothing of it stored,
// the connection reopened and the next commit stored.
//
// installFaultVfs() registers it as the process's default VFS before any connection opens; it
// passes every call to the real default VFS except that, while failures are armed, a write to
// a database, WAL or journal file returns SQLITE_IOERR_WRITE instead. Never installed unless
// fault injection is on. Thread-safe: the arming is one atomic counter.
//
// It also counts what reaches the disk (bytes and calls per file kind, syncs), so that a
// benchmark can report the bytes a message costs (bench/writer) deterministically.
#pragma once

#include <cstdint>
#include <vector>

#include "hub/core/status.h"

namespace xj::storage {

// Idempotent. Fails only if SQLite has no default VFS.
[[nodiscard]] Status installFaultVfs();

// The next `writes` file writes (any connection of this process) fail with SQLITE_IOERR_WRITE.
void failNextWrites(int64_t writes);

// How many writes have been failed so far.
int64_t injectedWriteFailures();

// What the VFS passed to the disk since it was installed (all connections of this process).
struct VfsWriteStats {
  int64_t db_bytes = 0;    // the database file (checkpoints)
  int64_t db_writes = 0;
  int64_t wal_bytes = 0;   // the write-ahead log (commits)
  int64_t wal_writes = 0;
  int64_t syncs = 0;       // xSync calls on any file (fsync/fdatasync)
};
VfsWriteStats vfsWriteStats();

// While on, the page number of every frame written to a WAL is recorded (a benchmark maps them
// to tables and indexes to see which B-trees a commit dirties). take...() returns and clears.
void recordWalFramePages(bool on);
std::vector<uint32_t> takeWalFramePages();

}  // namespace xj::storage
