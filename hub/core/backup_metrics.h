// The backup's figures on /metrics, which the shipped alert rules name
// (config/prometheus/xianjie-alerts.yml): registered at start so that they show, as 0, before the
// first backup; set by whatever takes the hub's scheduled backups. Any thread (atomics).
#pragma once

#include "hub/core/metrics.h"

namespace xj {

struct BackupMetrics {
  Gauge& last_success;  // Unix time of the last good backup the hub took; 0 = none yet
  Counter& failures;    // scheduled backups that failed
};

// Registers the two families on the first call; every call gives the same objects.
BackupMetrics backupMetrics(MetricsRegistry& metrics);

}  // namespace xj
