#include "tests/support/mqtt_client.h"

#include <mqtt/async_client.h>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <chrono>
#include <condition_variable>
#include <thread>

#include "adapters/mqtt/paho_token.h"

namespace xj::test {

struct MqttTestClient::Impl {
  std::unique_ptr<mqtt::async_client> client;
  std::string user, password;
  std::string tls_ca, tls_cert, tls_key;  // useTls(); empty: no TLS options
  std::mutex mu;
  std::condition_variable cv;
  std::map<std::string, TestReceipt> receipts;
  size_t count = 0;
  std::vector<std::string> unnamed;
  std::vector<std::string> filters;  // resubscribed after every reconnect (clean start)
  // Paho's threads still signal a token after a wait on it returns (adapters/mqtt/paho_token.h):
  // a token waited on is let go of only once settled, else kept until the client is gone.
  std::mutex tokens_mu;
  std::vector<mqtt::token_ptr> tokens;
  xj::mqtt_adapter::SettlingTokens unsettled;  // publishes not waited on
  // Waits for `t` to complete and settle; returns whether it completed.
  bool wait(const mqtt::token_ptr& t, std::chrono::milliseconds timeout) {
    if (xj::mqtt_adapter::settleToken(*client, t, 1, timeout)) return true;
    std::lock_guard lock(tokens_mu);
    tokens.push_back(t);
    return t->is_complete();
  }
};

MqttTestClient::MqttTestClient(const std::string& uri, const std::string& client_id,
                               const std::string& user, const std::string& password)
    : impl_(std::make_unique<Impl>()) {
  impl_->client = std::make_unique<mqtt::async_client>(
      uri, client_id, mqtt::create_options(MQTTVERSION_5, 100000), nullptr);
  impl_->user = user;
  impl_->password = password;
  impl_->client->set_connected_handler([this](const std::string&) {
    std::vector<std::string> filters;
    {
      std::lock_guard lock(impl_->mu);
      filters = impl_->filters;
    }
    for (const auto& f : filters) {
      try {
        impl_->client->subscribe(f, 1);
      } catch (...) {
      }
    }
  });
  impl_->client->set_message_callback([this](mqtt::const_message_ptr msg) {
    auto handle = [&](const rapidjson::Value& v, const std::string& json) {
      if (!v.IsObject()) return;
      if (!v.HasMember("id") ||
          !v["id"].IsString()) {  // a rejection that could not name its message
        std::lock_guard lock(impl_->mu);
        ++impl_->count;
        impl_->unnamed.push_back(json);
        return;
      }
      TestReceipt r;
      r.json = json;
      r.status = v.HasMember("status") && v["status"].IsString() ? v["status"].GetString() : "";
      r.hub_id = v.HasMember("hub_id") && v["hub_id"].IsString() ? v["hub_id"].GetString() : "";
      r.retained = msg->is_retained();
      r.duplicate = v.HasMember("duplicate") && v["duplicate"].IsTrue();
      const auto& props = msg->get_properties();
      if (props.contains(mqtt::property::CORRELATION_DATA))
        r.correlation = mqtt::get<std::string>(props, mqtt::property::CORRELATION_DATA);
      std::lock_guard lock(impl_->mu);
      impl_->receipts[v["id"].GetString()] = r;
      ++impl_->count;
    };
    rapidjson::Document d;
    std::string payload = msg->get_payload_str();
    d.Parse(payload.c_str());
    if (d.IsArray()) {  // a batch of receipts: keep each one's own JSON, not the whole batch
      for (auto& v : d.GetArray()) {
        rapidjson::StringBuffer one;
        rapidjson::Writer<rapidjson::StringBuffer> w(one);
        v.Accept(w);
        handle(v, std::string(one.GetString(), one.GetSize()));
      }
    } else {
      handle(d, payload);
    }
    impl_->cv.notify_all();
  });
}

MqttTestClient::~MqttTestClient() {
  try {
    if (impl_->client->is_connected())
      impl_->wait(impl_->client->disconnect(), std::chrono::seconds(2));
  } catch (...) {
  }
  impl_->client.reset();  // first the client, then the tokens that did not settle
  impl_->unsettled.clear();
  std::lock_guard lock(impl_->tokens_mu);
  impl_->tokens.clear();
}

void MqttTestClient::useTls(const std::string& ca_file, const std::string& cert_file,
                            const std::string& key_file) {
  impl_->tls_ca = ca_file;
  impl_->tls_cert = cert_file;
  impl_->tls_key = key_file;
}

bool MqttTestClient::connect() {
  auto b = mqtt::connect_options_builder()
               .mqtt_version(MQTTVERSION_5)
               .clean_start(true)
               .max_inflight(1000)
               .automatic_reconnect(std::chrono::milliseconds(100), std::chrono::seconds(2));
  if (!impl_->user.empty()) b.user_name(impl_->user).password(impl_->password);
  if (!impl_->tls_ca.empty()) {
    auto ssl = mqtt::ssl_options_builder();
    ssl.trust_store(impl_->tls_ca).enable_server_cert_auth(true);
    if (!impl_->tls_cert.empty()) ssl.key_store(impl_->tls_cert).private_key(impl_->tls_key);
    b.ssl(ssl.finalize());
  }
  try {
    // The client keeps its connect token as long as it lives: a plain wait is safe.
    impl_->client->connect(b.finalize())->wait_for(std::chrono::seconds(10));
    return impl_->client->is_connected();
  } catch (const mqtt::exception&) {
    return false;
  }
}

void MqttTestClient::subscribe(const std::string& filter) {
  {
    std::lock_guard lock(impl_->mu);
    impl_->filters.push_back(filter);
  }
  impl_->wait(impl_->client->subscribe(filter, 1), std::chrono::seconds(5));
}

int MqttTestClient::publish(const std::string& topic, const std::string& payload,
                            const std::string& response_topic, const std::string& correlation,
                            bool wait, bool retained) {
  try {
    auto b = mqtt::message_ptr_builder().topic(topic).payload(payload).qos(1).retained(retained);
    mqtt::properties props;
    if (!response_topic.empty())
      props.add(mqtt::property(mqtt::property::RESPONSE_TOPIC, response_topic));
    if (!correlation.empty())
      props.add(mqtt::property(mqtt::property::CORRELATION_DATA, correlation));
    b.properties(std::move(props));
    mqtt::token_ptr tok = impl_->client->publish(b.finalize());  // one reference, ours
    if (!wait) {
      impl_->unsettled.add(*impl_->client, std::move(tok));
      return 0;
    }
    if (!impl_->wait(tok, std::chrono::seconds(10))) return -1;
    int reason = tok->get_reason_code();
    if (tok->get_return_code() != MQTTASYNC_SUCCESS || reason >= 0x80)
      return reason > 0 ? reason : -1;
    return reason;
  } catch (const mqtt::exception& e) {
    return e.get_reason_code() > 0 ? e.get_reason_code() : -1;
  }
}

std::map<std::string, TestReceipt> MqttTestClient::receipts() {
  std::lock_guard lock(impl_->mu);
  return impl_->receipts;
}

std::vector<std::string> MqttTestClient::unnamed() {
  std::lock_guard lock(impl_->mu);
  return impl_->unnamed;
}

size_t MqttTestClient::receiptCount() {
  std::lock_guard lock(impl_->mu);
  return impl_->count;
}

bool MqttTestClient::waitForReceipts(const std::vector<std::string>& ids, int timeout_ms) {
  std::unique_lock lock(impl_->mu);
  return impl_->cv.wait_for(lock, std::chrono::milliseconds(timeout_ms), [&] {
    for (const auto& id : ids) {
      auto it = impl_->receipts.find(id);
      if (it == impl_->receipts.end() || it->second.status == "unavailable") return false;
    }
    return true;
  });
}

}  // namespace xj::test
