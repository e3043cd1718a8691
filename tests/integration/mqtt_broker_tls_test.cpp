// The hub's own link to the broker over TLS (mqtt.uri ssl://, mqtt.tls_ca, tls_cert, tls_key),
// against a real mosquitto serving the shipped TLS listener (config/mosquitto/
// tls-listener.conf.in) with certificates made here by a test CA: a message published over TLS
// is stored before its receipt; a broker whose certificate the hub's CA did not sign, or signed
// for another host, or one that wants a client certificate the hub does not have, is never
// linked to, and the hub stays up, says so in its log, /readyz and /metrics, and exits 0 on
// SIGTERM.
#include <catch2/catch.hpp>

#include <string>

#include "tests/integration/messages.h"
#include "tests/support/daemon.h"
#include "tests/support/http_client.h"
#include "tests/support/mosquitto.h"
#include "tests/support/mqtt_client.h"
#include "tests/support/test_env.h"
#include "tests/support/tls_client.h"

using namespace xj::test;

namespace {

const char* kBrokerSans = "DNS:localhost,IP:127.0.0.1";
const std::string kTickets = "xianjie/in/hotline/hotline-1/tickets";

// The body of the daemon's mqtt object: the broker's TLS listener, trusting `ca_file`, and
// presenting `client` (a certificate of `client_ca`) when it is not empty.
std::string tlsMqttConfig(const Mosquitto& m, const std::string& ca_file,
                          const TestCa* client_ca = nullptr, const std::string& client = "") {
  std::string c = "\"uri\": \"" + m.tlsUri() + "\", \"client_id\": \"hub-tls-" +
                  std::to_string(m.port()) + "\", \"tls_ca\": \"" + ca_file + "\"";
  if (client_ca)
    c += ", \"tls_cert\": \"" + client_ca->certFile(client) + "\", \"tls_key\": \"" +
         client_ca->keyFile(client) + "\"";
  return c;
}

bool ready(const Daemon& d) { return httpRequest(d.port(), "GET", "/readyz").status == 200; }

size_t count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t p = text.find(what); p != std::string::npos; p = text.find(what, p + 1)) ++n;
  return n;
}

// The hub never links: it logs the failed connect (naming the broker, not a payload), keeps
// retrying (the broker sees a second refused handshake), is alive but not ready, and its gauge
// says 0. `broker_refusal` is what mosquitto logs for each refused handshake.
void checkNeverLinks(Daemon& d, const Mosquitto& broker, const std::string& broker_refusal) {
  bool logged = waitUntil(
      [&] {
        return d.log().find("event=mqtt_connect_failed uri=" + broker.tlsUri()) !=
               std::string::npos;
      },
      20000);
  bool retried = waitUntil([&] { return count(broker.log(), broker_refusal) >= 2; }, 20000);
  INFO("daemon log:\n" << d.log() << "\nbroker log:\n" << broker.log());
  CHECK(logged);
  CHECK(retried);
  CHECK(d.log().find("event=mqtt_connected") == std::string::npos);
  CHECK(httpRequest(d.port(), "GET", "/healthz").status == 200);
  CHECK(httpRequest(d.port(), "GET", "/readyz").status == 503);
  CHECK(metricValue(d.port(), "xianjie_mqtt_connected") == 0.0);
  CHECK(d.terminate() == 0);
}

}  // namespace

TEST_CASE("MQTT over TLS: the hub links with its CA and client certificate; a message is stored",
          "[mqtt_tls]") {
  TestCa ca(makeTempDir("xianjie-ca-"));
  ca.issue("broker", kBrokerSans);
  ca.issueClient("xianjied");
  ca.issueClient("publisher");
  Mosquitto broker;
  broker.enableTls(ca.certFile("broker"), ca.keyFile("broker"), ca.caFile());
  broker.start();
  Daemon d("", "", "", tlsMqttConfig(broker, ca.caFile(), &ca, "xianjied"));
  d.token("hotline-1", "hotline");
  d.start();
  bool linked = waitUntil([&] { return ready(d); }, 20000);
  INFO("daemon log:\n" << d.log() << "\nbroker log:\n" << broker.log());
  REQUIRE(linked);
  CHECK(d.log().find("event=mqtt_connected uri=" + broker.tlsUri()) != std::string::npos);
  CHECK(metricValue(d.port(), "xianjie_mqtt_connected") == 1.0);

  MqttTestClient c(broker.tlsUri(), "pub-tls");
  c.useTls(ca.caFile(), ca.certFile("publisher"), ca.keyFile("publisher"));
  REQUIRE(c.connect());
  c.subscribe("xianjie/out/hotline-1/receipts");
  CHECK(c.publish(kTickets, ticketJson("tls-1", "hotline-1")) == 0);
  REQUIRE(c.waitForReceipts({"tls-1"}, 10000));
  auto r = c.receipts()["tls-1"];
  INFO(r.json);
  CHECK(r.status == "accepted");
  CHECK(r.hub_id.rfind("xj-", 0) == 0);
  // The receipt came after the commit: the row is there, under the hub id the receipt named.
  CHECK(d.sql("SELECT count(*) FROM messages WHERE message_id='tls-1'") == "1\n");
  CHECK(metricValue(d.port(),
                    "xianjie_mqtt_messages_total{kind=\"ticket\",outcome=\"accepted\"}") == 1.0);
  CHECK(d.terminate() == 0);
}

TEST_CASE(
    "MQTT over TLS: a broker certificate that tls_ca did not sign is refused, the hub stays up",
    "[mqtt_tls]") {
  TestCa hub_ca(makeTempDir("xianjie-ca-"));
  TestCa other_ca(makeTempDir("xianjie-ca-"));
  other_ca.issue("broker", kBrokerSans);  // right host, wrong authority
  Mosquitto broker;
  broker.enableTls(other_ca.certFile("broker"), other_ca.keyFile("broker"));
  broker.start();
  Daemon d("", "", "", tlsMqttConfig(broker, hub_ca.caFile()));
  d.token("hotline-1", "hotline");
  d.start();
  // The broker hears the hub abort the handshake: the refusal is the hub's, not the broker's.
  checkNeverLinks(d, broker, "alert unknown ca");
}

TEST_CASE("MQTT over TLS: a certificate of the right CA for another host is refused",
          "[mqtt_tls]") {
  TestCa ca(makeTempDir("xianjie-ca-"));
  ca.issue("broker", "DNS:other.example");  // mqtt.uri names 127.0.0.1
  Mosquitto broker;
  broker.enableTls(ca.certFile("broker"), ca.keyFile("broker"));
  broker.start();
  Daemon d("", "", "", tlsMqttConfig(broker, ca.caFile()));
  d.token("hotline-1", "hotline");
  d.start();
  // The handshake completes (the chain is good); the hub hangs up on the name before it sends
  // its CONNECT, so the broker never learns a client id.
  checkNeverLinks(d, broker, "Client <unknown> closed its connection");
}

TEST_CASE("MQTT over TLS: a broker that wants a client certificate the hub lacks is not linked to",
          "[mqtt_tls]") {
  TestCa ca(makeTempDir("xianjie-ca-"));
  ca.issue("broker", kBrokerSans);
  Mosquitto broker;
  broker.enableTls(ca.certFile("broker"), ca.keyFile("broker"), ca.caFile());
  broker.start();
  Daemon d("", "", "", tlsMqttConfig(broker, ca.caFile()));  // tls_ca only
  d.token("hotline-1", "hotline");
  d.start();
  checkNeverLinks(d, broker, "peer did not return a certificate");
}
