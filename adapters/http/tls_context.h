// TLS for the HTTP listener: the server's OpenSSL context, loaded from the configured certificate
// and key files, and the holder that lets SIGHUP swap in a new one without touching open
// connections.
//
// The context allows TLS 1.2 and 1.3 only, with Mozilla's "intermediate" cipher list (ECDHE with
// AES-GCM or ChaCha20-Poly1305; DHE likewise) and no renegotiation. The key file is a secret: it
// is refused when group or others may read or write it, as the person-key file is.
//
// Threads: loadTlsContext runs on the main thread at start and on an I/O thread at SIGHUP.
// A loaded TlsContext is never changed afterwards; each connection keeps a shared_ptr to the one
// it was accepted with, so a swap leaves it alone. TlsContextHolder is safe from any thread.
#pragma once

#include <boost/asio/ssl/context.hpp>

#include <chrono>
#include <memory>
#include <mutex>
#include <string>

#include "config/hub_config.h"
#include "hub/core/status.h"

namespace xj::http {

struct TlsContext {
  explicit TlsContext(boost::asio::ssl::context c) : ssl(std::move(c)) {}
  boost::asio::ssl::context ssl;
  // The server certificate's notAfter: the expiry watch counts from it with the hub's clock.
  std::chrono::system_clock::time_point not_after;
  std::string subject;  // the certificate's subject (a host name, never personal data)
  std::string serial;   // hex, to tell a reloaded certificate in the log
};

// Loads config.cert_file and config.key_file. Every error names the setting and the file; a
// certificate past its notAfter loads (the expiry watch says so loudly: an outage is worse).
Result<std::shared_ptr<TlsContext>> loadTlsContext(const HttpTlsConfig& config);

// The context new connections are accepted with.
class TlsContextHolder {
 public:
  explicit TlsContextHolder(std::shared_ptr<TlsContext> c) : current_(std::move(c)) {}
  std::shared_ptr<TlsContext> get() const {
    std::lock_guard lock(mu_);
    return current_;
  }
  void set(std::shared_ptr<TlsContext> c) {
    std::lock_guard lock(mu_);
    current_ = std::move(c);
  }

 private:
  mutable std::mutex mu_;
  std::shared_ptr<TlsContext> current_;
};

}  // namespace xj::http
