#include <catch2/catch.hpp>

#include <string>

#include "hub/core/backup_metrics.h"
#include "hub/core/metrics.h"

using xj::MetricsRegistry;

namespace {
bool has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}
}  // namespace

TEST_CASE("A declared family shows its HELP and TYPE before its first series", "[metrics]") {
  MetricsRegistry m;
  m.declare("x_events_total", "Events", "counter");
  auto text = m.render();
  CHECK(has(text, "# HELP x_events_total Events\n# TYPE x_events_total counter\n"));
  CHECK_FALSE(has(text, "\nx_events_total"));  // no series line
  m.counter("x_events_total", "Events", "kind=\"a\"").inc();
  CHECK(has(m.render(), "x_events_total{kind=\"a\"} 1\n"));
}

TEST_CASE("A set gauge is 0 until set, the same object by name, and prints whole", "[metrics]") {
  MetricsRegistry m;
  auto backup = xj::backupMetrics(m);
  CHECK(has(m.render(), "xianjie_backup_last_success_timestamp_seconds 0\n"));
  CHECK(has(m.render(), "xianjie_backup_failures_total 0\n"));
  xj::backupMetrics(m).last_success.set(1796688000);
  backup.failures.inc();
  CHECK(has(m.render(), "xianjie_backup_last_success_timestamp_seconds 1796688000\n"));
  CHECK(has(m.render(), "xianjie_backup_failures_total 1\n"));
  m.gauge("x_bytes", "Bytes", [] { return 123456789012.0; });
  m.gauge("x_ratio", "Ratio", [] { return 0.25; });
  CHECK(has(m.render(), "x_bytes 123456789012\n"));
  CHECK(has(m.render(), "x_ratio 0.25\n"));
}
