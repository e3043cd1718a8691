// BackupSchedule: the hub's scheduled backups (config `backup`). The same copy as
// `xianjie backup` (hub/storage/backup.h: VACUUM INTO on a read-only connection of its own,
// checked, with its manifest) runs on a thread of its own, so neither the store's writer nor an
// I/O thread ever waits for it. The hub's clock decides (a test moves it): a backup is due when
// `every_hours` have passed since the newest one in `dir` (at once when there is none). Each is
// `dir/xianjie-<hub time>.db` with its manifest; after each, only the newest `keep` pairs stay.
//
//   /metrics  xianjie_backup_last_success_timestamp_seconds  Unix time (hub clock) of the newest
//                                                            good backup in dir; 0 = none yet
//             xianjie_backup_failures_total                  backups that failed
//   log       backup_taken (info), backup_failed (error): files, counts, errors; no personal data
//
// After a failure the next try is an hour later (or at every_hours, if sooner), not each second.
// Threads: constructed, started and stopped on the main thread; check() from any thread.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

#include "config/hub_config.h"
#include "hub/core/backup_metrics.h"
#include "hub/core/clock.h"
#include "hub/core/metrics.h"

namespace xj {

class BackupSchedule {
 public:
  BackupSchedule(BackupConfig config, std::string db_path, const Clock& clock,
                 MetricsRegistry& metrics);
  ~BackupSchedule();
  BackupSchedule(const BackupSchedule&) = delete;
  BackupSchedule& operator=(const BackupSchedule&) = delete;

  void start();
  // Looks at the clock again now (a test's clock change) rather than within the second.
  void check();
  // Ends the thread; a backup under way finishes first.
  void stop();

 private:
  using TimePoint = std::chrono::system_clock::time_point;
  void run();
  void backupNow(TimePoint now);
  void keepNewest();

  const BackupConfig config_;
  const std::string db_path_;
  const Clock& clock_;
  BackupMetrics figures_;  // the families registered at start (hub/core/backup_metrics.h)
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;     // guarded by mu_
  bool poked_ = false;    // guarded by mu_
  TimePoint next_try_{};  // the backup thread's only
  std::thread thread_;
};

}  // namespace xj
