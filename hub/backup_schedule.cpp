#include "hub/backup_schedule.h"

#include <algorithm>
#include <filesystem>
#include <optional>
#include <vector>

#include "config/backup_manifest.h"
#include "hub/core/backup_metrics.h"
#include "hub/core/log.h"
#include "hub/core/time_format.h"
#include "hub/storage/backup.h"

namespace xj {
namespace {

namespace fs = std::filesystem;
constexpr const char* kPrefix = "xianjie-";
constexpr const char* kSuffix = ".db";

// The backups in `dir` that have their manifest, oldest first (names sort by their time).
std::vector<std::string> backupsIn(const std::string& dir) {
  std::vector<std::string> out;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    std::string name = e.path().filename().string();
    if (name.rfind(kPrefix, 0) != 0 || name.size() < 12 ||
        name.compare(name.size() - 3, 3, kSuffix) != 0)
      continue;
    if (fs::exists(manifestPathFor(e.path().string()))) out.push_back(name);
  }
  std::sort(out.begin(), out.end());
  return out;
}

// A time to the second as a file name's part (20261207T233000Z), and back.
std::string fileStamp(std::chrono::system_clock::time_point t) {
  std::string out;
  for (char c : formatRfc3339(std::chrono::floor<std::chrono::seconds>(t)).substr(0, 19))
    if (c != '-' && c != ':') out += c;
  return out + "Z";
}
std::optional<std::chrono::system_clock::time_point> fromFileStamp(const std::string& s) {
  if (s.size() != 16) return std::nullopt;
  return parseRfc3339(s.substr(0, 4) + "-" + s.substr(4, 2) + "-" + s.substr(6, 5) + ":" +
                      s.substr(11, 2) + ":" + s.substr(13));
}

// When the newest backup in `dir` was taken (by its name), if there is one.
std::optional<std::chrono::system_clock::time_point> newestIn(const std::string& dir) {
  auto all = backupsIn(dir);
  if (all.empty()) return std::nullopt;
  const std::string& name = all.back();
  return fromFileStamp(name.substr(8, name.size() - 8 - 3));
}

long long unixSeconds(std::chrono::system_clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

}  // namespace

BackupSchedule::BackupSchedule(BackupConfig config, std::string db_path, const Clock& clock,
                               MetricsRegistry& metrics)
    : config_(std::move(config)),
      db_path_(std::move(db_path)),
      clock_(clock),
      figures_(backupMetrics(metrics)) {
  if (auto newest = newestIn(config_.dir)) {
    figures_.last_success.set(static_cast<double>(unixSeconds(*newest)));
    next_try_ = *newest + std::chrono::hours(config_.every_hours);
  }
}

BackupSchedule::~BackupSchedule() { stop(); }

void BackupSchedule::start() {
  thread_ = std::thread([this] { run(); });
}

void BackupSchedule::check() {
  std::lock_guard lock(mu_);
  poked_ = true;
  cv_.notify_all();
}

void BackupSchedule::stop() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
    cv_.notify_all();
  }
  if (thread_.joinable()) thread_.join();
}

void BackupSchedule::run() {
  std::unique_lock lock(mu_);
  while (!stop_) {
    cv_.wait_for(lock, std::chrono::seconds(1), [this] { return stop_ || poked_; });
    poked_ = false;
    if (stop_) break;
    auto now = clock_.now();
    if (now < next_try_) continue;
    lock.unlock();
    backupNow(now);
    lock.lock();
  }
}

void BackupSchedule::backupNow(TimePoint now) {
  const std::string at = formatRfc3339(now);
  const std::string file = config_.dir + "/" + kPrefix + fileStamp(now) + kSuffix;
  auto began = std::chrono::steady_clock::now();
  auto m = storage::takeBackup(db_path_, file, at);
  if (!m.isOk()) {
    figures_.failures.inc();
    next_try_ = now + std::min(std::chrono::hours(1), std::chrono::hours(config_.every_hours));
    log::error("backup_failed", {{"file", file}, {"error", m.status().toString()}});
    return;
  }
  next_try_ = now + std::chrono::hours(config_.every_hours);
  figures_.last_success.set(static_cast<double>(unixSeconds(now)));
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                                  began)
                .count();
  log::info("backup_taken", {{"file", file},
                             {"messages", std::to_string(m.value().rows.at("messages"))},
                             {"last_hub_seq", std::to_string(m.value().last_hub_seq)},
                             {"bytes", std::to_string(m.value().file_bytes)},
                             {"ms", std::to_string(ms)}});
  keepNewest();
}

void BackupSchedule::keepNewest() {
  auto all = backupsIn(config_.dir);
  if (all.size() <= static_cast<size_t>(config_.keep)) return;
  for (size_t i = 0; i + config_.keep < all.size(); ++i) {
    const std::string path = config_.dir + "/" + all[i];
    std::error_code ec;
    fs::remove(manifestPathFor(path), ec);
    fs::remove(path, ec);
    log::info("backup_removed", {{"file", path}, {"keep", std::to_string(config_.keep)}});
  }
}

}  // namespace xj
