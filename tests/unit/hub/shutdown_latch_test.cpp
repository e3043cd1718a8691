// ShutdownLatch: the main thread's drain wait wakes on a poke, not on a timer, and keeps its cap.
#include "hub/shutdown_latch.h"

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <thread>

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

TEST_CASE("shutdown latch: a requested stop wakes the waiter", "[hub][shutdown]") {
  xj::ShutdownLatch latch;
  CHECK_FALSE(latch.requested());
  std::thread signal([&] {
    std::this_thread::sleep_for(20ms);
    latch.request();
  });
  latch.waitRequested();
  CHECK(latch.requested());
  signal.join();
}

TEST_CASE("shutdown latch: the drain wait ends at the poke after the last answer",
          "[hub][shutdown]") {
  xj::ShutdownLatch latch;
  latch.request();
  std::atomic<int> in_flight{3};
  std::thread io([&] {
    for (int i = 0; i < 3; ++i) {
      std::this_thread::sleep_for(10ms);
      in_flight.fetch_sub(1);
      latch.poke();
    }
  });
  auto started = Clock::now();
  bool drained = latch.waitUntil(started + 10s, [&] { return in_flight.load() == 0; });
  CHECK(drained);
  CHECK(Clock::now() - started < 5s);  // woken by the poke, long before the cap
  io.join();
}

TEST_CASE("shutdown latch: the drain wait gives up at its deadline", "[hub][shutdown]") {
  xj::ShutdownLatch latch;
  latch.request();
  auto started = Clock::now();
  CHECK_FALSE(latch.waitUntil(started + 50ms, [] { return false; }));
  CHECK(Clock::now() - started >= 50ms);
  CHECK(latch.waitUntil(Clock::now() + 10s, [] { return true; }));  // already done: no wait
}

TEST_CASE("shutdown latch: a poke before any stop request costs nothing and wakes nobody",
          "[hub][shutdown]") {
  xj::ShutdownLatch latch;
  latch.poke();
  CHECK_FALSE(latch.requested());
}
