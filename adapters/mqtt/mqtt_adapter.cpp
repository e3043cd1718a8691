#include "adapters/mqtt/mqtt_adapter.h"

#include <mqtt/async_client.h>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <boost/asio/post.hpp>

#include <arpa/inet.h>
#include <dirent.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <cctype>
#include <cstdlib>
#include <mutex>

#include "adapters/envelope/problems_json.h"
#include "adapters/mqtt/topics.h"
#include "hub/core/log.h"

namespace xj::mqtt_adapter {
namespace {

struct Inbound {
  std::string topic;
  std::string payload;
  std::string response_topic;
  std::string correlation;
  bool has_correlation = false;
};

std::string receiptJson(const std::string& status, const Receipt* r, const std::string& id,
                        const Problems& problems, const std::string& message) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  w.StartObject();
  w.Key("id");
  if (id.empty()) {
    w.Null();
  } else {
    w.String(id.c_str());
  }
  w.Key("status");
  w.String(status.c_str());
  if (r) {
    w.Key("hub_id");
    w.String(r->hub_id.c_str());
    w.Key("source");
    w.String(r->source.c_str());
    w.Key("kind");
    w.String(std::string(toString(r->kind)).c_str());
    w.Key("received_at");
    w.String(r->received_at.c_str());
  }
  if (!message.empty()) {
    w.Key("message");
    w.String(message.c_str());
  }
  envelope::writeProblems(w, problems);
  w.EndObject();
  return {buf.GetString(), buf.GetSize()};
}

// The sender's id, if the payload is JSON with a string id: so that even a rejection names it.
std::string peekId(const std::string& payload) {
  rapidjson::Document d;
  if (envelope::nestingDepth(payload) > 64) return {};
  // No encoding check here: a message refused for invalid UTF-8 elsewhere can still be named,
  // as long as its id itself is made of the id characters.
  d.Parse<rapidjson::kParseIterativeFlag>(payload.data(), payload.size());
  if (d.HasParseError() || !d.IsObject() || !d.HasMember("id") || !d["id"].IsString() ||
      d["id"].GetStringLength() > 64)
    return {};
  std::string id(d["id"].GetString(), d["id"].GetStringLength());
  for (char ch : id)
    if (!(std::isalnum(static_cast<unsigned char>(ch)) || ch == '.' || ch == '_' || ch == '-' ||
          ch == ':'))
      return {};
  return id;
}

// Paho C does not disable Nagle on its socket (paho.mqtt.c #530), so every small packet (a
// receipt, a PUBACK) may wait for the broker's delayed ACK: ~40 ms a hop, and receipts then take
// 100-200 ms on loopback. Paho gives no access to the socket, so after each connect we find
// the process's TCP sockets whose peer port is the broker's and set TCP_NODELAY on them.
void disableNagleTowards(const std::string& uri) {
  size_t colon = uri.rfind(':');
  if (colon == std::string::npos) return;
  int port = std::atoi(uri.c_str() + colon + 1);
  if (port <= 0) return;
  DIR* dir = opendir("/proc/self/fd");
  if (!dir) return;
  while (dirent* e = readdir(dir)) {
    int fd = std::atoi(e->d_name);
    if (fd <= 2) continue;
    sockaddr_storage peer{};
    socklen_t len = sizeof peer;
    if (getpeername(fd, reinterpret_cast<sockaddr*>(&peer), &len) != 0) continue;
    int peer_port =
        peer.ss_family == AF_INET    ? ntohs(reinterpret_cast<sockaddr_in*>(&peer)->sin_port)
        : peer.ss_family == AF_INET6 ? ntohs(reinterpret_cast<sockaddr_in6*>(&peer)->sin6_port)
                                     : -1;
    if (peer_port != port) continue;
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  }
  closedir(dir);
}

}  // namespace

struct MqttAdapter::Impl : public std::enable_shared_from_this<MqttAdapter::Impl> {
  MqttConfig config;
  boost::asio::io_context& ioc;
  const inbound::Inbound& intake;
  MessageStore& store;
  const security::TokenRegistry& tokens;
  MetricsRegistry& metrics;
  std::unique_ptr<mqtt::async_client> client;
  std::atomic<bool> connected{false};
  std::atomic<bool> stopping{false};
  std::atomic<bool> disconnected{false};
  std::atomic<int> pending{0};
  Counter& receipts_out;
  Counter& reconnects;
  Counter& publish_failures;
  Counter& receipt_messages;
  Counter& response_topic_refused;
  std::mutex batch_mu;
  std::map<std::string, std::vector<std::string>> batch;  // topic -> receipts not yet published
  bool flush_posted = false;
  std::atomic<int> connections{0};
  std::mutex counters_mu;
  std::map<std::string, Counter*> outcomes;
  std::map<std::string, Counter*> rejections;

  Impl(const MqttConfig& c, boost::asio::io_context& io, const inbound::Inbound& in,
       MessageStore& st, const security::TokenRegistry& t, MetricsRegistry& m)
      : config(c),
        ioc(io),
        intake(in),
        store(st),
        tokens(t),
        metrics(m),
        receipts_out(m.counter("xianjie_mqtt_receipts_total", "Receipts published")),
        reconnects(m.counter("xianjie_mqtt_reconnects_total",
                             "Connections to the broker after the first")),
        publish_failures(
            m.counter("xianjie_mqtt_publish_failures_total",
                      "Receipts or outbound messages the client could not hand to the broker")),
        receipt_messages(
            m.counter("xianjie_mqtt_receipt_messages_total",
                      "MQTT messages carrying receipts (one receipt or a JSON array of them)")),
        response_topic_refused(m.counter("xianjie_mqtt_response_topics_refused_total",
                                         "Response topics outside the sender's own out/{org}/ "
                                         "(answered on the default topic)")) {
    for (const char* kind : {"ticket", "referral", "notification", "unknown"})
      for (const char* o : {"accepted", "duplicate", "conflict", "rejected", "unavailable"})
        outcome(kind, o);
    for (const char* r : {"topic", "invalid", "source_mismatch", "no_active_principal"})
      rejection(r);
  }

  // Why messages were refused before reaching the store (no personal data in the reasons).
  Counter& rejection(const std::string& reason) {
    std::lock_guard lock(counters_mu);
    auto& c = rejections[reason];
    if (!c)
      c = &metrics.counter("xianjie_mqtt_rejections_total",
                           "MQTT messages answered `rejected`, by reason",
                           "reason=\"" + reason + "\"");
    return *c;
  }

  Counter& outcome(const std::string& kind, const std::string& o) {
    std::lock_guard lock(counters_mu);
    auto& c = outcomes[kind + "/" + o];
    if (!c)
      c = &metrics.counter("xianjie_mqtt_messages_total",
                           "MQTT messages in, by kind (topic) and outcome",
                           "kind=\"" + kind + "\",outcome=\"" + o + "\"");
    return *c;
  }

  void sendReceipt(const Inbound& in, const std::string& org, const std::string& body) {
    if (org.empty()) return;  // not one of our topics: no principal to answer
    // The hub's broker account may write anywhere under out/: answer only under the sender's
    // own out/{org}/, or a publisher could use the hub to write into another org's topics.
    const std::string own = config.topic_prefix + "/out/" + org + "/";
    bool own_topic = !in.response_topic.empty() &&
                     in.response_topic.compare(0, own.size(), own) == 0 &&
                     in.response_topic.find_first_of("+#") == std::string::npos;
    if (!in.response_topic.empty() && !own_topic) {
      log::info("mqtt_response_topic_refused", {{"org", org}});
      response_topic_refused.inc();
    }
    std::string topic = own_topic ? in.response_topic : receiptTopic(config.topic_prefix, org);
    receipts_out.inc();
    if (config.protocol == 5 && in.has_correlation) {
      // Correlation data belongs to one message: such a receipt travels alone.
      mqtt::properties props;
      props.add(mqtt::property(mqtt::property::CORRELATION_DATA, in.correlation));
      publishReceipts(topic, body, std::move(props));
      return;
    }
    // Receipts for the same topic that become ready together (one commit's worth: the writer
    // posts them back to back) leave as one MQTT message holding a JSON array. A Paho publish
    // costs tens of microseconds; one per receipt would cap the rate.
    std::lock_guard lock(batch_mu);
    batch[topic].push_back(body);
    if (!flush_posted) {
      flush_posted = true;
      boost::asio::post(ioc, [self = shared_from_this()] { self->flushReceipts(); });
    }
  }

  void flushReceipts() {
    std::map<std::string, std::vector<std::string>> ready;
    {
      std::lock_guard lock(batch_mu);
      ready.swap(batch);
      flush_posted = false;
    }
    for (auto& [topic, bodies] : ready) {
      std::string payload;
      if (bodies.size() == 1) {
        payload = std::move(bodies[0]);
      } else {
        size_t total = 2;
        for (const auto& b : bodies) total += b.size() + 1;
        payload.reserve(total);
        payload += '[';
        for (size_t i = 0; i < bodies.size(); ++i) {
          if (i) payload += ',';
          payload += bodies[i];
        }
        payload += ']';
      }
      publishReceipts(topic, payload, {});
    }
  }

  void publishReceipts(const std::string& topic, const std::string& payload,
                       mqtt::properties props) {
    try {
      auto builder =
          mqtt::message_ptr_builder().topic(topic).payload(payload).qos(1).retained(false);
      if (!props.empty()) builder.properties(std::move(props));
      client->publish(builder.finalize());
      receipt_messages.inc();
    } catch (const mqtt::exception& e) {
      // Not connected and the offline buffer is full: the publisher's resend will get the
      // original receipt, so nothing is lost by dropping this one.
      publish_failures.inc();
      log::warn("mqtt_receipt_not_sent", {{"reason", std::to_string(e.get_reason_code())}});
    }
  }

  void handle(std::shared_ptr<Inbound> in) {
    std::string org, why;
    auto topic = parseInboundTopic(config.topic_prefix, in->topic, org, why);
    const std::string id = peekId(in->payload);
    if (!topic) {
      outcome("unknown", "rejected").inc();
      rejection("topic").inc();
      log::info("mqtt_rejected", {{"reason", "topic"}});
      return sendReceipt(
          *in, org, receiptJson("rejected", nullptr, id, {{"topic", why}}, "not an inbound topic"));
    }
    const std::string kind(toString(topic->kind));
    // The broker's password and ACL files are a snapshot: a revoked organisation may still be
    // able to publish. Refuse it here, with the same registry that HTTP verifies tokens against.
    auto role = parseRole(topic->role);
    if (!role || !tokens.hasActive(topic->org, *role)) {
      outcome(kind, "rejected").inc();
      rejection("no_active_principal").inc();
      log::info("mqtt_rejected", {{"org", org}, {"reason", "no_active_principal"}});
      return sendReceipt(
          *in, org,
          receiptJson("rejected", nullptr, id,
                      {{"topic", "organisation " + org + " holds no active " + topic->role +
                                     " token (revoked or never made)"}},
                      "the publishing organisation is not authorized"));
    }
    IngestRecord record;
    Problems problems;
    auto parsed = intake.prepare(in->payload, topic->kind, record, problems);
    if (parsed != envelope::ParseOutcome::kOk) {
      outcome(kind, "rejected").inc();
      rejection("invalid").inc();
      log::info("mqtt_rejected",
                {{"org", org}, {"kind", kind}, {"problems", std::to_string(problems.size())}});
      return sendReceipt(
          *in, org,
          receiptJson("rejected", nullptr, id, problems,
                      std::to_string(problems.size()) + " problem(s) in the message"));
    }
    if (record.source != topic->org) {
      outcome(kind, "rejected").inc();
      rejection("source_mismatch").inc();
      log::info("mqtt_rejected", {{"org", org}, {"reason", "source_mismatch"}});
      return sendReceipt(*in, org,
                         receiptJson("rejected", nullptr, id,
                                     {{"/source", "does not match the topic's organisation"}},
                                     "source must be the publishing organisation"));
    }
    if (pending.load() >= config.max_pending) {
      outcome(kind, "unavailable").inc();
      return sendReceipt(
          *in, org,
          receiptJson("unavailable", nullptr, id, {}, "the hub is busy: send it again later"));
    }
    pending.fetch_add(1);
    auto self = shared_from_this();
    bool queued = store.submit(std::move(record), [self, in, org, id, kind](IngestResult r) {
      // Writer thread: hand the receipt back to the I/O threads.
      boost::asio::post(self->ioc, [self, in, org, id, kind, r = std::move(r)] {
        self->pending.fetch_sub(1);
        switch (r.outcome) {
          case IngestOutcome::kAccepted:
            self->outcome(kind, "accepted").inc();
            return self->sendReceipt(*in, org, receiptJson("accepted", &r.receipt, id, {}, ""));
          case IngestOutcome::kDuplicate:
            self->outcome(kind, "duplicate").inc();
            return self->sendReceipt(*in, org,
                                     receiptJson("duplicate", &r.receipt, id, {},
                                                 "already accepted: the original receipt"));
          case IngestOutcome::kConflict:
            self->outcome(kind, "conflict").inc();
            return self->sendReceipt(
                *in, org,
                receiptJson("conflict", &r.receipt, id, {},
                            "this id was already used for a different message"));
          case IngestOutcome::kUnavailable:
            self->outcome(kind, "unavailable").inc();
            return self->sendReceipt(
                *in, org,
                receiptJson("unavailable", nullptr, id, {}, "not stored: send it again later"));
        }
      });
    });
    if (!queued) {
      pending.fetch_sub(1);
      outcome(kind, "unavailable").inc();
      sendReceipt(
          *in, org,
          receiptJson("unavailable", nullptr, id, {}, "the hub is busy: send it again later"));
    }
  }

  void subscribe() {
    std::string filter = inboundFilter(config.topic_prefix, config.shared_group);
    try {
      client->subscribe(filter, 1);
      log::info("mqtt_subscribed", {{"filter", filter}});
    } catch (const mqtt::exception& e) {
      log::warn("mqtt_subscribe_failed", {{"reason", std::to_string(e.get_reason_code())}});
    }
  }
};

MqttAdapter::MqttAdapter(const MqttConfig& config, boost::asio::io_context& ioc,
                         const inbound::Inbound& intake, MessageStore& store,
                         const security::TokenRegistry& tokens, MetricsRegistry& metrics)
    : impl_(std::make_shared<Impl>(config, ioc, intake, store, tokens, metrics)) {}

MqttAdapter::~MqttAdapter() { stop(); }

bool MqttAdapter::connected() const { return impl_->connected.load(); }

Status MqttAdapter::start() {
  auto& c = impl_->config;
  auto impl = impl_;
  impl->metrics.gauge("xianjie_mqtt_connected", "1 while connected to the broker",
                      [impl] { return impl->connected.load() ? 1.0 : 0.0; });
  try {
    // Receipts published while the broker is away wait in Paho's offline buffer.
    mqtt::create_options create(c.protocol == 5 ? MQTTVERSION_5 : MQTTVERSION_3_1_1, 100'000);
    impl->client = std::make_unique<mqtt::async_client>(c.uri, c.client_id, create, nullptr);
    auto builder = mqtt::connect_options_builder()
                       .mqtt_version(c.protocol == 5 ? MQTTVERSION_5 : MQTTVERSION_3_1_1)
                       .keep_alive_interval(std::chrono::seconds(c.keepalive_s))
                       .automatic_reconnect(std::chrono::milliseconds(c.reconnect_min_ms),
                                            std::chrono::milliseconds(c.reconnect_max_ms))
                       .max_inflight(1000);
    if (c.protocol == 5) {
      // A persistent session: the broker keeps our subscription and queues QoS 1 messages
      // while the hub is down or restarting.
      builder.clean_start(false);
      mqtt::properties props;
      props.add(mqtt::property(mqtt::property::SESSION_EXPIRY_INTERVAL,
                               static_cast<uint32_t>(c.session_expiry_s)));
      builder.properties(std::move(props));
    } else {
      builder.clean_session(false);
    }
    if (!c.username.empty()) builder.user_name(c.username);
    if (!c.password.empty()) builder.password(c.password);
    if (!c.tls_ca.empty() || !c.tls_cert.empty()) {
      auto ssl = mqtt::ssl_options_builder();
      if (!c.tls_ca.empty()) ssl.trust_store(c.tls_ca).enable_server_cert_auth(true);
      if (!c.tls_cert.empty()) ssl.key_store(c.tls_cert).private_key(c.tls_key);
      builder.ssl(ssl.finalize());
    }
    auto opts = builder.finalize();
    std::weak_ptr<Impl> weak = impl;
    impl->client->set_connected_handler([weak](const std::string&) {
      auto self = weak.lock();
      if (!self) return;
      if (self->connections.fetch_add(1) > 0) self->reconnects.inc();
      self->connected.store(true);
      disableNagleTowards(self->config.uri);
      log::info("mqtt_connected", {{"uri", self->config.uri}});
      self->subscribe();  // the session keeps it; subscribing again is harmless and covers a lost
                          // session
    });
    impl->client->set_connection_lost_handler([weak](const std::string&) {
      auto self = weak.lock();
      if (!self) return;
      self->connected.store(false);
      log::warn("mqtt_connection_lost", {{"uri", self->config.uri}});
    });
    impl->client->set_message_callback([weak](mqtt::const_message_ptr msg) {
      // Paho's thread: copy and post, nothing else.
      auto self = weak.lock();
      if (!self || self->stopping.load()) return;
      auto in = std::make_shared<Inbound>();
      in->topic = msg->get_topic();
      in->payload = msg->get_payload_str();
      const auto& props = msg->get_properties();
      if (props.contains(mqtt::property::RESPONSE_TOPIC))
        in->response_topic = mqtt::get<std::string>(props, mqtt::property::RESPONSE_TOPIC);
      if (props.contains(mqtt::property::CORRELATION_DATA)) {
        in->correlation = mqtt::get<std::string>(props, mqtt::property::CORRELATION_DATA);
        in->has_correlation = true;
      }
      boost::asio::post(self->ioc, [self, in] { self->handle(in); });
    });
    // The first connect may fail (broker not up yet): keep trying in the background, so the hub
    // starts anyway and /readyz says not ready until the broker answers.
    std::thread([impl, opts] {
      for (int attempt = 0; !impl->stopping.load(); ++attempt) {
        try {
          impl->client->connect(opts)->wait();
          return;
        } catch (const mqtt::exception& e) {
          if (attempt == 0)
            log::warn("mqtt_connect_failed",
                      {{"uri", impl->config.uri}, {"reason", e.get_message()}});
          std::this_thread::sleep_for(std::chrono::milliseconds(
              std::min(impl->config.reconnect_max_ms, 250 << std::min(attempt, 5))));
        }
      }
    }).detach();
  } catch (const mqtt::exception& e) {
    return Status::invalid("mqtt: " + e.get_message());
  }
  return Status::ok();
}

void MqttAdapter::stopTaking() { impl_->stopping.store(true); }

int MqttAdapter::pending() const { return impl_->pending.load(); }

void MqttAdapter::stop() {
  if (!impl_ || !impl_->client || impl_->disconnected.exchange(true)) return;
  impl_->stopping.store(true);
  try {
    if (impl_->client->is_connected())
      impl_->client->disconnect(std::chrono::milliseconds(1000))->wait_for(std::chrono::seconds(2));
  } catch (const mqtt::exception&) {
  }
}

void MqttAdapter::publish(const std::string& topic, const std::string& payload,
                          std::function<void(bool)> done) {
  struct Listener : public mqtt::iaction_listener {
    std::function<void(bool)> done;
    std::shared_ptr<Listener> keep;
    void on_success(const mqtt::token&) override {
      done(true);
      keep.reset();
    }
    void on_failure(const mqtt::token&) override {
      done(false);
      keep.reset();
    }
  };
  auto listener = std::make_shared<Listener>();
  listener->done = std::move(done);
  listener->keep = listener;
  try {
    impl_->client->publish(topic, payload.data(), payload.size(), 1, false, nullptr, *listener);
  } catch (const mqtt::exception&) {
    impl_->publish_failures.inc();
    listener->keep.reset();
    listener->done(false);
  }
}

}  // namespace xj::mqtt_adapter
