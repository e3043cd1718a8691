#include "hub/storage/fault_vfs.h"

#include <sqlite3.h>

#include <atomic>
#include <mutex>
#include <utility>

namespace xj::storage {

namespace {

std::atomic<int64_t> g_armed{0};
std::atomic<int64_t> g_injected{0};
std::atomic<bool> g_record_pages{false};
std::mutex g_pages_mu;
std::vector<uint32_t> g_pages;
std::atomic<int64_t> g_db_bytes{0}, g_db_writes{0}, g_wal_bytes{0}, g_wal_writes{0}, g_syncs{0};
sqlite3_vfs* g_real = nullptr;
sqlite3_vfs g_vfs;
sqlite3_io_methods g_methods;

// Our file object, followed in memory by the real VFS's file object (szOsFile is the sum).
struct FaultFile {
  sqlite3_file base;
  sqlite3_file* real;
  bool data;  // a database, WAL or journal: writes may be failed
  bool main_db;
  bool wal;
};

sqlite3_file* real(sqlite3_file* f) { return reinterpret_cast<FaultFile*>(f)->real; }

bool takeFailure() {
  int64_t n = g_armed.load();
  while (n > 0) {
    if (g_armed.compare_exchange_weak(n, n - 1)) {
      g_injected.fetch_add(1);
      return true;
    }
  }
  return false;
}

int fClose(sqlite3_file* f) {
  int rc = real(f)->pMethods ? real(f)->pMethods->xClose(real(f)) : SQLITE_OK;
  f->pMethods = nullptr;
  return rc;
}
int fRead(sqlite3_file* f, void* buf, int n, sqlite3_int64 off) {
  return real(f)->pMethods->xRead(real(f), buf, n, off);
}
int fWrite(sqlite3_file* f, const void* buf, int n, sqlite3_int64 off) {
  auto* ff = reinterpret_cast<FaultFile*>(f);
  if (ff->data && takeFailure()) return SQLITE_IOERR_WRITE;
  if (ff->main_db) {
    g_db_bytes.fetch_add(n, std::memory_order_relaxed);
    g_db_writes.fetch_add(1, std::memory_order_relaxed);
  } else if (ff->wal) {
    g_wal_bytes.fetch_add(n, std::memory_order_relaxed);
    g_wal_writes.fetch_add(1, std::memory_order_relaxed);
    // A frame header (24 bytes) starts with the page number, big-endian.
    if (n == 24 && g_record_pages.load(std::memory_order_relaxed)) {
      const auto* b = static_cast<const unsigned char*>(buf);
      std::lock_guard lock(g_pages_mu);
      g_pages.push_back(uint32_t{b[0]} << 24 | uint32_t{b[1]} << 16 | uint32_t{b[2]} << 8 | b[3]);
    }
  }
  return real(f)->pMethods->xWrite(real(f), buf, n, off);
}
int fTruncate(sqlite3_file* f, sqlite3_int64 size) {
  return real(f)->pMethods->xTruncate(real(f), size);
}
int fSync(sqlite3_file* f, int flags) {
  g_syncs.fetch_add(1, std::memory_order_relaxed);
  return real(f)->pMethods->xSync(real(f), flags);
}
int fFileSize(sqlite3_file* f, sqlite3_int64* size) {
  return real(f)->pMethods->xFileSize(real(f), size);
}
int fLock(sqlite3_file* f, int lock) { return real(f)->pMethods->xLock(real(f), lock); }
int fUnlock(sqlite3_file* f, int lock) { return real(f)->pMethods->xUnlock(real(f), lock); }
int fCheckReservedLock(sqlite3_file* f, int* out) {
  return real(f)->pMethods->xCheckReservedLock(real(f), out);
}
int fFileControl(sqlite3_file* f, int op, void* arg) {
  return real(f)->pMethods->xFileControl(real(f), op, arg);
}
int fSectorSize(sqlite3_file* f) { return real(f)->pMethods->xSectorSize(real(f)); }
int fDeviceCharacteristics(sqlite3_file* f) {
  return real(f)->pMethods->xDeviceCharacteristics(real(f));
}
int fShmMap(sqlite3_file* f, int page, int size, int extend, void volatile** out) {
  return real(f)->pMethods->xShmMap(real(f), page, size, extend, out);
}
int fShmLock(sqlite3_file* f, int offset, int n, int flags) {
  return real(f)->pMethods->xShmLock(real(f), offset, n, flags);
}
void fShmBarrier(sqlite3_file* f) { real(f)->pMethods->xShmBarrier(real(f)); }
int fShmUnmap(sqlite3_file* f, int del) { return real(f)->pMethods->xShmUnmap(real(f), del); }
int fFetch(sqlite3_file* f, sqlite3_int64 off, int n, void** out) {
  return real(f)->pMethods->xFetch(real(f), off, n, out);
}
int fUnfetch(sqlite3_file* f, sqlite3_int64 off, void* p) {
  return real(f)->pMethods->xUnfetch(real(f), off, p);
}

int vOpen(sqlite3_vfs*, sqlite3_filename name, sqlite3_file* f, int flags, int* out_flags) {
  auto* ff = reinterpret_cast<FaultFile*>(f);
  ff->real = reinterpret_cast<sqlite3_file*>(ff + 1);
  ff->data = (flags & (SQLITE_OPEN_MAIN_DB | SQLITE_OPEN_WAL | SQLITE_OPEN_MAIN_JOURNAL)) != 0;
  ff->main_db = (flags & SQLITE_OPEN_MAIN_DB) != 0;
  ff->wal = (flags & SQLITE_OPEN_WAL) != 0;
  int rc = g_real->xOpen(g_real, name, ff->real, flags, out_flags);
  // SQLite calls xClose only when pMethods is set; set it whenever the real file needs closing.
  f->pMethods = ff->real->pMethods ? &g_methods : nullptr;
  return rc;
}
int vDelete(sqlite3_vfs*, const char* name, int sync) {
  return g_real->xDelete(g_real, name, sync);
}
int vAccess(sqlite3_vfs*, const char* name, int flags, int* out) {
  return g_real->xAccess(g_real, name, flags, out);
}
int vFullPathname(sqlite3_vfs*, const char* name, int n, char* out) {
  return g_real->xFullPathname(g_real, name, n, out);
}
void* vDlOpen(sqlite3_vfs*, const char* name) { return g_real->xDlOpen(g_real, name); }
void vDlError(sqlite3_vfs*, int n, char* msg) { g_real->xDlError(g_real, n, msg); }
void (*vDlSym(sqlite3_vfs*, void* h, const char* sym))(void) {
  return g_real->xDlSym(g_real, h, sym);
}
void vDlClose(sqlite3_vfs*, void* h) { g_real->xDlClose(g_real, h); }
int vRandomness(sqlite3_vfs*, int n, char* out) { return g_real->xRandomness(g_real, n, out); }
int vSleep(sqlite3_vfs*, int us) { return g_real->xSleep(g_real, us); }
int vCurrentTime(sqlite3_vfs*, double* out) { return g_real->xCurrentTime(g_real, out); }
int vGetLastError(sqlite3_vfs*, int n, char* out) {
  return g_real->xGetLastError ? g_real->xGetLastError(g_real, n, out) : 0;
}
int vCurrentTimeInt64(sqlite3_vfs*, sqlite3_int64* out) {
  return g_real->xCurrentTimeInt64(g_real, out);
}

}  // namespace

Status installFaultVfs() {
  static std::once_flag once;
  static Status result;
  std::call_once(once, [] {
    g_real = sqlite3_vfs_find(nullptr);
    if (!g_real || g_real->iVersion < 2) {
      result = Status::ioError("fault injection: no usable default SQLite VFS");
      return;
    }
    g_methods = sqlite3_io_methods{3,
                                   fClose,
                                   fRead,
                                   fWrite,
                                   fTruncate,
                                   fSync,
                                   fFileSize,
                                   fLock,
                                   fUnlock,
                                   fCheckReservedLock,
                                   fFileControl,
                                   fSectorSize,
                                   fDeviceCharacteristics,
                                   fShmMap,
                                   fShmLock,
                                   fShmBarrier,
                                   fShmUnmap,
                                   fFetch,
                                   fUnfetch};
    g_vfs = sqlite3_vfs{};
    g_vfs.iVersion = 2;
    g_vfs.szOsFile = static_cast<int>(sizeof(FaultFile)) + g_real->szOsFile;
    g_vfs.mxPathname = g_real->mxPathname;
    g_vfs.zName = "xj-fault-injection";
    g_vfs.xOpen = vOpen;
    g_vfs.xDelete = vDelete;
    g_vfs.xAccess = vAccess;
    g_vfs.xFullPathname = vFullPathname;
    g_vfs.xDlOpen = vDlOpen;
    g_vfs.xDlError = vDlError;
    g_vfs.xDlSym = vDlSym;
    g_vfs.xDlClose = vDlClose;
    g_vfs.xRandomness = vRandomness;
    g_vfs.xSleep = vSleep;
    g_vfs.xCurrentTime = vCurrentTime;
    g_vfs.xGetLastError = vGetLastError;
    g_vfs.xCurrentTimeInt64 = vCurrentTimeInt64;
    if (sqlite3_vfs_register(&g_vfs, 1) != SQLITE_OK)
      result = Status::ioError("fault injection: cannot register the SQLite VFS");
  });
  return result;
}

void failNextWrites(int64_t writes) { g_armed.store(writes < 0 ? 0 : writes); }

int64_t injectedWriteFailures() { return g_injected.load(); }

void recordWalFramePages(bool on) { g_record_pages.store(on); }

std::vector<uint32_t> takeWalFramePages() {
  std::lock_guard lock(g_pages_mu);
  return std::exchange(g_pages, {});
}

VfsWriteStats vfsWriteStats() {
  return {g_db_bytes.load(), g_db_writes.load(), g_wal_bytes.load(), g_wal_writes.load(),
          g_syncs.load()};
}

}  // namespace xj::storage
