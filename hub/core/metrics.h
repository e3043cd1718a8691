// Metrics: counters, gauges and histograms rendered in the Prometheus text format.
// Thread-safe: families are created at start-up or lazily under a mutex; increments are atomic.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace xj {

class Counter {
 public:
  void inc(uint64_t n = 1) { v_.fetch_add(n, std::memory_order_relaxed); }
  uint64_t value() const { return v_.load(std::memory_order_relaxed); }

 private:
  std::atomic<uint64_t> v_{0};
};

// A gauge the hub sets (a timestamp, a last result) rather than reads at render time.
class Gauge {
 public:
  void set(double v) { v_.store(v, std::memory_order_relaxed); }
  double value() const { return v_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> v_{0};
};

class Histogram {
 public:
  explicit Histogram(std::vector<double> bounds);
  void observe(double v);
  std::string render(const std::string& name, const std::string& labels) const;

 private:
  std::vector<double> bounds_;
  std::unique_ptr<std::atomic<uint64_t>[]> buckets_;  // one per bound, plus +Inf
  std::atomic<uint64_t> count_{0};
  std::atomic<uint64_t> sum_micro_{0};  // sum in millionths, to stay atomic and integral
};

class MetricsRegistry {
 public:
  // `labels` is the rendered label set, e.g. kind="ticket",outcome="accepted" (may be empty).
  Counter& counter(const std::string& name, const std::string& help,
                   const std::string& labels = "");
  Histogram& histogram(const std::string& name, const std::string& help,
                       std::vector<double> bounds);
  // Gauges are read at render time from a callback (queue depths, connection state).
  void gauge(const std::string& name, const std::string& help, std::function<double()> read);
  // A gauge set by the hub, 0 until first set; the same name gives the same Gauge.
  Gauge& gauge(const std::string& name, const std::string& help);

  // A family whose series come later (labelled counters made at first use): /metrics shows its
  // HELP and TYPE from the start, so that alert rules and dashboards find the name.
  void declare(const std::string& name, const std::string& help, const std::string& type);

  // Extra exposition text computed at render time (labelled gauges such as overdue counts).
  void collector(std::function<std::string()> render_text);

  std::string render() const;

 private:
  struct Family {
    std::string help;
    std::string type;
    std::map<std::string, std::unique_ptr<Counter>> counters;
    std::unique_ptr<Histogram> histogram;
    std::function<double()> gauge;
    std::unique_ptr<Gauge> value;  // a set gauge (no callback)
  };
  mutable std::mutex mu_;
  std::map<std::string, Family> families_;
  std::vector<std::function<std::string()>> collectors_;
};

}  // namespace xj
