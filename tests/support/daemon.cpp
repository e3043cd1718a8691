#include "tests/support/daemon.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace xj::test {

std::string runCommand(const std::string& cmd, int* exit_code) {
  std::string out;
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) throw std::runtime_error("popen failed");
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  int st = pclose(p);
  if (exit_code) *exit_code = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  return out;
}

Daemon::Daemon(std::string extra_store, std::string extra_http, std::string routes_path,
               std::string mqtt) {
  if (routes_path.empty()) routes_path = std::string(XJ_SOURCE_DIR) + "/config/routes.jsonc";
  char tmpl[] = "/tmp/xianjie-test-XXXXXX";
  dir_ = mkdtemp(tmpl);
  config_ = dir_ + "/hub.jsonc";
  // The person-key file (store.key_file): 32 random bytes, mode 0600, like scripts/run makes.
  {
    int fd = open((dir_ + "/hub.key").c_str(), O_WRONLY | O_CREAT | O_EXCL, 0600);
    std::ifstream rnd("/dev/urandom", std::ios::binary);
    char key[32];
    rnd.read(key, sizeof key);
    if (fd < 0 || write(fd, key, sizeof key) != static_cast<ssize_t>(sizeof key))
      throw std::runtime_error("cannot write the test key file");
    ::close(fd);
  }
  // The shipped partner directory, until a test writes its own (writePartners).
  {
    std::ifstream shipped(std::string(XJ_SOURCE_DIR) + "/config/partners.jsonc");
    std::ofstream(dir_ + "/partners.jsonc") << shipped.rdbuf();
  }
  std::ofstream(config_) << "{\n  \"http\": {\"port\": 0"
                         << (extra_http.empty() ? "" : ", " + extra_http)
                         << "},\n  \"store\": {\"path\": \"" << dir_
                         << "/hub.db\", \"key_file\": \"" << dir_ << "/hub.key\""
                         << (extra_store.empty() ? "" : ", " + extra_store)
                         << "},\n  \"standards_dir\": \"" << XJ_SOURCE_DIR << "/config/standards"
                         << "\",\n  \"routes_path\": \"" << routes_path
                         << "\",\n  \"partners_path\": \"" << dir_ << "/partners.jsonc"
                         << "\",\n  \"mqtt\": {" << (mqtt.empty() ? "\"enabled\": false" : mqtt)
                         << "},\n}\n";
}

void Daemon::writePartners(const std::string& text) {
  std::ofstream(dir_ + "/partners.jsonc") << text;
}

Daemon::~Daemon() {
  if (pid_ > 0) terminate();
  runCommand("rm -rf '" + dir_ + "'");
}

std::string Daemon::log() const {
  std::ifstream in(dir_ + "/daemon.log");
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void Daemon::start() {
  std::string logpath = dir_ + "/daemon.log";
  {
    std::ifstream in(logpath, std::ios::ate);
    log_offset_ = in ? static_cast<size_t>(in.tellg()) : 0;
  }
  pid_ = fork();
  if (pid_ == 0) {
    // Dies with the test process, so a crashed or killed test leaves no server behind.
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    int fd = open(logpath.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    dup2(fd, 2);
    int devnull = open("/dev/null", O_RDWR);
    dup2(devnull, 0);
    dup2(devnull, 1);
    execl(XJ_DAEMON, XJ_DAEMON, "--config", config_.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (std::chrono::steady_clock::now() < deadline) {
    std::string l = log();
    if (l.size() > log_offset_) {
      auto pos = l.find("event=listening http=127.0.0.1:", log_offset_);
      if (pos != std::string::npos) {
        port_ = std::atoi(l.c_str() + pos + std::string("event=listening http=127.0.0.1:").size());
        return;
      }
    }
    int st;
    if (waitpid(pid_, &st, WNOHANG) == pid_) {
      pid_ = -1;
      throw std::runtime_error("xianjied exited at start-up:\n" + l.substr(log_offset_));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  throw std::runtime_error("xianjied did not start:\n" + log().substr(log_offset_));
}

int Daemon::terminate() {
  if (pid_ <= 0) return -1;
  ::kill(pid_, SIGTERM);
  int st = 0;
  waitpid(pid_, &st, 0);
  pid_ = -1;
  return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

void Daemon::kill9() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGKILL);
  int st;
  waitpid(pid_, &st, 0);
  pid_ = -1;
}

std::string Daemon::token(const std::string& org, const std::string& role,
                          const std::vector<std::string>& townships) {
  std::string cmd = std::string(XJ_CLI) + " token create --config '" + config_ + "' --org " + org +
                    " --role " + role;
  for (const auto& t : townships) cmd += " --township " + t;
  int code = 0;
  std::string out = runCommand(cmd + " 2>/dev/null", &code);
  if (code != 0) throw std::runtime_error("token create failed");
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
  return out;
}

std::string Daemon::sql(const std::string& query) const {
  return runCommand("sqlite3 '" + dbPath() + "' \"" + query + "\"");
}

}  // namespace xj::test
