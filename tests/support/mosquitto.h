// Mosquitto: a real broker for a test, on a free loopback port, in its own temporary directory
// (config, persistence). Either open (anonymous) or with the shipped configuration
// (config/mosquitto/mosquitto.conf.in) and the ACL/password files `xianjie mqtt-acl` wrote.
#pragma once

#include <string>

namespace xj::test {

class Mosquitto {
 public:
  // `acl_dir` empty: anonymous access, persistence on. Otherwise the shipped template with
  // that directory's acl and passwd.
  explicit Mosquitto(std::string acl_dir = "");
  ~Mosquitto();
  void start();
  void stop();   // SIGTERM (saves its persistence file)
  void kill9();  // SIGKILL
  int port() const { return port_; }
  std::string uri() const { return "tcp://127.0.0.1:" + std::to_string(port_); }

 private:
  std::string dir_;
  std::string acl_dir_;
  int port_ = 0;
  int pid_ = -1;
};

int freePort();

}  // namespace xj::test
