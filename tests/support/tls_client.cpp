#include "tests/support/tls_client.h"

#include <openssl/bn.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <sys/stat.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <fstream>
#include <stdexcept>

#include "tests/support/child_process.h"

namespace xj::test {

namespace asio = boost::asio;
namespace ssl = boost::asio::ssl;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;

struct TlsConnection::Impl {
  asio::io_context ioc;
  ssl::context ctx{ssl::context::tls_client};
  std::unique_ptr<ssl::stream<tcp::socket>> stream;
  boost::beast::flat_buffer buffer;

  // Runs the loop until the operation started before it completes or `ms` pass (then the
  // socket is closed, which ends the operation with an error).
  void runFor(int ms) {
    ioc.restart();
    ioc.run_for(std::chrono::milliseconds(ms));
    if (!ioc.stopped()) {
      boost::system::error_code ignored;
      stream->lowest_layer().close(ignored);
      ioc.restart();
      ioc.run();
    }
  }
};

TlsConnection::TlsConnection(int port, const TlsClientOptions& options)
    : impl_(std::make_unique<Impl>()) {
  SSL_CTX* ctx = impl_->ctx.native_handle();
  if (options.min_version || options.max_version) {
    // An old protocol needs the old ciphers and security level 0 on this side, or the client
    // would refuse to offer it itself and the test would prove nothing about the server.
    SSL_CTX_set_security_level(ctx, 0);
    SSL_CTX_set_cipher_list(ctx, "DEFAULT:@SECLEVEL=0");
    if (options.min_version) SSL_CTX_set_min_proto_version(ctx, options.min_version);
    if (options.max_version) SSL_CTX_set_max_proto_version(ctx, options.max_version);
  }
  if (!options.ca_file.empty()) {
    impl_->ctx.load_verify_file(options.ca_file);
    impl_->ctx.set_verify_mode(ssl::verify_peer);
  } else {
    impl_->ctx.set_verify_mode(ssl::verify_none);
  }
  impl_->stream = std::make_unique<ssl::stream<tcp::socket>>(impl_->ioc, impl_->ctx);
  SSL* native = impl_->stream->native_handle();
  boost::system::error_code ec;
  asio::ip::make_address(options.host, ec);
  const bool is_ip = !ec;
  if (!is_ip) SSL_set_tlsext_host_name(native, options.host.c_str());
  // OpenSSL's own name check (RFC 6125), for a name or an IP address.
  if (!options.ca_file.empty()) {
    X509_VERIFY_PARAM* param = SSL_get0_param(native);
    if (is_ip)
      X509_VERIFY_PARAM_set1_ip_asc(param, options.host.c_str());
    else
      SSL_set1_host(native, options.host.c_str());
  }
  boost::system::error_code result = asio::error::timed_out;
  tcp::endpoint ep(asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port));
  impl_->stream->lowest_layer().async_connect(ep, [&](boost::system::error_code cec) {
    if (cec) {
      result = cec;
      return;
    }
    impl_->stream->async_handshake(ssl::stream_base::client,
                                   [&](boost::system::error_code hec) { result = hec; });
  });
  impl_->runFor(5000);
  if (!result) {
    connected_ = true;
    return;
  }
  error_ = result.message();
  long verify = SSL_get_verify_result(native);
  if (verify != X509_V_OK) error_ += std::string(": ") + X509_verify_cert_error_string(verify);
}

TlsConnection::~TlsConnection() {
  boost::system::error_code ignored;
  impl_->stream->lowest_layer().close(ignored);
}

std::string TlsConnection::peerSerial() const {
  std::string out;
  X509* cert = SSL_get1_peer_certificate(impl_->stream->native_handle());
  if (!cert) return out;
  if (BIGNUM* bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(cert), nullptr)) {
    if (char* hex = BN_bn2hex(bn)) {
      out = hex;
      OPENSSL_free(hex);
    }
    BN_free(bn);
  }
  X509_free(cert);
  return out;
}

std::string TlsConnection::protocol() const {
  return SSL_get_version(impl_->stream->native_handle());
}

HttpResponse TlsConnection::request(const std::string& method, const std::string& path,
                                    const std::string& body,
                                    const std::map<std::string, std::string>& headers,
                                    int timeout_ms) {
  HttpResponse out;
  if (!connected_) return out;
  bhttp::request<bhttp::string_body> req(bhttp::string_to_verb(method), path, 11);
  req.set(bhttp::field::host, "localhost");
  for (const auto& [k, v] : headers) req.set(k, v);
  req.body() = body;
  req.prepare_payload();
  bhttp::response<bhttp::string_body> res;
  bool answered = false;
  bhttp::async_write(*impl_->stream, req, [&](boost::system::error_code ec, size_t) {
    if (ec) return;
    bhttp::async_read(*impl_->stream, impl_->buffer, res,
                      [&](boost::system::error_code rec, size_t) { answered = !rec; });
  });
  impl_->runFor(timeout_ms);
  if (!answered) {
    connected_ = false;
    return out;
  }
  out.status = static_cast<int>(res.result_int());
  for (const auto& f : res) {
    std::string name(f.name_string());
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    out.headers[name] = std::string(f.value());
  }
  out.body = res.body();
  return out;
}

TestCa::TestCa(const std::string& dir) : dir_(dir), ca_pem_(dir + "/ca.pem") {
  std::ofstream(dir_ + "/index.txt");
  std::ofstream(dir_ + "/serial") << "1000\n";
  // `openssl ca`, not `openssl x509 -req`: only it can date a certificate in the past.
  std::ofstream(dir_ + "/ca.cnf") << "[ca]\ndefault_ca = test\n"
                                  << "[test]\ndatabase = " << dir_ << "/index.txt\n"
                                  << "new_certs_dir = " << dir_ << "\nserial = " << dir_
                                  << "/serial\ndefault_md = sha256\npolicy = any\n"
                                  << "unique_subject = no\n"
                                  << "[any]\ncommonName = supplied\n";
  runCommand("openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout '" +
             dir_ + "/ca.key' -out '" + ca_pem_ +
             "' -days 3650 -subj '/CN=Xianjie test CA' 2>/dev/null");
}

std::string TestCa::issue(const std::string& name, const std::string& sans, int days,
                          const std::string& start, const std::string& end) {
  std::string validity = start.empty() ? " -days " + std::to_string(days)
                                       : " -startdate " + start + " -enddate " + end;
  return sign(name,
              "basicConstraints = CA:FALSE\nkeyUsage = digitalSignature\n"
              "extendedKeyUsage = serverAuth\nsubjectAltName = " +
                  sans + "\n",
              validity);
}

std::string TestCa::issueClient(const std::string& name) {
  return sign(name,
              "basicConstraints = CA:FALSE\nkeyUsage = digitalSignature\n"
              "extendedKeyUsage = clientAuth\n",
              " -days 365");
}

std::string TestCa::sign(const std::string& name, const std::string& extensions,
                         const std::string& validity) {
  const std::string base = dir_ + "/" + name;
  std::ofstream(base + ".ext") << extensions;
  runCommand("openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout '" +
             base + ".key' -out '" + base + ".csr' -subj '/CN=" + name + "' 2>/dev/null");
  runCommand("openssl ca -batch -notext -config '" + dir_ + "/ca.cnf' -cert '" + ca_pem_ +
             "' -keyfile '" + dir_ + "/ca.key' -in '" + base + ".csr' -out '" + base +
             ".pem' -extfile '" + base + ".ext'" + validity + " 2>/dev/null");
  ::chmod((base + ".key").c_str(), 0600);
  return base + ".pem";
}

}  // namespace xj::test
