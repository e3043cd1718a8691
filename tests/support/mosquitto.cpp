#include "tests/support/mosquitto.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "tests/support/daemon.h"

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
bool canConnect(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
  ::close(fd);
  return ok;
}
}  // namespace

Mosquitto::Mosquitto(std::string acl_dir) : acl_dir_(std::move(acl_dir)) {
  char tmpl[] = "/tmp/xianjie-mosquitto-XXXXXX";
  dir_ = mkdtemp(tmpl);
  port_ = freePort();
  std::string conf;
  if (acl_dir_.empty()) {
    conf = "listener " + std::to_string(port_) +
           " 127.0.0.1\nallow_anonymous true\npersistence true\npersistence_location " + dir_ +
           "/\nautosave_interval 5\nset_tcp_nodelay true\nmax_queued_messages 1000000\nmax_queued_bytes "
           "0\nmax_inflight_messages 1000\n";
  } else {
    std::ifstream in(std::string(XJ_SOURCE_DIR) + "/config/mosquitto/mosquitto.conf.in");
    std::stringstream ss;
    ss << in.rdbuf();
    conf = ss.str();
    std::string user = runCommand("id -un");
    while (!user.empty() && user.back() == '\n') user.pop_back();
    for (auto [key, value] : {std::pair{std::string("@PORT@"), std::to_string(port_)},
                              {std::string("@DIR@"), acl_dir_},
                              {std::string("@USER@"), user}})
      for (size_t p; (p = conf.find(key)) != std::string::npos;) conf.replace(p, key.size(), value);
    runCommand("mkdir -p '" + acl_dir_ + "/data'");
  }
  std::ofstream(dir_ + "/mosquitto.conf") << conf;
}

Mosquitto::~Mosquitto() {
  if (pid_ > 0) kill9();
  runCommand("rm -rf '" + dir_ + "'");
}

void Mosquitto::start() {
  pid_ = fork();
  if (pid_ == 0) {
    // Dies with the test process, so a crashed or killed test leaves no server behind.
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    int fd = open((dir_ + "/mosquitto.log").c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    dup2(fd, 1);
    dup2(fd, 2);
    execlp("mosquitto", "mosquitto", "-c", (dir_ + "/mosquitto.conf").c_str(),
           static_cast<char*>(nullptr));
    _exit(127);
  }
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (std::chrono::steady_clock::now() < deadline) {
    if (canConnect(port_)) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  throw std::runtime_error("mosquitto did not start");
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
