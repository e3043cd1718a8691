#include "tests/support/daemon.h"

#include <sqlite3.h>

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "hub/security/field_cipher.h"
#include "hub/storage/data_keys.h"
#include "hub/storage/sqlite_db.h"
#include "tests/support/http_client.h"
#include "tests/support/test_env.h"

namespace xj::test {

Daemon::Daemon(std::string extra_store, std::string extra_http, std::string routes_path,
               std::string mqtt) {
  if (routes_path.empty()) routes_path = std::string(XJ_SOURCE_DIR) + "/config/routes.jsonc";
  dir_ = makeTempDir("xianjie-test-");
  config_ = dir_ + "/hub.jsonc";
  // The person-key file (store.key_file) and the key-encryption key (store.kek_file): 32 random
  // bytes each, mode 0600, like scripts/run makes. The database lives in data/, so that the
  // key-encryption key is outside its directory, as the hub requires.
  for (const char* name : {"/hub.key", "/hub.kek"}) {
    int fd = open((dir_ + name).c_str(), O_WRONLY | O_CREAT | O_EXCL, 0600);
    std::ifstream rnd("/dev/urandom", std::ios::binary);
    char key[32];
    rnd.read(key, sizeof key);
    if (fd < 0 || write(fd, key, sizeof key) != static_cast<ssize_t>(sizeof key))
      throw std::runtime_error("cannot write the test key file");
    ::close(fd);
  }
  std::filesystem::create_directories(dir_ + "/data");
  // The shipped partner directory, until a test writes its own (writePartners).
  {
    std::ifstream shipped(std::string(XJ_SOURCE_DIR) + "/config/partners.jsonc");
    std::ofstream(dir_ + "/partners.jsonc") << shipped.rdbuf();
  }
  std::ofstream(config_) << "{\n  \"http\": {\"port\": 0"
                         << (extra_http.empty() ? "" : ", " + extra_http)
                         << "},\n  \"store\": {\"path\": \"" << dir_
                         << "/data/hub.db\", \"key_file\": \"" << dir_ << "/hub.key\", "
                         << "\"kek_file\": \"" << dir_ << "/hub.kek\""
                         << (extra_store.empty() ? "" : ", " + extra_store)
                         << "},\n  \"standards_dir\": \"" << XJ_SOURCE_DIR << "/config/standards"
                         << "\",\n  \"routes_path\": \"" << routes_path
                         << "\",\n  \"partners_path\": \"" << dir_ << "/partners.jsonc"
                         << "\",\n  \"villages_path\": \"" << XJ_SOURCE_DIR
                         << "/config/villages.jsonc"
                         << "\",\n  \"mqtt\": {" << (mqtt.empty() ? "\"enabled\": false" : mqtt)
                         << "},\n}\n";
}

void Daemon::writePartners(const std::string& text) {
  std::ofstream(dir_ + "/partners.jsonc") << text;
}

Daemon::~Daemon() {
  if (pid_ > 0) terminate();
  checkStopped();
  if (keep_dir_ || currentTestFailed()) {
    std::cerr << "xianjied's files (config, database, daemon.log) kept in " << dir_ << "\n";
  } else {
    runCommand("rm -rf '" + dir_ + "'");
  }
}

std::string Daemon::log() const {
  std::ifstream in(logPath());
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void Daemon::fail(const std::string& what) {
  keep_dir_ = true;
  failCurrentTest("xianjied " + what + "\n(log: " + logPath() + "; files kept in " + dir_ + ")");
}

void Daemon::checkStopped() {
  std::string died;
  {
    std::lock_guard lock(kill_mu_);
    died.swap(died_before_kill_);
  }
  if (!died.empty()) fail(died);
  std::string reports = newSanitizerReports(dir_, "sanitizer", seen_reports_);
  if (!reports.empty()) fail("wrote a sanitizer report:\n" + reports.substr(0, 6000));
  std::string l = log();
  if (l.size() > checked_offset_) {
    std::string found = sanitizerLines(l.substr(checked_offset_));
    checked_offset_ = l.size();
    if (!found.empty()) fail("logged a sanitizer report:\n" + found.substr(0, 3000));
  }
}

void Daemon::start() {
  checkStopped();  // what a previous run (ended by kill9) left
  {
    std::ifstream in(logPath(), std::ios::ate);
    log_offset_ = in ? static_cast<size_t>(in.tellg()) : 0;
  }
  pid_ = spawnChild({XJ_DAEMON, "--config", config_}, "", logPath(), dir_ + "/sanitizer");
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (std::chrono::steady_clock::now() < deadline) {
    std::string l = log();
    if (l.size() > log_offset_) {
      auto pos = l.find("event=listening http=127.0.0.1:", log_offset_);
      if (pos != std::string::npos) {
        port_ = std::atoi(l.c_str() + pos + std::string("event=listening http=127.0.0.1:").size());
        if (!clock_.empty()) applyClock();
        return;
      }
    }
    int st;
    if (waitpid(pid_, &st, WNOHANG) == pid_) {
      pid_ = -1;
      keep_dir_ = true;
      checkStopped();
      throw std::runtime_error("xianjied exited at start-up (" + describeWaitStatus(st) +
                               "; files kept in " + dir_ + "):\n" + l.substr(log_offset_));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  kill9();
  keep_dir_ = true;
  throw std::runtime_error("xianjied did not start within 20 s (files kept in " + dir_ + "):\n" +
                           log().substr(log_offset_));
}

int Daemon::terminate() {
  if (pid_ <= 0) return -1;
  ::kill(pid_, SIGTERM);
  int st = 0;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  bool exited = false;
  while (std::chrono::steady_clock::now() < deadline) {
    if (waitpid(pid_, &st, WNOHANG) == pid_) {
      exited = true;
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  if (!exited) {
    ::kill(pid_, SIGKILL);
    waitpid(pid_, &st, 0);
    pid_ = -1;
    fail("did not exit within 60 s of SIGTERM");
    checkStopped();
    return 128 + SIGKILL;
  }
  pid_ = -1;
  if (!exitedZero(st)) fail("ended with " + describeWaitStatus(st) + " after SIGTERM, not exit 0");
  checkStopped();
  return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

void Daemon::kill9() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGKILL);
  int st;
  waitpid(pid_, &st, 0);
  pid_ = -1;
  if (!(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL)) {
    std::lock_guard lock(kill_mu_);
    died_before_kill_ = "had died (" + describeWaitStatus(st) + ") before the deliberate SIGKILL";
  }
}

void Daemon::setClock(const std::string& rfc3339) {
  if (clock_token_.empty()) clock_token_ = token("test-clock", "admin");
  clock_ = rfc3339;
  if (pid_ > 0) applyClock();
}

void Daemon::applyClock() {
  auto r = httpRequest(port_, "POST", "/v1/admin/faults", "clock " + clock_,
                       {{"Authorization", "Bearer " + clock_token_}});
  if (r.status != 200)
    throw std::runtime_error("setting the hub's clock failed (HTTP " + std::to_string(r.status) +
                             "; is store.fault_injection on?): " + r.body);
}

std::string Daemon::token(const std::string& org, const std::string& role,
                          const std::vector<std::string>& townships, const std::string& person) {
  std::string cmd = std::string(XJ_CLI) + " token create --config '" + config_ + "' --org " + org +
                    " --role " + role;
  if (!person.empty()) cmd += " --name '" + person + "'";
  for (const auto& t : townships) cmd += " --township " + t;
  int code = 0;
  std::string out = runCommand(cmd + " 2>/dev/null", &code);
  if (code != 0)
    throw std::runtime_error("token create failed (exit " + std::to_string(code) + ")");
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
  return out;
}

std::string Daemon::openedSql(const std::string& query) const {
  auto kek = security::KeyEncryptionKey::load(dir_ + "/hub.kek", dir_ + "/data");
  if (!kek.isOk()) throw std::runtime_error(kek.status().message());
  security::FieldCipher cipher;
  auto db = storage::openWithKeys(dbPath(), kek.value(), cipher);
  if (!db.isOk()) throw std::runtime_error(db.status().message());
  auto st = db.value().prepare(query);
  if (!st.valid()) throw std::runtime_error("openedSql: " + db.value().lastError());
  std::string out;
  while (st.step() == SQLITE_ROW) {
    for (int c = 0; c < st.columns(); ++c) out += (c ? "|" : "") + st.text(c);
    out += "\n";
  }
  return out;
}

std::string Daemon::sql(const std::string& query) const {
  // A busy timeout: in WAL mode a reader can still meet the writer's lock for a moment (a WAL
  // restart or checkpoint), and the sqlite3 shell has none by default, so it exited 5
  // ("database is locked") in a test that read while the hub committed.
  return runCommand("sqlite3 -cmd '.timeout 5000' '" + dbPath() + "' \"" + query + "\"");
}

}  // namespace xj::test
