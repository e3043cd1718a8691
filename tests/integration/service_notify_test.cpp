// The hub under systemd (Type=notify, WatchdogSec=): the test plays systemd's part, binding the
// datagram socket NOTIFY_SOCKET names and setting WATCHDOG_USEC, and reads what the real daemon
// sends: READY=1 only once /readyz answers 200, WATCHDOG=1 while it is healthy and none while
// its writer is stuck, STOPPING=1 at SIGTERM, then exit 0.
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <cstdlib>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "tests/integration/messages.h"
#include "tests/support/daemon.h"
#include "tests/support/http_client.h"
#include "tests/support/mosquitto.h"
#include "tests/support/temp_dir.h"

using namespace xj::test;

namespace {

// systemd's end of NOTIFY_SOCKET: a unix datagram socket in a temp directory, read all the time
// by its own thread as systemd does (a datagram socket's queue is short; a sender whose datagrams
// nobody reads would block in sd_notify).
class NotifySocket {
 public:
  explicit NotifySocket(const std::string& path) : path_(path) {
    fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    REQUIRE(path.size() < sizeof(addr.sun_path));
    path.copy(addr.sun_path, path.size());
    REQUIRE(::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0);
    reader_ = std::thread([this] { read(); });
  }
  ~NotifySocket() {
    stop_.store(true);
    reader_.join();
    ::close(fd_);
  }
  const std::string& path() const { return path_; }

  // The next datagram, or nothing within `timeout_ms`.
  std::optional<std::string> next(int timeout_ms) {
    std::unique_lock lock(mu_);
    if (!cv_.wait_for(lock, std::chrono::milliseconds(timeout_ms), [&] { return !got_.empty(); }))
      return std::nullopt;
    std::string m = std::move(got_.front());
    got_.pop_front();
    return m;
  }
  // Datagrams until one contains `what` (returned), or nothing such within `timeout_ms` (a
  // deadline for the whole wait: watchdog pings keep coming meanwhile).
  std::optional<std::string> until(const std::string& what, int timeout_ms,
                                   std::string* seen = nullptr) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    for (;;) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return std::nullopt;
      auto m = next(static_cast<int>(left.count()));
      if (!m) return std::nullopt;
      if (seen) *seen += *m + "\n";
      if (m->find(what) != std::string::npos) return m;
    }
  }

 private:
  void read() {
    while (!stop_.load()) {
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, 50) <= 0) continue;
      char buf[4096];
      ssize_t n = ::recv(fd_, buf, sizeof(buf), 0);
      if (n < 0) continue;
      {
        std::lock_guard lock(mu_);
        got_.emplace_back(buf, static_cast<size_t>(n));
      }
      cv_.notify_all();
    }
  }

  std::string path_;
  int fd_ = -1;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::string> got_;
  std::atomic<bool> stop_{false};
  std::thread reader_;
};

// Starts `d` as systemd would: NOTIFY_SOCKET and WATCHDOG_USEC in its environment only.
void startUnderSystemd(Daemon& d, const NotifySocket& sock, const std::string& watchdog_usec) {
  ::setenv("NOTIFY_SOCKET", sock.path().c_str(), 1);
  ::setenv("WATCHDOG_USEC", watchdog_usec.c_str(), 1);
  d.start();
  ::unsetenv("NOTIFY_SOCKET");
  ::unsetenv("WATCHDOG_USEC");
}

int readyz(int port) { return httpRequest(port, "GET", "/readyz").status; }

}  // namespace

TEST_CASE("under systemd: READY=1 only once /readyz is 200, watchdog pings, STOPPING=1 at SIGTERM",
          "[service]") {
  TempDir tmp("notify");
  NotifySocket sock((tmp.dir / "notify.sock").string());
  // A broker that is down at start: /readyz says 503, so READY=1 must wait for it.
  Mosquitto broker;
  broker.start();
  broker.stop();
  Daemon d("", "", "",
           "\"uri\": \"" + broker.uri() + "\", \"client_id\": \"hub-notify-" +
               std::to_string(broker.port()) + "\", \"reconnect_min_ms\": 50, " +
               "\"reconnect_max_ms\": 200");
  startUnderSystemd(d, sock, "400000");  // pings every 200 ms
  REQUIRE(readyz(d.port()) == 503);
  std::string seen;
  CHECK_FALSE(sock.until("READY=1", 500, &seen));
  CHECK(seen.find("STATUS=starting") != std::string::npos);
  CHECK(seen.find("WATCHDOG=1") == std::string::npos);  // no pings before READY=1

  broker.start();
  auto ready = sock.until("READY=1", 10'000);
  REQUIRE(ready);
  CHECK(readyz(d.port()) == 200);  // systemd's "started" means the hub takes work
  CHECK(ready->find("STATUS=serving") != std::string::npos);

  // Pings at half of WATCHDOG_USEC while healthy.
  for (int i = 0; i < 3; ++i) CHECK(sock.until("WATCHDOG=1", 2'000));

  ::kill(d.pid(), SIGTERM);
  CHECK(sock.until("STOPPING=1", 10'000));
  CHECK(d.terminate() == 0);  // already signalled; waits for the exit and checks it is 0
}

TEST_CASE("under systemd: no watchdog pings while the writer is stuck, again once it moves",
          "[service]") {
  TempDir tmp("notify-stuck");
  NotifySocket sock((tmp.dir / "notify.sock").string());
  Daemon d(R"("fault_injection": true)");
  std::string t = d.token("hotline-1", "hotline");
  std::string admin = d.token("bureau", "admin");
  startUnderSystemd(d, sock, "200000");  // pings every 100 ms
  REQUIRE(sock.until("READY=1", 10'000));
  REQUIRE(sock.until("WATCHDOG=1", 2'000));
  const std::map<std::string, std::string> admin_auth{{"Authorization", "Bearer " + admin}};
  REQUIRE(httpRequest(d.port(), "POST", "/v1/admin/faults", "pause", admin_auth).status == 200);
  // A ticket waits in the paused writer's queue: the writer neither idles nor moves.
  std::thread waiting([&] {
    httpRequest(d.port(), "POST", "/v1/tickets", ticketJson("stuck-1", "hotline-1"),
                {{"Authorization", "Bearer " + t}});
  });
  // At most one ping already on its way when the ticket was queued; then none for 5 periods.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  bool withheld = false;
  while (!withheld && std::chrono::steady_clock::now() < deadline)
    withheld = !sock.until("WATCHDOG=1", 500);
  CHECK(withheld);
  REQUIRE(httpRequest(d.port(), "POST", "/v1/admin/faults", "resume", admin_auth).status == 200);
  waiting.join();
  CHECK(sock.until("WATCHDOG=1", 2'000));
  CHECK(d.log().find("event=watchdog_withheld") != std::string::npos);
  CHECK(d.terminate() == 0);
}
