// ShutdownLatch: how the main thread learns, without polling, that it may go on with the
// shutdown. The SIGTERM/SIGINT handler (an I/O thread) calls request() once it has stopped the
// intake; the adapters call poke() whenever what the drain waits for may have changed (a request
// answered, an MQTT receipt handed to Paho, the inbound MQTT connection closed). The main thread
// waits in waitRequested(), then in waitUntil() for the drain's condition.
//
// Threads: request() and poke() from any thread; the waits from the main thread only.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>

namespace xj {

class ShutdownLatch {
 public:
  void request() {
    {
      std::lock_guard lock(mu_);
      requested_.store(true);
    }
    cv_.notify_all();
  }
  bool requested() const { return requested_.load(); }

  // One atomic load while no shutdown is under way, so the adapters may call it on every answer.
  // The caller has changed what the drain looks at before calling; a shutdown requested after
  // that change is seen by the waiter's first look.
  void poke() {
    if (!requested_.load()) return;
    {
      std::lock_guard lock(mu_);
      ++pokes_;
    }
    cv_.notify_all();
  }

  void waitRequested() {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [this] { return requested_.load(); });
  }

  // Waits until `done()` holds or `deadline` passes; returns `done()`'s last answer. `done()` runs
  // without the latch's mutex (it may take the adapters' own locks: no thread holds two at once);
  // a poke between a look and the sleep is not lost, because the sleep ends on any poke counted
  // after the look began.
  template <class Done>
  bool waitUntil(std::chrono::steady_clock::time_point deadline, Done done) {
    for (;;) {
      uint64_t seen = pokesSoFar();
      if (done()) return true;
      std::unique_lock lock(mu_);
      if (!cv_.wait_until(lock, deadline, [&] { return pokes_ != seen; })) return done();
    }
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::atomic<bool> requested_{false};
  uint64_t pokes_ = 0;  // under mu_

  uint64_t pokesSoFar() {
    std::lock_guard lock(mu_);
    return pokes_;
  }
};

}  // namespace xj
