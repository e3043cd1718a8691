// The database's size on disk and the room left beside it, as /metrics gauges, so that an alert
// can compare the two before the disk fills (config/prometheus/xianjie-alerts.yml). Read when
// /metrics is rendered (a stat and a statvfs on the scraping I/O thread), never on the writer.
#pragma once

#include <string>

#include "hub/core/metrics.h"

namespace xj {

// `db_path` is store.path; its -wal file and the file system of its directory are measured too.
void registerStoreSizeMetrics(MetricsRegistry& metrics, const std::string& db_path);

}  // namespace xj
