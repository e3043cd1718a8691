// WebhookSink: a real HTTP/1.1 receiver on a loopback port for delivery tests and the delivery
// benchmark, standing in for a charity's webhook endpoint. It verifies each delivery as a
// receiver must (hub/security/webhook_signature.h: HMAC over timestamp "." body, 300 s window),
// answers as told, switchable at run time, and records every request it read.
//
// Modes: kOk (200 for a verified delivery, 401 for one that fails verification), kFail (the
// status set by setFailStatus, 500 by default), kHang (read the request, never answer; the
// connection is closed when the mode changes or the sink stops), kClose (read the request, close
// the connection without a word). Keep-alive; a thread per connection; any thread may switch
// modes or read the record.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace xj::test {

struct ReceivedDelivery {
  std::string path;
  std::string idempotency_key;
  std::string timestamp;
  std::string signature;
  std::string kind;
  std::string attempt;
  std::string body;
  bool verified = false;
  std::string verify_error;                       // why verification failed
  int answered = 0;                               // the status sent back; 0: none (hang, close)
  std::chrono::steady_clock::time_point arrived;  // when the request was read in full
};

class WebhookSink {
 public:
  enum class Mode { kOk, kFail, kHang, kClose };

  // `now_s` gives the receiver's clock for the 300 s window (the system clock by default).
  explicit WebhookSink(std::string secret, std::function<int64_t()> now_s = nullptr);
  ~WebhookSink();
  WebhookSink(const WebhookSink&) = delete;
  WebhookSink& operator=(const WebhookSink&) = delete;

  int port() const { return port_; }
  std::string url(const std::string& path = "/hook") const;

  void setMode(Mode mode);
  void setFailStatus(int status);
  // A `Retry-After` header with this value on every non-2xx answer; empty: none (the default).
  void setRetryAfter(std::string value);
  // Stops listening: connections are refused (as a partner that is down) until resume().
  void stopListening();
  void resume();

  std::vector<ReceivedDelivery> received() const;  // every request read, in arrival order
  std::vector<ReceivedDelivery> accepted() const;  // those answered 2xx
  size_t acceptedCount() const;
  size_t requestCount() const;
  // Polls until `pred` holds or the deadline passes; returns whether it held.
  bool waitUntil(const std::function<bool()>& pred, std::chrono::milliseconds timeout) const;

 private:
  void acceptLoop();
  void serve(int fd);
  bool openListener();

  std::string secret_;
  std::function<int64_t()> now_s_;
  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stopping_{false};
  std::atomic<int> mode_{static_cast<int>(Mode::kOk)};
  std::atomic<int> mode_epoch_{0};
  std::atomic<int> fail_status_{500};
  mutable std::mutex mu_;
  std::string retry_after_;  // guarded by mu_
  std::vector<ReceivedDelivery> received_;
  size_t accepted_ = 0;
  std::thread acceptor_;
  std::vector<std::thread> connections_;
  std::vector<int> open_fds_;
};

}  // namespace xj::test
