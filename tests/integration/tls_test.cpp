// HTTPS on the hub's listener: the certificates are made here at run time by a test CA
// (tests/support/tls_client.h); real sockets, the real daemon. A good certificate works for a
// client that trusts the CA; an expired one and one for another host are refused by that client
// (the expired one still served, loudly); a TLS 1.0 (or 1.1) client is refused by the server;
// SIGHUP swaps the certificate for new connections while an open keep-alive one carries on; the
// expiry is a /metrics gauge and a log warning counted with the hub's clock; a non-loopback
// plaintext listener and an open key file are refused at start.
#include <catch2/catch.hpp>

#include <openssl/ssl.h>
#include <signal.h>
#include <sys/stat.h>

#include <chrono>
#include <fstream>
#include <string>

#include "tests/support/child_process.h"
#include "tests/support/daemon.h"
#include "tests/support/test_env.h"
#include "tests/support/tls_client.h"

using namespace xj::test;

namespace {

const char* kGoodSans = "DNS:localhost,IP:127.0.0.1";

// The `"tls": {...}` member of the daemon's http object.
std::string tlsConfig(const TestCa& ca, const std::string& name, const std::string& extra = "") {
  return R"("tls": {"cert_file": ")" + ca.certFile(name) + R"(", "key_file": ")" +
         ca.keyFile(name) + "\"" + (extra.empty() ? "" : ", " + extra) + "}";
}

TlsClientOptions trusting(const TestCa& ca, const std::string& host = "localhost") {
  TlsClientOptions o;
  o.ca_file = ca.caFile();
  o.host = host;
  return o;
}

// A /metrics series over HTTPS (the daemon's port speaks TLS only).
std::optional<double> tlsMetric(int port, const std::string& series) {
  TlsConnection c(port, TlsClientOptions{});
  std::string m = "\n" + c.request("GET", "/metrics").body;
  auto pos = m.find("\n" + series + " ");
  if (pos == std::string::npos) return std::nullopt;
  return std::atof(m.c_str() + pos + series.size() + 2);
}

void copyFile(const std::string& from, const std::string& to) {
  std::ifstream in(from, std::ios::binary);
  std::ofstream out(to, std::ios::binary | std::ios::trunc);
  out << in.rdbuf();
}

}  // namespace

TEST_CASE("HTTPS: a client that trusts the CA is served; plain HTTP is not", "[tls]") {
  TestCa ca(makeTempDir("xianjie-ca-"));
  ca.issue("good", kGoodSans);
  Daemon d("", tlsConfig(ca, "good"));
  d.start();
  for (const char* host : {"localhost", "127.0.0.1"}) {
    TlsConnection c(d.port(), trusting(ca, host));
    INFO(host << ": " << c.error());
    REQUIRE(c.connected());
    CHECK((c.protocol() == "TLSv1.3" || c.protocol() == "TLSv1.2"));
    CHECK(c.request("GET", "/healthz").status == 200);
  }
  // The same port does not answer plain HTTP.
  CHECK(httpRequest(d.port(), "GET", "/healthz").status != 200);
  CHECK(d.log().find("event=listening http=127.0.0.1:" + std::to_string(d.port()) + " tls=1") !=
        std::string::npos);
  // A year ahead, by the hub's clock.
  auto left = tlsMetric(d.port(), "xianjie_tls_certificate_expiry_seconds");
  REQUIRE(left);
  CHECK(*left > 364 * 86400.0);
  CHECK(*left <= 365 * 86400.0);
}

TEST_CASE("HTTPS: TLS 1.0 and 1.1 clients are refused by the server, 1.2 is served", "[tls]") {
  TestCa ca(makeTempDir("xianjie-ca-"));
  ca.issue("good", kGoodSans);
  Daemon d("", tlsConfig(ca, "good"));
  d.start();
  for (int version : {TLS1_VERSION, TLS1_1_VERSION}) {
    TlsClientOptions old = trusting(ca);
    old.min_version = version;
    old.max_version = version;
    TlsConnection c(d.port(), old);
    INFO("version " << std::hex << version << ": " << c.error());
    CHECK_FALSE(c.connected());
    // The server's alert, not this client's own refusal to offer the protocol.
    CHECK(c.error().find("alert protocol version") != std::string::npos);
  }
  CHECK(waitUntil(
      [&] {
        return d.log().find("event=http_tls_handshake_failed error=\"unsupported protocol") !=
               std::string::npos;
      },
      5000));
  // The same client code, allowed TLS 1.2, is served: the refusal above was the version.
  TlsClientOptions modern = trusting(ca);
  modern.min_version = TLS1_VERSION;
  modern.max_version = TLS1_2_VERSION;
  TlsConnection c(d.port(), modern);
  INFO(c.error());
  REQUIRE(c.connected());
  CHECK(c.protocol() == "TLSv1.2");
  CHECK(c.request("GET", "/healthz").status == 200);
}

TEST_CASE("HTTPS: a client that never finishes the handshake is closed at the header timeout",
          "[tls]") {
  TestCa ca(makeTempDir("xianjie-ca-"));
  ca.issue("good", kGoodSans);
  Daemon d("", tlsConfig(ca, "good") + R"(, "header_timeout_ms": 300)");
  d.start();
  HttpConnection silent(d.port());  // connects, sends nothing
  REQUIRE(silent.connected());
  HttpConnection half(d.port());
  REQUIRE(half.sendRaw(std::string("\x16\x03\x01\x02\x00\x01", 6)));  // a hello cut short
  CHECK(silent.waitClosed(5000));
  CHECK(half.waitClosed(5000));
  CHECK(waitUntil(
      [&] {
        auto v = tlsMetric(d.port(), "xianjie_http_rejections_total{reason=\"tls_handshake\"}");
        return v && *v >= 2;
      },
      5000));
  // The slot is free again: a real client is served.
  TlsConnection c(d.port(), trusting(ca));
  REQUIRE(c.connected());
  CHECK(c.request("GET", "/healthz").status == 200);
}

TEST_CASE("HTTPS: an expired certificate is still served, loudly, and verifying clients refuse it",
          "[tls]") {
  TestCa ca(makeTempDir("xianjie-ca-"));
  ca.issue("expired", kGoodSans, 0, "20200101000000Z", "20200201000000Z");
  Daemon d("", tlsConfig(ca, "expired"));
  d.start();
  TlsConnection verifying(d.port(), trusting(ca));
  CHECK_FALSE(verifying.connected());
  CHECK(verifying.error().find("certificate has expired") != std::string::npos);
  // The documented fallback: served, so that nothing stops silently.
  TlsConnection lenient(d.port(), TlsClientOptions{});
  REQUIRE(lenient.connected());
  CHECK(lenient.request("GET", "/healthz").status == 200);
  CHECK(d.log().find("level=error event=tls_certificate_expired") != std::string::npos);
  auto left = tlsMetric(d.port(), "xianjie_tls_certificate_expiry_seconds");
  REQUIRE(left);
  CHECK(*left < 0);
}

TEST_CASE("HTTPS: a certificate for another host is refused by a verifying client", "[tls]") {
  TestCa ca(makeTempDir("xianjie-ca-"));
  ca.issue("other", "DNS:wrong.example");
  Daemon d("", tlsConfig(ca, "other"));
  d.start();
  for (const char* host : {"localhost", "127.0.0.1"}) {
    TlsConnection c(d.port(), trusting(ca, host));
    INFO(host << ": " << c.error());
    CHECK_FALSE(c.connected());
    CHECK(c.error().find("mismatch") != std::string::npos);
  }
  // Named as the certificate says, the same server is trusted: only the name was wrong.
  TlsConnection right(d.port(), trusting(ca, "wrong.example"));
  INFO(right.error());
  CHECK(right.connected());
}

TEST_CASE("HTTPS: SIGHUP swaps the certificate for new connections; an open one carries on",
          "[tls]") {
  TestCa ca(makeTempDir("xianjie-ca-"));
  ca.issue("first", kGoodSans);
  ca.issue("second", kGoodSans);
  // The daemon reads the files at these paths; the test replaces their contents.
  const std::string cert = ca.certFile("live"), key = ca.keyFile("live");
  copyFile(ca.certFile("first"), cert);
  copyFile(ca.keyFile("first"), key);
  ::chmod(key.c_str(), 0600);
  Daemon d("", tlsConfig(ca, "live"));
  d.start();
  TlsConnection open(d.port(), trusting(ca));
  REQUIRE(open.connected());
  const std::string first = open.peerSerial();
  REQUIRE(open.request("GET", "/healthz").status == 200);

  copyFile(ca.certFile("second"), cert);
  copyFile(ca.keyFile("second"), key);
  ::kill(d.pid(), SIGHUP);
  REQUIRE(waitUntil([&] { return d.log().find("event=tls_reloaded") != std::string::npos; }, 5000));
  // The open keep-alive connection still works (same connection, same certificate) ...
  CHECK(open.request("GET", "/healthz").status == 200);
  CHECK(open.peerSerial() == first);
  // ... and a new one gets the new certificate.
  TlsConnection fresh(d.port(), trusting(ca));
  REQUIRE(fresh.connected());
  CHECK(fresh.peerSerial() != first);
  const std::string second = fresh.peerSerial();

  // A broken pair (the first key with the second certificate) is rejected; the second stays.
  copyFile(ca.keyFile("first"), key);
  ::kill(d.pid(), SIGHUP);
  REQUIRE(waitUntil([&] { return d.log().find("event=tls_reload_rejected") != std::string::npos; },
                    5000));
  CHECK(d.log().find("does not match the certificate") != std::string::npos);
  TlsConnection after(d.port(), trusting(ca));
  REQUIRE(after.connected());
  CHECK(after.peerSerial() == second);
  CHECK(open.request("GET", "/healthz").status == 200);
}

TEST_CASE("HTTPS: the expiry warning counts with the hub's clock", "[tls]") {
  TestCa ca(makeTempDir("xianjie-ca-"));
  ca.issue("good", kGoodSans, 0, "20260101000000Z", "20300101000000Z");
  Daemon d("\"fault_injection\": true", tlsConfig(ca, "good", "\"expiry_warn_days\": 20"));
  std::string admin = d.token("test-clock", "admin");
  d.start();
  CHECK(d.log().find("event=tls_certificate_expiring") == std::string::npos);
  auto setClock = [&](const std::string& t) {
    TlsConnection c(d.port(), trusting(ca));
    return c
        .request("POST", "/v1/admin/faults", "clock " + t, {{"Authorization", "Bearer " + admin}})
        .status;
  };
  REQUIRE(setClock("2029-12-22T00:00:00Z") == 200);  // 10 days left
  CHECK(waitUntil(
      [&] {
        return d.log().find("event=tls_certificate_expiring days_left=10") != std::string::npos;
      },
      5000));
  auto left = tlsMetric(d.port(), "xianjie_tls_certificate_expiry_seconds");
  REQUIRE(left);
  CHECK(*left == Approx(10 * 86400.0).margin(5));
  REQUIRE(setClock("2030-01-02T00:00:00Z") == 200);  // a day past: served, loudly
  CHECK(waitUntil(
      [&] { return d.log().find("event=tls_certificate_expired") != std::string::npos; }, 5000));
  TlsConnection lenient(d.port(), TlsClientOptions{});
  CHECK(lenient.request("GET", "/healthz").status == 200);
}

TEST_CASE("HTTPS configuration: plaintext beyond loopback and an open key file are refused",
          "[tls]") {
  TestCa ca(makeTempDir("xianjie-ca-"));
  ca.issue("good", kGoodSans);
  auto check = [](const Daemon& d, int* code) {
    return runCommand(std::string(XJ_DAEMON) + " --check-config '" + d.configPath() + "' 2>&1",
                      code);
  };
  int code = 0;
  {
    Daemon plain("", R"("listen": "0.0.0.0")");
    std::string out = check(plain, &code);
    CHECK(code == 1);
    CHECK(out.find("/http/listen: plain HTTP on 0.0.0.0") != std::string::npos);
    // Refused at start too, with the same words, before anything is bound.
    out = runCommand(
        "timeout 20 " + std::string(XJ_DAEMON) + " --config '" + plain.configPath() + "' 2>&1",
        &code);
    CHECK(code == 1);
    CHECK(out.find("/http/listen: plain HTTP on 0.0.0.0") != std::string::npos);
  }
  {
    Daemon allowed("", R"("listen": "0.0.0.0", "allow_plaintext": true)");
    check(allowed, &code);
    CHECK(code == 0);
    Daemon encrypted("", R"("listen": "0.0.0.0", )" + tlsConfig(ca, "good"));
    check(encrypted, &code);
    CHECK(code == 0);
  }
  ::chmod(ca.keyFile("good").c_str(), 0640);
  Daemon open_key("", tlsConfig(ca, "good"));
  std::string out = check(open_key, &code);
  CHECK(code == 1);
  CHECK(out.find("readable or writable by group or others") != std::string::npos);
  // The key's bytes never reach the output.
  CHECK(out.find("PRIVATE KEY") == std::string::npos);
}
