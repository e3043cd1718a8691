#include "hub/core/backup_metrics.h"

namespace xj {

BackupMetrics backupMetrics(MetricsRegistry& metrics) {
  return {metrics.gauge("xianjie_backup_last_success_timestamp_seconds",
                        "Unix time of the last good backup the hub took (0: none yet)"),
          metrics.counter("xianjie_backup_failures_total", "Scheduled backups that failed")};
}

}  // namespace xj
