// A small blocking HTTPS client for integration tests (Asio over OpenSSL), and the test's own
// certificate authority: the certificates are made at run time with the openssl command, so no
// key is ever checked in and none can expire in the repository. One thread each.
#pragma once

#include <map>
#include <memory>
#include <string>

#include "tests/support/http_client.h"

namespace xj::test {

struct TlsClientOptions {
  std::string ca_file;             // empty: the server's certificate is not verified
  std::string host = "localhost";  // sent as SNI (unless an IP address) and checked when verifying
  int min_version = 0;             // e.g. TLS1_VERSION; 0: the library's default
  int max_version = 0;
};

class TlsConnection {
 public:
  // Connects to 127.0.0.1:port and completes the handshake (at most 5 s).
  TlsConnection(int port, const TlsClientOptions& options);
  ~TlsConnection();
  TlsConnection(const TlsConnection&) = delete;
  TlsConnection& operator=(const TlsConnection&) = delete;

  bool connected() const { return connected_; }
  // Why the handshake failed: OpenSSL's reason, and the verification result when it was the
  // certificate ("certificate verify failed: certificate has expired"). Empty when connected.
  const std::string& error() const { return error_; }
  // The serial number (hex) of the certificate the server presented, and the protocol agreed.
  std::string peerSerial() const;
  std::string protocol() const;

  // One request on this connection (keep-alive); status 0 when no answer came.
  HttpResponse request(const std::string& method, const std::string& path,
                       const std::string& body = "",
                       const std::map<std::string, std::string>& headers = {},
                       int timeout_ms = 10000);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  bool connected_ = false;
  std::string error_;
};

// A certificate authority in a directory of its own, and server certificates it signs.
class TestCa {
 public:
  explicit TestCa(const std::string& dir);
  const std::string& caFile() const { return ca_pem_; }
  // Writes NAME.pem and NAME.key (mode 0600) for the subject alternative names `sans` (e.g.
  // "DNS:localhost,IP:127.0.0.1"), valid from `start` to `end` (openssl's YYYYMMDDHHMMSSZ), or
  // for `days` from now when `start` is empty. Returns the certificate's path.
  std::string issue(const std::string& name, const std::string& sans, int days = 365,
                    const std::string& start = "", const std::string& end = "");
  // Writes NAME.pem and NAME.key (mode 0600): a client certificate (extended key usage
  // clientAuth, subject CN=NAME) valid for a year. Returns the certificate's path.
  std::string issueClient(const std::string& name);
  std::string keyFile(const std::string& name) const { return dir_ + "/" + name + ".key"; }
  std::string certFile(const std::string& name) const { return dir_ + "/" + name + ".pem"; }

 private:
  std::string dir_;
  std::string ca_pem_;
  // Makes NAME.key and signs NAME.pem with `extensions` (an openssl extfile's lines).
  std::string sign(const std::string& name, const std::string& extensions,
                   const std::string& validity);
};

}  // namespace xj::test
