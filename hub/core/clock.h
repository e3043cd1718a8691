// Clock: the only way domain code reads the time, so tests can use a fake one.
// Implementations must be safe to call from any thread.
#pragma once

#include <atomic>
#include <chrono>

namespace xj {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual std::chrono::system_clock::time_point now() const = 0;
};

class SystemClock final : public Clock {
 public:
  std::chrono::system_clock::time_point now() const override {
    return std::chrono::system_clock::now();
  }
};

// A clock that can be set (fault injection in tests: "what if today were 2024-02-01?").
// Until set it reads the system clock. Thread-safe.
class SettableClock final : public Clock {
 public:
  std::chrono::system_clock::time_point now() const override {
    auto fixed = fixed_.load();
    if (fixed == 0) return std::chrono::system_clock::now();
    return std::chrono::system_clock::time_point(std::chrono::system_clock::duration(fixed));
  }
  void set(std::chrono::system_clock::time_point t) { fixed_.store(t.time_since_epoch().count()); }

 private:
  std::atomic<std::chrono::system_clock::rep> fixed_{0};
};

}  // namespace xj
