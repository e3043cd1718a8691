#include "tests/support/webhook_sink.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <map>
#include <stdexcept>

#include "hub/security/webhook_signature.h"

namespace xj::test {
namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

bool sendAll(int fd, const std::string& data) {
  size_t off = 0;
  while (off < data.size()) {
    ssize_t n = ::send(fd, data.data() + off, data.size() - off, MSG_NOSIGNAL);
    if (n <= 0) return false;
    off += static_cast<size_t>(n);
  }
  return true;
}

const char* reason(int status) {
  switch (status) {
    case 200:
      return "OK";
    case 401:
      return "Unauthorized";
    case 500:
      return "Internal Server Error";
    case 503:
      return "Service Unavailable";
    default:
      return "Status";
  }
}

}  // namespace

WebhookSink::WebhookSink(std::string secret, std::function<int64_t()> now_s)
    : secret_(std::move(secret)), now_s_(std::move(now_s)) {
  if (!now_s_)
    now_s_ = [] {
      return std::chrono::duration_cast<std::chrono::seconds>(
                 std::chrono::system_clock::now().time_since_epoch())
          .count();
    };
  if (!openListener()) throw std::runtime_error("webhook sink: cannot listen");
}

bool WebhookSink::openListener() {
  listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (listen_fd_ < 0) return false;
  int one = 1;
  ::setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port_));  // 0 the first time, then the same port
  if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::listen(listen_fd_, 512) != 0) {
    ::close(listen_fd_);
    listen_fd_ = -1;
    return false;
  }
  socklen_t len = sizeof addr;
  ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
  port_ = ntohs(addr.sin_port);
  stopping_ = false;
  acceptor_ = std::thread([this] { acceptLoop(); });
  return true;
}

WebhookSink::~WebhookSink() {
  stopListening();
  std::vector<std::thread> conns;
  {
    std::lock_guard lock(mu_);
    conns.swap(connections_);
  }
  for (auto& t : conns) t.join();
}

std::string WebhookSink::url(const std::string& path) const {
  return "http://127.0.0.1:" + std::to_string(port_) + path;
}

void WebhookSink::setMode(Mode mode) {
  mode_ = static_cast<int>(mode);
  ++mode_epoch_;
}
void WebhookSink::setFailStatus(int status) { fail_status_ = status; }
void WebhookSink::setRetryAfter(std::string value) {
  std::lock_guard lock(mu_);
  retry_after_ = std::move(value);
}

void WebhookSink::stopListening() {
  stopping_ = true;
  if (listen_fd_ >= 0) ::shutdown(listen_fd_, SHUT_RDWR);
  if (acceptor_.joinable()) acceptor_.join();
  if (listen_fd_ >= 0) ::close(listen_fd_);
  listen_fd_ = -1;
  // Connections already open are cut too: the partner is down, not just refusing new ones.
  std::lock_guard lock(mu_);
  for (int fd : open_fds_) ::shutdown(fd, SHUT_RDWR);
}

void WebhookSink::resume() {
  if (listen_fd_ >= 0) return;
  for (int i = 0; i < 50 && !openListener(); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  if (listen_fd_ < 0) throw std::runtime_error("webhook sink: cannot listen again");
}

void WebhookSink::acceptLoop() {
  while (!stopping_) {
    pollfd p{listen_fd_, POLLIN, 0};
    if (::poll(&p, 1, 100) <= 0) continue;
    int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;
    int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    std::lock_guard lock(mu_);
    open_fds_.push_back(fd);
    connections_.emplace_back([this, fd] { serve(fd); });
  }
}

void WebhookSink::serve(int fd) {
  std::string buf;
  char chunk[16384];
  auto closeFd = [&] {
    {
      std::lock_guard lock(mu_);
      open_fds_.erase(std::remove(open_fds_.begin(), open_fds_.end(), fd), open_fds_.end());
    }
    ::close(fd);
  };
  for (;;) {
    // Read one request: the head, then Content-Length bytes of body.
    size_t head_end;
    while ((head_end = buf.find("\r\n\r\n")) == std::string::npos) {
      pollfd p{fd, POLLIN, 0};
      int r = ::poll(&p, 1, 200);
      if (r == 0) continue;
      ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
      if (n <= 0) return closeFd();
      buf.append(chunk, static_cast<size_t>(n));
    }
    std::map<std::string, std::string> headers;
    std::string request_line = buf.substr(0, buf.find("\r\n"));
    size_t pos = buf.find("\r\n") + 2;
    while (pos < head_end) {
      size_t eol = buf.find("\r\n", pos);
      std::string line = buf.substr(pos, eol - pos);
      auto colon = line.find(':');
      if (colon != std::string::npos) {
        std::string value = line.substr(colon + 1);
        while (!value.empty() && value.front() == ' ') value.erase(0, 1);
        headers[lower(line.substr(0, colon))] = value;
      }
      pos = eol + 2;
    }
    size_t length = headers.count("content-length")
                        ? static_cast<size_t>(std::stoul(headers["content-length"]))
                        : 0;
    while (buf.size() < head_end + 4 + length) {
      ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
      if (n <= 0) return closeFd();
      buf.append(chunk, static_cast<size_t>(n));
    }
    ReceivedDelivery d;
    d.arrived = std::chrono::steady_clock::now();
    auto sp1 = request_line.find(' ');
    auto sp2 = request_line.find(' ', sp1 + 1);
    d.path = request_line.substr(sp1 + 1, sp2 - sp1 - 1);
    d.idempotency_key = headers["idempotency-key"];
    d.timestamp = headers["x-xianjie-timestamp"];
    d.signature = headers["x-xianjie-signature"];
    d.kind = headers["x-xianjie-kind"];
    d.attempt = headers["x-xianjie-attempt"];
    d.body = buf.substr(head_end + 4, length);
    buf.erase(0, head_end + 4 + length);
    auto verdict = security::verifyDelivery(secret_, d.timestamp, d.signature, d.body, now_s_());
    d.verified = verdict.isOk();
    d.verify_error = verdict.message();

    const Mode mode = static_cast<Mode>(mode_.load());
    if (mode == Mode::kClose) {
      {
        std::lock_guard lock(mu_);
        received_.push_back(std::move(d));
      }
      return closeFd();
    }
    if (mode == Mode::kHang) {
      {
        std::lock_guard lock(mu_);
        received_.push_back(std::move(d));
      }
      const int epoch = mode_epoch_.load();
      while (mode_epoch_.load() == epoch && !stopping_)
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
      return closeFd();
    }
    int status = mode == Mode::kFail ? fail_status_.load() : (d.verified ? 200 : 401);
    d.answered = status;
    std::string retry_after;
    {
      std::lock_guard lock(mu_);
      if (status >= 200 && status < 300)
        ++accepted_;
      else if (!retry_after_.empty())
        retry_after = "\r\nRetry-After: " + retry_after_;
      received_.push_back(std::move(d));
    }
    std::string body = status == 401 ? "{\"error\":\"bad signature\"}" : "{}";
    std::string res =
        "HTTP/1.1 " + std::to_string(status) + " " + reason(status) + retry_after +
        "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
        "\r\n\r\n" + body;
    if (!sendAll(fd, res)) return closeFd();
  }
}

std::vector<ReceivedDelivery> WebhookSink::received() const {
  std::lock_guard lock(mu_);
  return received_;
}

std::vector<ReceivedDelivery> WebhookSink::accepted() const {
  std::lock_guard lock(mu_);
  std::vector<ReceivedDelivery> out;
  for (const auto& d : received_)
    if (d.answered >= 200 && d.answered < 300) out.push_back(d);
  return out;
}

size_t WebhookSink::acceptedCount() const {
  std::lock_guard lock(mu_);
  return accepted_;
}

size_t WebhookSink::requestCount() const {
  std::lock_guard lock(mu_);
  return received_.size();
}

bool WebhookSink::waitUntil(const std::function<bool()>& pred,
                            std::chrono::milliseconds timeout) const {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (pred()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return pred();
}

}  // namespace xj::test
