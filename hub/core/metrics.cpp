#include "hub/core/metrics.h"

#include <cstdio>

namespace xj {

Histogram::Histogram(std::vector<double> bounds)
    : bounds_(std::move(bounds)), buckets_(new std::atomic<uint64_t>[bounds_.size() + 1]) {
  for (size_t i = 0; i <= bounds_.size(); ++i) buckets_[i].store(0);
}

void Histogram::observe(double v) {
  size_t i = 0;
  while (i < bounds_.size() && v > bounds_[i]) ++i;
  buckets_[i].fetch_add(1, std::memory_order_relaxed);
  count_.fetch_add(1, std::memory_order_relaxed);
  if (v > 0) sum_micro_.fetch_add(static_cast<uint64_t>(v * 1e6), std::memory_order_relaxed);
}

std::string Histogram::render(const std::string& name, const std::string& labels) const {
  std::string out;
  char buf[256];
  uint64_t cumulative = 0;
  std::string sep = labels.empty() ? "" : ",";
  for (size_t i = 0; i <= bounds_.size(); ++i) {
    cumulative += buckets_[i].load(std::memory_order_relaxed);
    if (i < bounds_.size()) {
      std::snprintf(buf, sizeof buf, "%g", bounds_[i]);
    } else {
      std::snprintf(buf, sizeof buf, "+Inf");
    }
    out += name + "_bucket{" + labels + sep + "le=\"" + buf + "\"} " + std::to_string(cumulative) +
           "\n";
  }
  std::snprintf(buf, sizeof buf, "%.6f", static_cast<double>(sum_micro_.load()) / 1e6);
  std::string braces = labels.empty() ? "" : "{" + labels + "}";
  out += name + "_sum" + braces + " " + buf + "\n";
  out += name + "_count" + braces + " " + std::to_string(count_.load()) + "\n";
  return out;
}

Counter& MetricsRegistry::counter(const std::string& name, const std::string& help,
                                  const std::string& labels) {
  std::lock_guard lock(mu_);
  auto& f = families_[name];
  f.help = help;
  f.type = "counter";
  auto& c = f.counters[labels];
  if (!c) c = std::make_unique<Counter>();
  return *c;
}

Histogram& MetricsRegistry::histogram(const std::string& name, const std::string& help,
                                      std::vector<double> bounds) {
  std::lock_guard lock(mu_);
  auto& f = families_[name];
  f.help = help;
  f.type = "histogram";
  if (!f.histogram) f.histogram = std::make_unique<Histogram>(std::move(bounds));
  return *f.histogram;
}

void MetricsRegistry::gauge(const std::string& name, const std::string& help,
                            std::function<double()> read) {
  std::lock_guard lock(mu_);
  auto& f = families_[name];
  f.help = help;
  f.type = "gauge";
  f.gauge = std::move(read);
}

Gauge& MetricsRegistry::gauge(const std::string& name, const std::string& help) {
  std::lock_guard lock(mu_);
  auto& f = families_[name];
  f.help = help;
  f.type = "gauge";
  if (!f.value) f.value = std::make_unique<Gauge>();
  return *f.value;
}

void MetricsRegistry::declare(const std::string& name, const std::string& help,
                              const std::string& type) {
  std::lock_guard lock(mu_);
  auto& f = families_[name];
  f.help = help;
  f.type = type;
}

void MetricsRegistry::collector(std::function<std::string()> render_text) {
  std::lock_guard lock(mu_);
  collectors_.push_back(std::move(render_text));
}

std::string MetricsRegistry::render() const {
  std::lock_guard lock(mu_);
  std::string out;
  for (const auto& [name, f] : families_) {
    out += "# HELP " + name + " " + f.help + "\n# TYPE " + name + " " + f.type + "\n";
    if (f.type == "counter") {
      for (const auto& [labels, c] : f.counters) {
        out += name + (labels.empty() ? "" : "{" + labels + "}") + " " +
               std::to_string(c->value()) + "\n";
      }
    } else if (f.type == "histogram" && f.histogram) {
      out += f.histogram->render(name, "");
    } else if (f.gauge || f.value) {
      // 15 significant digits: byte counts and Unix times print whole, not as 1.23457e+09.
      char buf[64];
      std::snprintf(buf, sizeof buf, "%.15g", f.gauge ? f.gauge() : f.value->value());
      out += name + " " + buf + "\n";
    }
  }
  for (const auto& c : collectors_) out += c();
  return out;
}

}  // namespace xj
