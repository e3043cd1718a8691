// HttpServer: Boost.Beast listener and sessions in front of Api.
//
// Threads: runs on the hub's io_context (several threads); each connection has its own strand,
// so a session's handlers never run concurrently. Api replies that arrive from store threads are
// posted back to the session's strand.
//
// Limits: request head (16 KiB) and body (body_limit_bytes) caps, a header timeout that is also
// the keep-alive idle time, a body timeout, a cap on connections, and a read buffer cap that
// bounds pipelining: pipelined requests are answered one at a time, in order.
//
// TLS: with a TlsContextHolder, every connection is HTTPS; each new one takes the holder's
// context of the moment (so a SIGHUP swap reaches new connections and leaves open ones alone),
// and the handshake must finish within the header timeout.
#pragma once

#include <atomic>
#include <functional>
#include <memory>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "adapters/http/api.h"
#include "adapters/http/tls_context.h"
#include "config/hub_config.h"
#include "hub/core/status.h"

namespace xj::http {

struct ServerState;

class HttpServer {
 public:
  // `tls` null: plain HTTP. Otherwise it must outlive the server.
  HttpServer(boost::asio::io_context& ioc, const HttpConfig& config, Api& api,
             const TlsContextHolder* tls = nullptr);
  ~HttpServer();

  // Binds and starts accepting. Returns the bound port (useful when config.port is 0).
  Result<int> start();
  // Stops accepting; open sessions finish the request in hand and then close.
  void stopAccepting();
  // Requests received and not yet answered.
  int inFlight() const;
  // Called on the connection's strand each time a request's answer is taken (inFlight() has just
  // dropped), so that a shutdown can wait for inFlight() == 0 without polling. Set before start().
  void setOnAnswered(std::function<void()> fn);

 private:
  void accept();
  void startSession(boost::asio::ip::tcp::socket socket);

  boost::asio::io_context& ioc_;
  HttpConfig config_;
  const TlsContextHolder* tls_;
  boost::asio::ip::tcp::acceptor acceptor_;
  std::shared_ptr<ServerState> state_;
};

}  // namespace xj::http
