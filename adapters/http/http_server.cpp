#include "adapters/http/http_server.h"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include <mutex>
#include <optional>
#include <unordered_map>
#include <type_traits>

#include "hub/core/log.h"

namespace xj::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;

struct ServerState {
  ServerState(HttpConfig c, Api& a) : config(std::move(c)), api(a) {}
  HttpConfig config;
  Api& api;
  std::atomic<int> connections{0};
  std::atomic<int> in_flight{0};
  std::atomic<bool> stopping{false};
  std::function<void()> on_answered;  // set before start(); called after in_flight drops

  // Open connections per client address (http.max_connections_per_address). Any I/O thread.
  bool admitAddress(const std::string& address) {
    std::lock_guard lock(addresses_mu);
    int& n = addresses[address];
    if (n >= config.max_connections_per_address) {
      if (n == 0) addresses.erase(address);
      return false;
    }
    ++n;
    return true;
  }
  void releaseAddress(const std::string& address) {
    std::lock_guard lock(addresses_mu);
    auto it = addresses.find(address);
    if (it != addresses.end() && --it->second <= 0) addresses.erase(it);
  }
  std::mutex addresses_mu;
  std::unordered_map<std::string, int> addresses;  // only addresses with a connection open
};

namespace {

using TlsStream = beast::ssl_stream<beast::tcp_stream>;

// One connection, plain (beast::tcp_stream) or TLS (TlsStream): the same request loop, with a
// handshake first and a close_notify last when it is TLS.
template <class Stream>
class Session : public std::enable_shared_from_this<Session<Stream>> {
  static constexpr bool kTls = std::is_same_v<Stream, TlsStream>;
  using std::enable_shared_from_this<Session<Stream>>::shared_from_this;

 public:
  Session(tcp::socket&& socket, std::shared_ptr<ServerState> state) requires(!kTls)
      : stream_(std::move(socket)),
        buffer_(static_cast<size_t>(state->config.max_pipelined_bytes)),
        state_(std::move(state)) {
    state_->connections.fetch_add(1);
  }
  // The session keeps the context it was accepted with: a SIGHUP swap affects new ones only.
  Session(tcp::socket&& socket, std::shared_ptr<ServerState> state,
          std::shared_ptr<TlsContext> tls) requires kTls
      : stream_(std::move(socket), tls->ssl),
        buffer_(static_cast<size_t>(state->config.max_pipelined_bytes)),
        state_(std::move(state)),
        tls_(std::move(tls)) {
    state_->connections.fetch_add(1);
  }
  ~Session() {
    state_->connections.fetch_sub(1);
    if (!address_.empty()) state_->releaseAddress(address_);
  }
  // The client address this session holds a place for (released when it ends).
  void holdAddress(std::string address) { address_ = std::move(address); }

  // Serves requests; with a refusal, answers it (after the handshake) and closes.
  void run(std::optional<ApiResponse> refusal = std::nullopt) {
    asio::dispatch(stream_.get_executor(), [self = shared_from_this(), r = std::move(refusal)] {
      self->handshake(std::move(r));
    });
  }

 private:
  beast::tcp_stream& lowestLayer() { return beast::get_lowest_layer(stream_); }

  // The handshake has the header timeout: a client that never finishes it cannot hold a slot.
  void handshake(std::optional<ApiResponse> refusal) {
    if constexpr (kTls) {
      lowestLayer().expires_after(std::chrono::milliseconds(state_->config.header_timeout_ms));
      stream_.async_handshake(
          asio::ssl::stream_base::server,
          [self = shared_from_this(), r = std::move(refusal)](beast::error_code ec) mutable {
            if (ec) return self->onHandshakeError(ec);
            self->begin(std::move(r));
          });
    } else {
      begin(std::move(refusal));
    }
  }

  void onHandshakeError(beast::error_code ec) {
    state_->api.countRejected("tls_handshake");
    // OpenSSL's reason ("unsupported protocol", "no shared cipher", a timeout): no client data.
    log::info("http_tls_handshake_failed", {{"error", ec.message()}});
    closeSocket();
  }

  void begin(std::optional<ApiResponse> refusal) {
    if (refusal) return sendAndClose(std::move(*refusal));
    readHeader();
  }

  void readHeader() {
    if (state_->stopping.load()) return close();
    parser_.emplace();
    parser_->header_limit(16 * 1024);
    parser_->body_limit(state_->config.body_limit_bytes);
    lowestLayer().expires_after(std::chrono::milliseconds(state_->config.header_timeout_ms));
    bhttp::async_read_header(stream_, buffer_, *parser_,
                             beast::bind_front_handler(&Session::onHeader, shared_from_this()));
  }

  void onHeader(beast::error_code ec, size_t) {
    if (ec) return onReadError(ec, true);
    auto& req = parser_->get();
    if (auto len = parser_->content_length(); len && *len > state_->config.body_limit_bytes) {
      state_->api.countRejected("too_large");
      return sendAndClose(Api::error(
          413, "too_large",
          "the body is larger than " + std::to_string(state_->config.body_limit_bytes) + " bytes"));
    }
    lowestLayer().expires_after(std::chrono::milliseconds(state_->config.body_timeout_ms));
    if (beast::iequals(req[bhttp::field::expect], "100-continue")) {
      // curl and others wait up to a second for this before sending a larger body.
      auto cont = std::make_shared<bhttp::response<bhttp::empty_body>>(bhttp::status::continue_,
                                                                       req.version());
      bhttp::async_write(stream_, *cont,
                         [self = shared_from_this(), cont](beast::error_code wec, size_t) {
                           if (wec) return self->close();
                           self->readBody();
                         });
      return;
    }
    readBody();
  }

  void readBody() {
    bhttp::async_read(stream_, buffer_, *parser_,
                      beast::bind_front_handler(&Session::onRead, shared_from_this()));
  }

  void onReadError(beast::error_code ec, bool between_requests) {
    if (ec == bhttp::error::end_of_stream || ec == asio::error::connection_reset ||
        ec == asio::error::eof || ec == asio::error::operation_aborted)
      return close();
    if (ec == beast::error::timeout) {
      // An idle keep-alive connection timing out between requests is normal, not a rejection.
      bool idle = between_requests && buffer_.size() == 0 && !(parser_ && parser_->got_some());
      if (!idle) state_->api.countRejected("timeout");
      log::info("http_timeout", {{"between_requests", between_requests ? "1" : "0"},
                                 {"buffered", std::to_string(buffer_.size())},
                                 {"got_some", parser_ && parser_->got_some() ? "1" : "0"}});
      return close();
    }
    if (ec == bhttp::error::body_limit) {
      state_->api.countRejected("too_large");
      return sendAndClose(Api::error(
          413, "too_large",
          "the body is larger than " + std::to_string(state_->config.body_limit_bytes) + " bytes"));
    }
    if (ec == bhttp::error::header_limit) {
      state_->api.countRejected("header_too_large");
      return sendAndClose(Api::error(431, "header_too_large", "request head over 16 KiB"));
    }
    if (ec == bhttp::error::buffer_overflow) {
      state_->api.countRejected("too_large");
      return sendAndClose(Api::error(413, "too_large", "too much pipelined data"));
    }
    if (ec.category() == beast::error_code(bhttp::error::end_of_stream).category()) {
      state_->api.countRejected("bad_request");
      if (ec == bhttp::error::partial_message) return close();
      return sendAndClose(Api::error(400, "bad_request", "malformed HTTP request"));
    }
    close();
  }

  void onRead(beast::error_code ec, size_t) {
    if (ec) return onReadError(ec, false);
    auto req = parser_->release();
    keep_alive_ = req.keep_alive();
    ApiRequest api_req;
    api_req.started = std::chrono::steady_clock::now();
    api_req.method = std::string(req.method_string());
    api_req.target = std::string(req.target());
    api_req.content_type = std::string(req[bhttp::field::content_type]);
    api_req.authorization = std::string(req[bhttp::field::authorization]);
    api_req.accept = std::string(req[bhttp::field::accept]);
    api_req.idempotency_key = std::string(req["Idempotency-Key"]);
    api_req.purpose = std::string(req["X-Purpose"]);
    api_req.body = std::move(req.body());
    version_ = req.version();
    head_ = req.method() == bhttp::verb::head;
    state_->in_flight.fetch_add(1);
    // No timer runs while the hub works on the request: the store answers (or fails) every job.
    lowestLayer().expires_never();
    state_->api.handle(std::move(api_req), [self = shared_from_this()](ApiResponse res) {
      asio::post(self->stream_.get_executor(), [self, res = std::move(res)]() mutable {
        self->state_->in_flight.fetch_sub(1);
        if (self->state_->on_answered) self->state_->on_answered();
        self->send(std::move(res), false);
      });
    });
  }

  void sendAndClose(ApiResponse res) {
    keep_alive_ = false;
    send(std::move(res), true);
  }

  void send(ApiResponse r, bool force_close) {
    auto res = std::make_shared<bhttp::response<bhttp::string_body>>(
        static_cast<bhttp::status>(r.status), version_);
    res->set(bhttp::field::server, "xianjied");
    res->set(bhttp::field::content_type, r.content_type);
    for (auto& [k, v] : r.headers) res->set(k, v);
    res->keep_alive(keep_alive_ && !force_close && !state_->stopping.load());
    res->body() = std::move(r.body);
    res->prepare_payload();
    if (head_) res->body().clear();
    lowestLayer().expires_after(std::chrono::milliseconds(state_->config.body_timeout_ms));
    bhttp::async_write(stream_, *res,
                       [self = shared_from_this(), res](beast::error_code ec, size_t) {
                         if (ec || !res->keep_alive()) return self->close();
                         self->readHeader();
                       });
  }

  void close() {
    if constexpr (kTls) {
      // close_notify tells the client the answer is complete; a peer that does not answer it
      // within a second is closed anyway.
      lowestLayer().expires_after(std::chrono::seconds(1));
      stream_.async_shutdown(
          [self = shared_from_this()](beast::error_code) { self->closeSocket(); });
    } else {
      closeSocket();
    }
  }

  void closeSocket() {
    beast::error_code ec;
    lowestLayer().socket().shutdown(tcp::socket::shutdown_send, ec);
    lowestLayer().socket().close(ec);
  }

  Stream stream_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  std::shared_ptr<ServerState> state_;
  std::shared_ptr<TlsContext> tls_;  // null for plain HTTP
  std::string address_;              // the client address whose place it holds, if any
  bool keep_alive_ = true;
  bool head_ = false;
  unsigned version_ = 11;
};

}  // namespace

HttpServer::HttpServer(asio::io_context& ioc, const HttpConfig& config, Api& api,
                       const TlsContextHolder* tls)
    : ioc_(ioc),
      config_(config),
      tls_(tls),
      acceptor_(ioc),
      state_(std::make_shared<ServerState>(config, api)) {}

HttpServer::~HttpServer() = default;

Result<int> HttpServer::start() {
  beast::error_code ec;
  auto addr = asio::ip::make_address(config_.listen, ec);
  if (ec) return Status::invalid("http.listen: " + ec.message());
  tcp::endpoint ep(addr, static_cast<unsigned short>(config_.port));
  acceptor_.open(ep.protocol(), ec);
  if (!ec) acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor_.bind(ep, ec);
  if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
  if (ec)
    return Status::ioError("listen on " + config_.listen + ":" + std::to_string(config_.port) +
                           ": " + ec.message());
  accept();
  return static_cast<int>(acceptor_.local_endpoint().port());
}

void HttpServer::accept() {
  acceptor_.async_accept(asio::make_strand(ioc_), [this](beast::error_code ec, tcp::socket socket) {
    if (ec == asio::error::operation_aborted || !acceptor_.is_open()) return;
    if (!ec) {
      socket.set_option(tcp::no_delay(true), ec);
      startSession(std::move(socket));
    } else {
      log::warn("http_accept_failed", {{"error", ec.message()}});
    }
    accept();
  });
}

void HttpServer::startSession(tcp::socket socket) {
  std::optional<ApiResponse> refusal;
  beast::error_code ec;
  std::string address = socket.remote_endpoint(ec).address().to_string();
  if (ec) address.clear();
  // Counted before this session adds itself: the one that would go over the cap is refused.
  if (state_->connections.load() >= config_.max_connections) {
    state_->api.countRejected("too_many_connections");
    refusal = Api::error(503, "too_many_connections", "the hub has too many open connections");
    address.clear();
  } else if (!address.empty() && !state_->admitAddress(address)) {
    // One address holds its share: the others keep theirs (a flood of half-sent requests from
    // one place cannot starve the county's other clients).
    state_->api.countRejected("address_connections");
    refusal = Api::error(429, "too_many_connections_from_address",
                         "too many open connections from this address: close some, then retry");
    refusal->headers.emplace_back("Retry-After", "1");
    address.clear();
  }
  auto run = [&](auto session) {
    if (!address.empty()) session->holdAddress(std::move(address));
    session->run(std::move(refusal));
  };
  if (tls_)
    run(std::make_shared<Session<TlsStream>>(std::move(socket), state_, tls_->get()));
  else
    run(std::make_shared<Session<beast::tcp_stream>>(std::move(socket), state_));
}

void HttpServer::stopAccepting() {
  state_->stopping.store(true);
  asio::post(acceptor_.get_executor(), [this] {
    beast::error_code ec;
    acceptor_.close(ec);
  });
}

int HttpServer::inFlight() const { return state_->in_flight.load(); }

void HttpServer::setOnAnswered(std::function<void()> fn) { state_->on_answered = std::move(fn); }

}  // namespace xj::http
