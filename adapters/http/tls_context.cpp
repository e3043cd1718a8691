#include "adapters/http/tls_context.h"

#include <fcntl.h>
#include <openssl/asn1.h>
#include <openssl/bn.h>
#include <openssl/crypto.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>

namespace xj::http {

namespace ssl = boost::asio::ssl;

namespace {

// Mozilla's "intermediate" configuration (version 5.7) for TLS 1.2; TLS 1.3 keeps OpenSSL's
// suites, which are the same three AEAD ciphers that configuration names.
constexpr const char* kTls12Ciphers =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
    "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
    "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305:"
    "DHE-RSA-AES128-GCM-SHA256:DHE-RSA-AES256-GCM-SHA384:DHE-RSA-CHACHA20-POLY1305";

// Reads the private key, refusing a file that group or others may read or write. The mode is
// checked on the opened file (fstat), so a swap between the check and the read cannot pass; a
// symlink is followed (certificate tools keep the live files behind links).
Result<std::string> readSecretFile(const std::string& what, const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Status::invalid(what + " " + path + ": " + std::strerror(errno));
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return Status::invalid(what + " " + path + ": not a regular file");
  }
  if (st.st_mode & (S_IRWXG | S_IRWXO)) {
    ::close(fd);
    return Status::invalid(what + " " + path +
                           ": readable or writable by group or others (chmod 600 it)");
  }
  std::string data;
  char buf[4096];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    data.append(buf, static_cast<size_t>(n));
    if (data.size() > (1u << 20)) break;  // no key is a megabyte: do not read a device forever
  }
  OPENSSL_cleanse(buf, sizeof buf);
  ::close(fd);
  return data;
}

void describeCertificate(X509* cert, TlsContext& out) {
  std::tm tm{};
  if (ASN1_TIME_to_tm(X509_get0_notAfter(cert), &tm) == 1)
    out.not_after = std::chrono::system_clock::from_time_t(::timegm(&tm));
  char subject[256] = "";
  X509_NAME_oneline(X509_get_subject_name(cert), subject, sizeof subject);
  out.subject = subject;
  if (BIGNUM* bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(cert), nullptr)) {
    if (char* hex = BN_bn2hex(bn)) {
      out.serial = hex;
      OPENSSL_free(hex);
    }
    BN_free(bn);
  }
}

Status restrictProtocols(ssl::context& ctx) {
  SSL_CTX* native = ctx.native_handle();
  // Set here, not left to the system's openssl.cnf: TLS 1.0 and 1.1 stay refused wherever the
  // hub runs.
  if (SSL_CTX_set_min_proto_version(native, TLS1_2_VERSION) != 1 ||
      SSL_CTX_set_cipher_list(native, kTls12Ciphers) != 1)
    return Status::internal("http.tls: OpenSSL refused the protocol or cipher settings");
  SSL_CTX_set_options(
      native, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION | SSL_OP_CIPHER_SERVER_PREFERENCE);
  SSL_CTX_set_dh_auto(native, 1);
  return Status::ok();
}

}  // namespace

Result<std::shared_ptr<TlsContext>> loadTlsContext(const HttpTlsConfig& config) {
  auto ctx = std::make_shared<TlsContext>(ssl::context(ssl::context::tls_server));
  if (auto st = restrictProtocols(ctx->ssl); !st.isOk()) return st;
  boost::system::error_code ec;
  ctx->ssl.use_certificate_chain_file(config.cert_file, ec);
  if (ec) return Status::invalid("http.tls.cert_file " + config.cert_file + ": " + ec.message());
  auto key = readSecretFile("http.tls.key_file", config.key_file);
  if (!key.isOk()) return key.status();
  ctx->ssl.use_private_key(boost::asio::buffer(key.value()), ssl::context::pem, ec);
  OPENSSL_cleanse(key.value().data(), key.value().size());
  // OpenSSL checks the pair as it takes the key ("key values mismatch"); say it plainly.
  if ((ec && ec.message().find("mismatch") != std::string::npos) ||
      (!ec && SSL_CTX_check_private_key(ctx->ssl.native_handle()) != 1))
    return Status::invalid("http.tls.key_file " + config.key_file +
                           ": does not match the certificate in " + config.cert_file);
  if (ec) return Status::invalid("http.tls.key_file " + config.key_file + ": " + ec.message());
  X509* cert = SSL_CTX_get0_certificate(ctx->ssl.native_handle());
  if (!cert) return Status::invalid("http.tls.cert_file " + config.cert_file + ": no certificate");
  describeCertificate(cert, *ctx);
  return ctx;
}

}  // namespace xj::http
