#include "hub/store_size_metrics.h"

#include <filesystem>
#include <system_error>

namespace xj {

namespace {
// A file that is not there (no WAL between checkpoints) or cannot be read counts as 0 bytes:
// a scrape must never fail for it.
double fileBytes(const std::filesystem::path& p) {
  std::error_code ec;
  auto n = std::filesystem::file_size(p, ec);
  return ec ? 0.0 : static_cast<double>(n);
}

std::filesystem::space_info spaceOf(const std::filesystem::path& dir) {
  std::error_code ec;
  auto info = std::filesystem::space(dir, ec);
  if (ec) return {0, 0, 0};
  return info;
}
}  // namespace

void registerStoreSizeMetrics(MetricsRegistry& metrics, const std::string& db_path) {
  const std::filesystem::path db(db_path);
  auto dir = db.parent_path();
  if (dir.empty()) dir = ".";
  metrics.gauge("xianjie_store_database_bytes", "Size of the database file in bytes",
                [db] { return fileBytes(db); });
  metrics.gauge("xianjie_store_wal_bytes", "Size of the database's write-ahead log in bytes",
                [wal = std::filesystem::path(db_path + "-wal")] { return fileBytes(wal); });
  metrics.gauge("xianjie_store_filesystem_avail_bytes",
                "Bytes the hub may still write on the data directory's file system",
                [dir] { return static_cast<double>(spaceOf(dir).available); });
  metrics.gauge("xianjie_store_filesystem_size_bytes",
                "Size in bytes of the data directory's file system",
                [dir] { return static_cast<double>(spaceOf(dir).capacity); });
}

}  // namespace xj
