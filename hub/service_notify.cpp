#include "hub/service_notify.h"

#include <systemd/sd-daemon.h>

#include <cstdlib>

#include "hub/core/log.h"

namespace xj {

ServiceNotify::ServiceNotify() {
  const char* socket = std::getenv("NOTIFY_SOCKET");
  enabled_ = socket != nullptr && *socket != '\0';
  if (!enabled_) return;
  uint64_t usec = 0;
  // > 0 only when WATCHDOG_USEC is set (and WATCHDOG_PID, if set, names this process).
  if (sd_watchdog_enabled(0, &usec) > 0 && usec > 0)
    ping_interval_ = std::chrono::microseconds(usec / 2);
}

ServiceNotify::~ServiceNotify() { stop(); }

void ServiceNotify::send(const std::string& state) {
  if (!enabled_) return;
  // A failed notification is not worth stopping the hub for; systemd's timeouts catch it.
  if (int r = sd_notify(0, state.c_str()); r < 0)
    log::warn("sd_notify_failed", {{"error", std::to_string(-r)}});
}

void ServiceNotify::status(const std::string& text) { send("STATUS=" + text); }

// No pings after this: systemd stops watching once it reads STOPPING=1.
void ServiceNotify::stopping(const std::string& why) {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  send("STOPPING=1\nSTATUS=" + why);
}

bool ServiceNotify::stoppingNow() {
  std::lock_guard lock(mu_);
  return stopping_;
}

void ServiceNotify::start(Probes probes, std::chrono::milliseconds ready_wait) {
  if (!enabled_ || thread_.joinable()) return;
  thread_ =
      std::thread([this, probes = std::move(probes), ready_wait] { run(probes, ready_wait); });
}

void ServiceNotify::stop() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void ServiceNotify::run(Probes probes, std::chrono::milliseconds ready_wait) {
  using Clock = std::chrono::steady_clock;
  const auto ready_by = Clock::now() + ready_wait;
  bool ready_sent = false;
  bool withheld = false;  // the last ping was withheld: logged once per spell, not every tick
  auto next_ping = Clock::now();
  std::unique_lock lock(mu_);
  while (!stop_) {
    lock.unlock();
    const auto now = Clock::now();
    if (!ready_sent) {
      const bool ready = probes.ready();
      if (ready || now >= ready_by) {
        send(ready ? "READY=1\nSTATUS=serving" : "READY=1\nSTATUS=serving; not ready (/readyz)");
        ready_sent = true;
        next_ping = now + ping_interval_;  // the probe's first look needs a look before it
      }
    }
    if (ready_sent && ping_interval_.count() > 0 && now >= next_ping && !stoppingNow()) {
      const bool healthy = probes.healthy();
      if (healthy) send("WATCHDOG=1");
      if (healthy == withheld)
        healthy ? log::info("watchdog_resumed") : log::warn("watchdog_withheld");
      withheld = !healthy;
      next_ping = now + ping_interval_;
    }
    lock.lock();
    if (ready_sent && (ping_interval_.count() == 0 || stopping_))
      cv_.wait(lock, [this] { return stop_; });  // nothing left to send from here
    else
      cv_.wait_until(lock, ready_sent ? next_ping : now + std::chrono::milliseconds(100),
                     [this] { return stop_; });
  }
}

}  // namespace xj
