// ServiceNotify: tells systemd how the hub is doing when it runs as a Type=notify service
// (packaging/xianjied.service), through sd_notify(3) of Debian's libsystemd:
//   READY=1     once the hub serves and is ready as /readyz counts it (so `systemctl start`
//               returns when requests are taken), or after `ready_wait` of serving without it
//               (a broker that is down must not keep the hub from starting: HTTP works);
//   STATUS=...  what it is doing, shown by `systemctl status`;
//   STOPPING=1  at SIGTERM, when the drain begins;
//   WATCHDOG=1  every half WATCHDOG_USEC, only while the hub's health probe holds, so a hub whose
//               writer or I/O loop hangs is restarted by systemd (WatchdogSec=, Restart=).
// Without NOTIFY_SOCKET (not started by systemd: scripts/run, most tests) it sends nothing and
// starts no thread.
//
// Threads: constructed, start() and stop() on the main thread; status() and stopping() from any
// thread (each sd_notify call is its own datagram). start() runs the notify thread, which sends
// READY=1 and the watchdog pings and calls the probes; stop() joins it.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

namespace xj {

class ServiceNotify {
 public:
  struct Probes {
    std::function<bool()> ready;    // as /readyz: the store healthy, the broker connected
    std::function<bool()> healthy;  // making progress: only then is the watchdog pinged
  };

  // Reads NOTIFY_SOCKET and WATCHDOG_USEC (sd_watchdog_enabled) once.
  ServiceNotify();
  ~ServiceNotify();
  ServiceNotify(const ServiceNotify&) = delete;
  ServiceNotify& operator=(const ServiceNotify&) = delete;

  bool enabled() const { return enabled_; }
  // Half of WATCHDOG_USEC, or zero when systemd asks for no watchdog.
  std::chrono::microseconds pingInterval() const { return ping_interval_; }

  void status(const std::string& text);
  // The hub serves: the notify thread sends READY=1 once probes.ready() holds (looked at every
  // 100 ms) or `ready_wait` has passed, then pings the watchdog while probes.healthy() holds.
  void start(Probes probes, std::chrono::milliseconds ready_wait);
  // STOPPING=1 with a STATUS line; no watchdog pings after it.
  void stopping(const std::string& why);
  // Ends the notify thread. Idempotent.
  void stop();

 private:
  void run(Probes probes, std::chrono::milliseconds ready_wait);
  void send(const std::string& state);
  bool stoppingNow();

  bool enabled_ = false;
  std::chrono::microseconds ping_interval_{0};
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace xj
