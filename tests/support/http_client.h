// A deliberately small blocking HTTP/1.1 client over POSIX sockets for integration tests. It can
// also send raw bytes, so tests can play slow, half-open or malformed clients. One thread each.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>

namespace xj::test {

struct HttpResponse {
  int status = 0;                              // 0: no response (connection closed or timed out)
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
};

class HttpConnection {
 public:
  explicit HttpConnection(int port);
  ~HttpConnection();
  HttpConnection(const HttpConnection&) = delete;
  HttpConnection& operator=(const HttpConnection&) = delete;

  bool connected() const { return fd_ >= 0; }
  HttpResponse request(const std::string& method, const std::string& path,
                       const std::string& body = "",
                       const std::map<std::string, std::string>& headers = {},
                       int timeout_ms = 10000);
  bool sendRaw(const std::string& bytes);
  HttpResponse readResponse(int timeout_ms);
  // True if the server closed the connection within timeout_ms.
  bool waitClosed(int timeout_ms);
  void close();

 private:
  int fd_ = -1;
  std::string pending_;
};

// One request on a fresh connection.
HttpResponse httpRequest(int port, const std::string& method, const std::string& path,
                         const std::string& body = "",
                         const std::map<std::string, std::string>& headers = {});

}  // namespace xj::test

namespace xj::test {

// The value of one series in the hub's /metrics, e.g. `xianjie_mqtt_reconnects_total` or
// `xianjie_messages_total{kind="ticket",outcome="accepted"}`; nullopt when the series is absent
// (so that a missing metric never passes as a value).
std::optional<double> metricValue(int port, const std::string& series);

// Polls `cond` every 10 ms until it holds or `timeout_ms` pass; returns whether it held.
bool waitUntil(const std::function<bool()>& cond, int timeout_ms);

}  // namespace xj::test
