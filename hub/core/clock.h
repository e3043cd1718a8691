// Clock: the only way domain code reads the time, so tests can use a fake one.
// Implementations must be safe to call from any thread.
#pragma once

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

}  // namespace xj
