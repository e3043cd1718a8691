// webhook_bench ROWS PARTNERS DOWN: ROWS pending outbox rows spread over PARTNERS webhook
// partners (1,000 lanes each) are written into a real xianjied's database while it is stopped;
// the hub is started and delivers them, signed, to PARTNERS in-process receivers on loopback that
// verify every signature (HMAC-SHA256, 300 s window) and answer 200. With DOWN=1 the first
// partner's receiver is not listening (connection refused: retried with backoff throughout).
// Prints one line: rows for the live partners, seconds from the first to the last accepted
// delivery, deliveries/s, duplicates and unverified requests (both must be 0).
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/webhook_sink.h"

using namespace xj::test;
using Clock = std::chrono::steady_clock;

namespace {

// The release xianjied in a scratch directory (standards and routes from the source tree).
class Hub {
 public:
  Hub() {
    char tmpl[] = "/tmp/xj-wbench-XXXXXX";
    dir_ = mkdtemp(tmpl);
    // The person-key file and the key-encryption key (outside the store's directory, data/).
    std::system(("cd " + dir_ + " && mkdir data && (umask 077; head -c 32 /dev/urandom > hub.key; " +
                 "head -c 32 /dev/urandom > hub.kek)")
                    .c_str());
    std::ofstream(dir_ + "/hub.jsonc")
        << R"({"http": {"port": 0}, "store": {"path": ")" << dir_
        << R"(/data/hub.db", "key_file": ")" << dir_ << R"(/hub.key", "kek_file": ")" << dir_
        << R"(/hub.kek"}, "standards_dir": ")" << XJ_SOURCE_DIR
        << R"(/config/standards", "routes_path": ")" << XJ_SOURCE_DIR
        << R"(/config/routes.jsonc", "partners_path": ")" << dir_
        << R"(/partners.jsonc", "villages_path": ")" << XJ_SOURCE_DIR
        << R"(/config/villages.jsonc", "mqtt": {"enabled": false}, "log_level": "warn"})";
  }
  ~Hub() {
    stop();
    std::system(("rm -rf " + dir_).c_str());
  }
  const std::string& dir() const { return dir_; }
  void writePartners(const std::string& text) { std::ofstream(dir_ + "/partners.jsonc") << text; }
  void start() {
    pid_ = fork();
    if (pid_ == 0) {
      int fd = open((dir_ + "/hub.log").c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
      dup2(fd, 2);
      execl(XJ_DAEMON, XJ_DAEMON, "--config", (dir_ + "/hub.jsonc").c_str(),
            static_cast<char*>(nullptr));
      _exit(127);
    }
    // Ready when the database exists and the log has no start-up failure; the delivery thread
    // starts before the HTTP listener, so readiness is not needed for the measurement.
    for (int i = 0; i < 500 && access((dir_ + "/data/hub.db").c_str(), F_OK) != 0; ++i) usleep(10'000);
  }
  void stop() {
    if (pid_ <= 0) return;
    kill(pid_, SIGTERM);
    int st;
    waitpid(pid_, &st, 0);
    pid_ = -1;
  }
  std::string query(const std::string& q) {
    std::string out;
    FILE* f = popen(("sqlite3 " + dir_ + "/data/hub.db \"" + q + "\"").c_str(), "r");
    char buf[256];
    while (f && fgets(buf, sizeof buf, f)) out += buf;
    if (f) pclose(f);
    while (!out.empty() && out.back() == '\n') out.pop_back();
    return out;
  }
  void sql(const std::string& q) {
    std::ofstream(dir_ + "/fill.sql") << q << ";\n";
    std::system(("sqlite3 " + dir_ + "/data/hub.db < " + dir_ + "/fill.sql").c_str());
  }

 private:
  std::string dir_;
  int pid_ = -1;
};

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: webhook_bench ROWS PARTNERS DOWN(0|1)\n");
    return 2;
  }
  const long rows = std::atol(argv[1]);
  const int partners = std::atoi(argv[2]);
  const bool down = std::atoi(argv[3]) != 0;
  std::vector<std::unique_ptr<WebhookSink>> sinks;
  Hub d;
  std::string list;
  for (int p = 0; p < partners; ++p) {
    std::string secret = "bench-secret-of-partner-" + std::to_string(p) + "-0123456789";
    sinks.push_back(std::make_unique<WebhookSink>(secret));
    std::string key = d.dir() + "/p" + std::to_string(p) + ".key";
    {  // a secret file: 0600, or the hub refuses it
      std::ofstream(key) << secret;
      chmod(key.c_str(), 0600);
    }
    list +=
        (list.empty() ? "" : ",") + std::string(R"({"org": "p)") + std::to_string(p) +
        R"(", "name": "P", "services": ["food"], "townships": ["*"], "channel": {"type": "webhook", "url": ")" +
        sinks.back()->url("/hook") + R"(", "secret_file": ")" + key + R"("}})";
  }
  d.writePartners(R"({"partners": [)" + list + R"(]})");
  d.start();  // creates and migrates the database
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  d.stop();
  if (down) sinks[0]->stopListening();
  // ~350-byte bodies, like a minimised exchange status message.
  std::string pad(260, 'x');
  d.sql("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM n WHERE i < " +
        std::to_string(rows) +
        ") INSERT INTO outbox(partner, lane_key, kind, idempotency_key, body, created_at, state, "
        "updated_at) SELECT 'p' || (i % " +
        std::to_string(partners) + "), 'ex-' || ((i / " + std::to_string(partners) +
        ") % 1000), 'exchange.status', 'k-' || i, '{\"exchange\":\"ex-' || ((i / " +
        std::to_string(partners) + ") % 1000) || '\",\"seq\":' || i || ',\"note\":\"" + pad +
        "\"}', strftime('%Y-%m-%dT%H:%M:%SZ','now'), 'pending', "
        "strftime('%Y-%m-%dT%H:%M:%SZ','now') FROM n");
  long live_rows = 0;
  for (long i = 1; i <= rows; ++i)
    if (!(down && i % partners == 0)) ++live_rows;
  auto live_accepted = [&] {
    size_t n = 0;
    for (int p = down ? 1 : 0; p < partners; ++p)
      n += sinks[static_cast<size_t>(p)]->acceptedCount();
    return static_cast<long>(n);
  };
  d.start();
  Clock::time_point first{}, last{};
  auto deadline = Clock::now() + std::chrono::seconds(300);
  while (Clock::now() < deadline) {
    long n = live_accepted();
    if (n > 0 && first == Clock::time_point{}) first = Clock::now();
    if (n >= live_rows) {
      last = Clock::now();
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  long unverified = 0, duplicates = 0;
  std::set<std::string> keys;
  for (auto& s : sinks)
    for (const auto& r : s->received()) {
      if (!r.verified) ++unverified;
      if (r.answered == 200 && !keys.insert(r.idempotency_key).second) ++duplicates;
    }
  d.stop();
  // The down partner's rows: still pending, attempted (connection refused) and retried.
  std::string down_rows =
      down ? d.query(
                 "SELECT count(*) || '/' || coalesce(sum(attempts),0) FROM outbox WHERE "
                 "partner='p0' AND state='pending'")
           : "-";
  if (last == Clock::time_point{}) {
    std::printf("TIMEOUT delivered=%ld of %ld\n", live_accepted(), live_rows);
    return 1;
  }
  double secs = std::chrono::duration<double>(last - first).count();
  std::printf(
      "rows=%ld seconds=%.3f per_s=%.0f duplicates=%ld unverified=%ld down_pending/attempts=%s\n",
      live_rows, secs, static_cast<double>(live_rows) / secs, duplicates, unverified,
      down_rows.c_str());
  return 0;
}
