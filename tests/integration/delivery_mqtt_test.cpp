// Outbox delivery by MQTT (a partner's `mqtt` channel): the real daemon publishes outbox
// rows at QoS 1 through a real mosquitto, marks a row delivered only on the broker's PUBACK, and
// carries the idempotency key and the signature as MQTT 5 user properties that a subscriber can
// verify. A broker that is down holds the rows pending; they go, in order, when it is back.
#include <catch2/catch.hpp>

#include <mqtt/async_client.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <fstream>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "hub/security/webhook_signature.h"
#include "tests/support/daemon.h"
#include "tests/support/http_client.h"
#include "tests/support/mosquitto.h"
#include "tests/support/test_env.h"

using namespace xj::test;
using namespace std::chrono_literals;

namespace {

const std::string kSecret = "mqtt-partner-secret-0123456789abcdef";
const std::string kTopic = "xianjie/out/ngo-m/exchanges";

struct Received {
  std::string payload;
  std::string key, timestamp, signature;
};

// A plain MQTT 5 subscriber that keeps every message with its user properties.
class Subscriber : public mqtt::callback {
 public:
  explicit Subscriber(const std::string& uri)
      : tokens_(),
        client_(uri, "outbox-sub-" + std::to_string(::getpid()),
                mqtt::create_options(MQTTVERSION_5)) {
    client_.set_callback(*this);
    auto opts = mqtt::connect_options_builder()
                    .mqtt_version(MQTTVERSION_5)
                    .clean_start(false)
                    .properties({{mqtt::property::SESSION_EXPIRY_INTERVAL, 3600}})
                    .finalize();
    keep(client_.connect(opts))->wait();
    keep(client_.subscribe(kTopic, 1))->wait();
  }
  ~Subscriber() override {
    try {
      keep(client_.disconnect())->wait();
    } catch (...) {
    }
  }
  void message_arrived(mqtt::const_message_ptr msg) override {
    Received r;
    r.payload = msg->to_string();
    const auto& props = msg->get_properties();
    for (size_t i = 0; i < props.size(); ++i) {
      // Paho C++ exposes user properties by index through get<name_value_pair>.
      try {
        auto nv = mqtt::get<mqtt::string_pair>(props, mqtt::property::USER_PROPERTY, i);
        if (std::get<0>(nv) == "idempotency-key") r.key = std::get<1>(nv);
        if (std::get<0>(nv) == "x-xianjie-timestamp") r.timestamp = std::get<1>(nv);
        if (std::get<0>(nv) == "x-xianjie-signature") r.signature = std::get<1>(nv);
      } catch (...) {
        break;
      }
    }
    std::lock_guard lock(mu_);
    got_.push_back(r);
  }
  std::vector<Received> got() {
    std::lock_guard lock(mu_);
    return got_;
  }

 private:
  // Paho's threads still signal a token after a wait on it returns: the tokens waited on are
  // declared before the client, so they are destroyed after it (and after Paho's threads).
  mqtt::token_ptr keep(mqtt::token_ptr t) {
    tokens_.push_back(t);
    return t;
  }
  std::vector<mqtt::token_ptr> tokens_;
  mqtt::async_client client_;
  std::mutex mu_;
  std::vector<Received> got_;
};

template <class F>
bool waitFor(F cond, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (cond()) return true;
    std::this_thread::sleep_for(20ms);
  }
  return cond();
}

}  // namespace

TEST_CASE("mqtt partner: published at QoS 1 with a verifiable signature, delivered on PUBACK",
          "[delivery_mqtt]") {
  Mosquitto broker;
  broker.start();
  Daemon d(R"("fault_injection": true)", "", "",
           "\"uri\": \"" + broker.uri() + "\", \"client_id\": \"hub-" +
               std::to_string(broker.port()) + "\"");
  writeSecretFile(d.dir() + "/m.key", kSecret);
  d.writePartners(R"({"partners": [{"org": "ngo-m", "name": "M", "services": ["food"],
      "townships": ["*"], "channel": {"type": "mqtt", "topic": ")" +
                  kTopic + R"(", "secret_file": ")" + d.dir() + R"(/m.key"}}],
      "delivery": {"max_attempts": 50, "backoff_initial_ms": 50, "backoff_max_ms": 300}})");
  std::string admin = d.token("bureau-admin", "admin");
  d.start();
  auto sub = std::make_unique<Subscriber>(broker.uri());
  auto enqueue = [&](int seq) {
    auto r = httpRequest(
        d.port(), "POST", "/v1/admin/faults",
        R"(enqueue_outbound {"partner": "ngo-m", "lane_key": "ex-1", "kind": "exchange.outcome", "idempotency_key": "m-)" +
            std::to_string(seq) + R"(", "body": {"seq": )" + std::to_string(seq) + "}}",
        {{"Authorization", "Bearer " + admin}, {"Content-Type", "text/plain"}});
    REQUIRE(r.status == 200);
  };
  auto delivered = [&] {
    auto s = d.sql("SELECT count(*) FROM outbox WHERE state='delivered'");
    return s.empty() ? 0 : std::stoi(s);
  };
  for (int i = 1; i <= 3; ++i) enqueue(i);
  REQUIRE(waitFor([&] { return delivered() == 3 && sub->got().size() >= 3; }, 15s));
  auto got = sub->got();
  const int64_t now = std::time(nullptr);
  for (size_t i = 0; i < 3; ++i) {
    INFO("message " << i);
    CHECK(got[i].key == "m-" + std::to_string(i + 1));  // in lane order
    CHECK(got[i].payload == R"({"seq":)" + std::to_string(i + 1) + "}");
    CHECK(xj::security::verifyDelivery(kSecret, got[i].timestamp, got[i].signature, got[i].payload,
                                       now)
              .isOk());
  }
  // The broker goes away: new rows stay pending (no PUBACK, nothing recorded delivered) and
  // are delivered once it is back.
  sub.reset();
  broker.stop();
  for (int i = 4; i <= 6; ++i) enqueue(i);
  std::this_thread::sleep_for(1s);
  CHECK(delivered() == 3);
  CHECK(d.sql("SELECT count(*) FROM outbox WHERE state='pending'") == "3\n");
  broker.start();
  REQUIRE(waitFor([&] { return delivered() == 6; }, 30s));
  // And the lane goes on, in order, to a subscriber of the restarted broker.
  sub = std::make_unique<Subscriber>(broker.uri());
  for (int i = 7; i <= 9; ++i) enqueue(i);
  REQUIRE(waitFor([&] { return delivered() == 9 && sub->got().size() >= 3; }, 15s));
  std::vector<std::string> keys;
  for (const auto& r : sub->got()) keys.push_back(r.key);
  CHECK(keys == std::vector<std::string>{"m-7", "m-8", "m-9"});
}
