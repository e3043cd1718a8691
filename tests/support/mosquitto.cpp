#include "tests/support/mosquitto.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <set>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "tests/support/child_process.h"
#include "tests/support/test_env.h"

namespace xj::test {

int freePort() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  int port = ntohs(a.sin_port);
  ::close(fd);
  return port;
}

namespace {

// Whether process `pid` holds a socket listening on 127.0.0.1:`port` (and not some other
// process that took the port): the socket's inode from /proc/net/tcp among the process's fds.
bool listensOn(int pid, int port) {
  std::ifstream tcp("/proc/net/tcp");
  std::string line;
  std::getline(tcp, line);  // header
  char want[16];
  std::snprintf(want, sizeof want, "0100007F:%04X", port);
  std::set<std::string> inodes;
  while (std::getline(tcp, line)) {
    std::istringstream f(line);
    std::string sl, local, remote, state, queues, timer, retr, uid, timeout, inode;
    f >> sl >> local >> remote >> state >> queues >> timer >> retr >> uid >> timeout >> inode;
    if (local == want && state == "0A") inodes.insert("socket:[" + inode + "]");
  }
  if (inodes.empty()) return false;
  std::string fd_dir = "/proc/" + std::to_string(pid) + "/fd";
  DIR* d = ::opendir(fd_dir.c_str());
  if (!d) return false;
  bool found = false;
  while (dirent* e = ::readdir(d)) {
    char target[128];
    ssize_t n = ::readlink((fd_dir + "/" + e->d_name).c_str(), target, sizeof target - 1);
    if (n <= 0) continue;
    target[n] = '\0';
    if (inodes.count(target)) found = true;
  }
  ::closedir(d);
  return found;
}

}  // namespace

Mosquitto::Mosquitto(std::string acl_dir) : acl_dir_(std::move(acl_dir)) {
  dir_ = makeTempDir("xianjie-mosquitto-");
  if (acl_dir_.empty()) {
    conf_template_ =
        "listener @PORT@ 127.0.0.1\nallow_anonymous true\npersistence true\n"
        "persistence_location " +
        dir_ +
        "/\nautosave_interval 5\nset_tcp_nodelay true\nmax_queued_messages "
        "1000000\nmax_queued_bytes 0\nmax_inflight_messages 1000\n";
  } else {
    std::ifstream in(std::string(XJ_SOURCE_DIR) + "/config/mosquitto/mosquitto.conf.in");
    std::stringstream ss;
    ss << in.rdbuf();
    conf_template_ = ss.str();
    std::string user = runCommand("id -un");
    while (!user.empty() && user.back() == '\n') user.pop_back();
    for (auto [key, value] :
         {std::pair{std::string("@DIR@"), acl_dir_}, {std::string("@USER@"), user}})
      for (size_t p; (p = conf_template_.find(key)) != std::string::npos;)
        conf_template_.replace(p, key.size(), value);
    runCommand("mkdir -p '" + acl_dir_ + "/data'");
  }
  choosePorts();
}

void Mosquitto::enableTls(const std::string& cert_file, const std::string& key_file,
                          const std::string& client_ca) {
  std::ifstream in(std::string(XJ_SOURCE_DIR) + "/config/mosquitto/tls-listener.conf.in");
  std::stringstream ss;
  ss << in.rdbuf();
  std::string snippet = ss.str();
  for (auto [key, value] :
       {std::pair{std::string("@CERT@"), cert_file}, {std::string("@KEY@"), key_file}})
    for (size_t p; (p = snippet.find(key)) != std::string::npos;)
      snippet.replace(p, key.size(), value);
  // Options after a listener line belong to that listener: these apply to the TLS one only.
  if (!client_ca.empty()) snippet += "\ncafile " + client_ca + "\nrequire_certificate true\n";
  conf_template_ += "\n" + snippet + "\n";
  // Started as root, mosquitto switches to its own user, which cannot read the test CA's private
  // directory: run it as whoever owns the certificates, as the shipped template does.
  if (conf_template_.rfind("user ", 0) != 0 &&
      conf_template_.find("\nuser ") == std::string::npos) {
    std::string user = runCommand("id -un");
    while (!user.empty() && user.back() == '\n') user.pop_back();
    conf_template_ = "user " + user + "\n" + conf_template_;
  }
  choosePorts();
}

void Mosquitto::choosePorts() {
  port_ = freePort();
  if (conf_template_.find("@TLS_PORT@") != std::string::npos) do
      tls_port_ = freePort();
    while (tls_port_ == port_);
  writeConfig();
}

void Mosquitto::writeConfig() {
  std::string conf = conf_template_;
  for (auto [key, value] : {std::pair{std::string("@PORT@"), port_}, {"@TLS_PORT@", tls_port_}})
    for (size_t p; (p = conf.find(key)) != std::string::npos;)
      conf.replace(p, key.size(), std::to_string(value));
  std::ofstream(dir_ + "/mosquitto.conf") << conf;
}

Mosquitto::~Mosquitto() {
  if (pid_ > 0) kill9();
  if (currentTestFailed())
    std::cerr << "mosquitto's files (config, log) kept in " << dir_ << "\n";
  else
    runCommand("rm -rf '" + dir_ + "'");
}

std::string Mosquitto::log() const {
  std::ifstream in(dir_ + "/mosquitto.log");
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

bool Mosquitto::tryStart() {
  size_t offset = log().size();
  pid_ = spawnChild({"mosquitto", "-c", dir_ + "/mosquitto.conf"}, dir_ + "/mosquitto.log",
                    dir_ + "/mosquitto.log", dir_ + "/sanitizer");
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (std::chrono::steady_clock::now() < deadline) {
    std::string l = log();
    if (listensOn(pid_, port_) && (tls_port_ == 0 || listensOn(pid_, tls_port_))) return true;
    int st;
    if (waitpid(pid_, &st, WNOHANG) == pid_) {
      pid_ = -1;
      if (l.find("Address already in use", offset) != std::string::npos) return false;
      throw std::runtime_error("mosquitto exited at start-up (" + describeWaitStatus(st) + "):\n" +
                               l.substr(offset));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  throw std::runtime_error("mosquitto did not start within 10 s:\n" + log().substr(offset));
}

void Mosquitto::start() {
  for (int attempt = 0; attempt < 50; ++attempt) {
    if (tryStart()) {
      started_once_ = true;
      return;
    }
    if (started_once_) {
      // A restart: clients know this port. The old socket may linger a moment.
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    } else {
      choosePorts();
    }
  }
  throw std::runtime_error("mosquitto could not bind a port");
}
void Mosquitto::stop() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGTERM);
  int st;
  waitpid(pid_, &st, 0);
  pid_ = -1;
}

void Mosquitto::kill9() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGKILL);
  int st;
  waitpid(pid_, &st, 0);
  pid_ = -1;
}

}  // namespace xj::test
