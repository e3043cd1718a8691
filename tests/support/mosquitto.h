// Mosquitto: a real broker for a test, on a free loopback port, in its own temporary directory
// under $TMPDIR (config, persistence, log). Either open (anonymous) or with the shipped
// configuration (config/mosquitto/mosquitto.conf.in) and the ACL/password files `xianjie
// mqtt-acl` wrote. The port is chosen free and the broker started on it; if another process took
// the port in between (mosquitto logs "Address already in use" and exits), start() tries another
// port; a restart keeps the port (clients reconnect to it) and retries it for a few seconds.
// enableTls() adds the shipped TLS listener (config/mosquitto/tls-listener.conf.in) on a second
// free port, so a test can reach the broker as `ssl://` beside the plain listener.
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
  // Before start(): a TLS listener (the shipped snippet) serving `cert_file`/`key_file`. With
  // `client_ca` set, it also requires every client to present a certificate that CA signed.
  void enableTls(const std::string& cert_file, const std::string& key_file,
                 const std::string& client_ca = "");
  int port() const { return port_; }
  std::string log() const;
  std::string uri() const { return "tcp://127.0.0.1:" + std::to_string(port_); }
  std::string tlsUri() const { return "ssl://127.0.0.1:" + std::to_string(tls_port_); }

 private:
  std::string dir_;
  std::string acl_dir_;
  std::string conf_template_;  // @PORT@ still to fill in
  int port_ = 0;
  int tls_port_ = 0;  // 0: no TLS listener
  int pid_ = -1;
  bool started_once_ = false;
  void writeConfig();
  void choosePorts();
  // Starts on port_; true when mosquitto logs that it runs, false when it exits on a bind error.
  bool tryStart();
};

int freePort();

}  // namespace xj::test
