// HttpServer: Boost.Beast listener and sessions in front of Api.
//
// Threads: runs on the hub's io_context (several threads); each connection has its own strand,
// so a session's handlers never run concurrently. Api replies that arrive from store threads are
// posted back to the session's strand.
//
// Limits: request head (16 KiB) and body (body_limit_bytes) caps, a header timeout that is also
// the keep-alive idle time, a body timeout, a cap on connections, and a read buffer cap that
// bounds pipelining: pipelined requests are answered one at a time, in order.
#pragma once

#include <atomic>
#include <functional>
#include <memory>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "adapters/http/api.h"
#include "config/hub_config.h"
#include "hub/core/status.h"

namespace xj::http {

struct ServerState;

class HttpServer {
 public:
  HttpServer(boost::asio::io_context& ioc, const HttpConfig& config, Api& api);
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

  boost::asio::io_context& ioc_;
  HttpConfig config_;
  boost::asio::ip::tcp::acceptor acceptor_;
  std::shared_ptr<ServerState> state_;
};

}  // namespace xj::http
