// Daemon: runs the real xianjied for an integration test, in its own temporary directory under
// $TMPDIR, on a free loopback port (the config asks for port 0; the port is read from the
// "listening" log line). Stopped with SIGTERM (or SIGKILL) when the test ends.
//
// A misbehaving daemon fails the test that started it, without the test having to ask: every
// stop (terminate(), the destructor, and start() after a kill9()) checks that the daemon exited
// 0 after SIGTERM (or died of the deliberate SIGKILL), and that neither its sanitizer report
// files nor its log hold a sanitizer report (ASan, LSan, UBSan, TSan). A failure keeps the
// directory (config, database, daemon.log, reports) and names it. The same holds for the CLI
// runs it makes (token()). One test thread uses it; only kill9() may be called from another.
#pragma once

#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "tests/support/child_process.h"

namespace xj::test {

class Daemon {
 public:
  // `extra` is spliced into the config object, e.g. R"("store": {"queue_capacity": 2})".
  // `mqtt` is the body of the config's mqtt object; empty disables MQTT.
  explicit Daemon(std::string extra_store = "", std::string extra_http = "",
                  std::string routes_path = "", std::string mqtt = "");
  ~Daemon();
  Daemon(const Daemon&) = delete;
  Daemon& operator=(const Daemon&) = delete;

  // Replaces the partner directory (a copy of config/partners.jsonc by default) before start().
  void writePartners(const std::string& text);

  void start();
  // SIGTERM, waits (at most 60 s, then SIGKILL) and returns the exit code (128 + signal if
  // killed). Anything but 0 fails the running test.
  int terminate();
  // SIGKILL, deliberately: the exit status is not held against the daemon, unless it had
  // already died of something else. Safe from another thread than the test's.
  void kill9();
  bool running() const { return pid_ > 0; }

  // Sets the hub's clock to an RFC 3339 time through the fault-injection endpoint (the config
  // needs "fault_injection": true), now if it runs and again at every start, so a restart
  // cannot silently fall back to today's date. Makes an admin token (org "test-clock") once.
  void setClock(const std::string& rfc3339);

  // Runs `xianjie token create` and returns the token; `person`: made for that one person
  // (--name; no single quote in it).
  std::string token(const std::string& org, const std::string& role,
                    const std::vector<std::string>& townships = {}, const std::string& person = "");
  // Runs sqlite3 on the hub's database and returns its output.
  std::string sql(const std::string& query) const;
  // The same on a connection that holds the hub's data keys (through the key-encryption key
  // file): SQL may read a sealed column with xj_open(column, 'label') (hub/storage/
  // sealed_columns.h). Rows as sqlite3 prints them: columns joined by '|', one per line.
  std::string openedSql(const std::string& query) const;
  std::string log() const;
  std::string logPath() const { return dir_ + "/daemon.log"; }

  int port() const { return port_; }
  int pid() const { return pid_; }
  const std::string& dir() const { return dir_; }
  const std::string& configPath() const { return config_; }
  std::string dbPath() const { return dir_ + "/data/hub.db"; }

 private:
  // Fails the test for sanitizer reports (files or log) that appeared since the last check, and
  // for a death recorded by kill9(). Only while no daemon runs (the log is complete).
  void checkStopped();
  void fail(const std::string& what);

  std::string dir_;
  std::string config_;
  int pid_ = -1;
  int port_ = 0;
  size_t log_offset_ = 0;      // where the current run's log starts
  size_t checked_offset_ = 0;  // how far the log has been searched for sanitizer reports
  std::set<std::string> seen_reports_;
  std::mutex kill_mu_;
  std::string died_before_kill_;  // set by kill9(), reported by the test thread
  bool keep_dir_ = false;
  std::string clock_;        // empty: the system clock
  std::string clock_token_;  // the admin token setClock uses
  void applyClock();
};

}  // namespace xj::test
