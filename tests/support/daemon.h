// Daemon: runs the real xianjied for an integration test, in its own temporary directory, on a
// free loopback port (the config asks for port 0; the port is read from the "listening" log
// line). Stopped with SIGTERM (or SIGKILL) when the test ends. One test thread uses it.
#pragma once

#include <string>
#include <vector>

namespace xj::test {

class Daemon {
 public:
  // `extra` is spliced into the config object, e.g. R"("store": {"queue_capacity": 2})".
  // `mqtt` is the body of the config's mqtt object; empty disables MQTT.
  explicit Daemon(std::string extra_store = "", std::string extra_http = "",
                  std::string routes_path = "", std::string mqtt = "");
  ~Daemon();

  // Replaces the partner directory (a copy of config/partners.jsonc by default) before start().
  void writePartners(const std::string& text);

  void start();
  int terminate();  // SIGTERM, returns the exit code
  void kill9();
  bool running() const { return pid_ > 0; }

  // Runs `xianjie token create` and returns the token.
  std::string token(const std::string& org, const std::string& role,
                    const std::vector<std::string>& townships = {});
  // Runs sqlite3 on the hub's database and returns its output.
  std::string sql(const std::string& query) const;
  std::string log() const;

  int port() const { return port_; }
  int pid() const { return pid_; }
  const std::string& dir() const { return dir_; }
  const std::string& configPath() const { return config_; }
  std::string dbPath() const { return dir_ + "/hub.db"; }

 private:
  std::string dir_;
  std::string config_;
  int pid_ = -1;
  int port_ = 0;
  size_t log_offset_ = 0;
};

std::string runCommand(const std::string& cmd, int* exit_code = nullptr);

}  // namespace xj::test
