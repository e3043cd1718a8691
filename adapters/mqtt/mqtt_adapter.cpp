#include "adapters/mqtt/mqtt_adapter.h"

#include <mqtt/async_client.h>
#include <rapidjson/memorystream.h>
#include <rapidjson/reader.h>

#include <boost/asio/post.hpp>

#include <arpa/inet.h>
#include <dirent.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <cctype>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <mutex>
#include <shared_mutex>
#include <thread>

#include "adapters/envelope/exchange_event_codec.h"
#include "adapters/envelope/receipt_codec.h"
#include "adapters/mqtt/paho_token.h"
#include "adapters/mqtt/topics.h"
#include "hub/core/log.h"

namespace xj::mqtt_adapter {
namespace {

// Why a message was answered in Paho's callback, before its payload was copied.
enum class Refusal { kNone, kTooLarge, kBusy };

struct Inbound {
  std::string topic;
  std::string payload;  // empty when refused in the callback
  std::string response_topic;
  std::string correlation;
  bool has_correlation = false;
  size_t bytes = 0;  // payload bytes counted in pending_bytes until the receipt leaves
  Refusal refusal = Refusal::kNone;
  std::string id;  // the sender's id as peeked in the callback (refusals only)
};

// The outcome label of xianjie_mqtt_messages_total for a store outcome.
const char* outcomeName(IngestOutcome o) {
  switch (o) {
    case IngestOutcome::kAccepted:
      return "accepted";
    case IngestOutcome::kDuplicate:
      return "duplicate";
    case IngestOutcome::kConflict:
      return "conflict";
    case IngestOutcome::kUnavailable:
      return "unavailable";
  }
  return "unavailable";
}

// A receipt for a message the hub answers without storing it (the one codec HTTP uses too).
std::string refusal(envelope::ReceiptStatus status, const std::string& id, Problems problems,
                    std::string message) {
  envelope::WireReceipt w;
  w.id = id;
  w.status = status;
  w.problems = std::move(problems);
  w.message = std::move(message);
  return envelope::encodeReceipt(w);
}

// The sender's id, if the payload is a JSON object whose top-level "id" is a string of id
// characters that appears within its first `limit` bytes: so that even a refusal names the
// message. A SAX parse that stops at the id: it costs little, needs no copy of the payload and
// ignores whatever follows (a message malformed further on is still named).
std::string peekId(std::string_view payload, size_t limit) {
  struct Handler : rapidjson::BaseReaderHandler<rapidjson::UTF8<>, Handler> {
    int depth = 0;
    bool at_id = false;  // the last key was the top-level "id"
    std::string id;
    bool Default() { return !at_id; }  // a non-string id: stop
    bool String(const char* s, rapidjson::SizeType n, bool) {
      if (!at_id) return true;
      id.assign(s, n);
      return false;  // found: stop reading
    }
    bool Key(const char* s, rapidjson::SizeType n, bool) {
      at_id = depth == 1 && std::string_view(s, n) == "id";
      return true;
    }
    bool StartObject() { return !at_id && ++depth <= 64; }
    bool EndObject(rapidjson::SizeType) { return --depth > 0; }
    bool StartArray() { return !at_id && ++depth <= 64 && depth > 1; }
    bool EndArray(rapidjson::SizeType) { return --depth > 0; }
  } handler;
  rapidjson::MemoryStream ms(payload.data(), std::min(payload.size(), limit));
  rapidjson::Reader reader;
  reader.Parse<rapidjson::kParseIterativeFlag>(ms, handler);
  if (handler.id.empty() || handler.id.size() > 64) return {};
  for (char ch : handler.id)
    if (!(std::isalnum(static_cast<unsigned char>(ch)) || ch == '.' || ch == '_' || ch == '-' ||
          ch == ':'))
      return {};
  return handler.id;
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
  const reception::Reception& reception;
  const routing::WorkService& service;  // every write: messages and feedback
  const security::TokenRegistry& tokens;
  MetricsRegistry& metrics;
  // Set before start(): told whenever drained() may have turned true (any thread). Declared
  // before the clients so that both outlive a disconnect still pending when they are destroyed.
  std::function<void()> on_settled;
  // Tells on_settled when the disconnect of `in` completes (the token is complete by then).
  struct SettledListener : public mqtt::iaction_listener {
    std::function<void()>* settled = nullptr;
    void on_success(const mqtt::token&) override { tell(); }
    void on_failure(const mqtt::token&) override { tell(); }
    void tell() {
      if (settled && *settled) (*settled)();
    }
  } in_disconnect_listener;
  // Two connections: `in` holds the persistent session and its subscription, `out` publishes
  // receipts (and outbound messages). At shutdown `in` is disconnected first, so that no more
  // messages are taken while `out` still delivers the receipts of those in hand.
  //
  // Lifetimes. Paho's threads still touch a token after a wait on it returns (paho_token.h),
  // so a token the adapter waited on is dropped only once settled; one that did not settle in
  // time is kept in `kept_tokens` until the clients are gone (destroying the last client stops
  // Paho's threads: MQTTAsync_terminate waits for them under Paho's mutex). closeClients()
  // destroys the clients first, then those tokens. Callers of a client on the hub's threads hold
  // `clients_mu` shared and find the pointer null once closeClients() has taken them. Paho's own
  // callbacks never take it: Paho calls some of them holding its mutex, which a caller under
  // `clients_mu` may be waiting for (a lock-order inversion); they use `in_paho`, valid until
  // the client is destroyed, which Paho's mutex orders after any callback in progress.
  std::shared_mutex clients_mu;
  std::unique_ptr<mqtt::async_client> in_client;
  std::unique_ptr<mqtt::async_client> out_client;
  mqtt::async_client* in_paho = nullptr;  // = in_client, set once before connecting; Paho's threads
  std::thread connector;  // the first connect (connectInBackground); joined by closeClients()
  mqtt::connect_options in_options, out_options;  // set before the connecting threads start
  std::atomic<bool> in_connected{false};
  std::atomic<bool> out_connected{false};
  std::atomic<bool> stopping{false};
  std::atomic<bool> disconnected{false};
  std::mutex stop_mu;
  // The disconnect of `in` (stopTaking): asked once; its token, or none when `in` was not
  // connected. Under stop_mu, which is never held while calling Paho.
  bool in_disconnect_asked = false;
  bool in_disconnect_done = false;  // the call to Paho has returned (token set, or it threw)
  mqtt::token_ptr in_disconnect;
  std::condition_variable in_disconnect_cv;  // signals in_disconnect_done
  std::vector<mqtt::token_ptr> kept_tokens;  // tokens that did not settle, under stop_mu
  SettlingTokens unsettled;  // the tokens of publishes nobody waits on (receipts, outbound)
  // Taken at the callback, receipt not yet handed to Paho: messages and their payload bytes.
  std::atomic<int64_t> pending{0};
  std::atomic<int64_t> pending_bytes{0};
  Counter& receipts_out;
  Counter& reconnects;
  Counter& publish_failures;
  Counter& receipt_messages;
  Counter& response_topic_refused;
  Counter& retained_ignored;
  struct Ready {
    std::string body;
    size_t bytes = 0;  // the payload bytes its message still counts in pending_bytes
  };
  // A receipt that travels alone: MQTT 5 correlation data belongs to one message.
  struct Alone {
    std::string topic;
    std::string body;
    std::string correlation;
    size_t bytes = 0;
  };
  std::mutex batch_mu;
  std::map<std::string, std::vector<Ready>> batch;  // topic -> receipts not yet published
  std::vector<Alone> alone;                         // correlated receipts not yet published
  bool flush_posted = false;
  std::atomic<int> connections{0};
  std::mutex counters_mu;
  std::map<std::string, Counter*> outcomes;
  std::map<std::string, Counter*> rejections;

  Impl(const MqttConfig& c, boost::asio::io_context& io, const reception::Reception& in,
       const routing::WorkService& sv, const security::TokenRegistry& t, MetricsRegistry& m)
      : config(c),
        ioc(io),
        reception(in),
        service(sv),
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
                                         "(answered on the default topic)")),
        retained_ignored(m.counter("xianjie_mqtt_retained_ignored_total",
                                   "Retained messages the broker replayed to the hub; ignored, "
                                   "unanswered")) {
    for (const char* kind : {"ticket", "referral", "notification", "unknown"})
      for (const char* o : {"accepted", "duplicate", "conflict", "rejected", "unavailable"})
        outcome(kind, o);
    for (const char* r :
         {"topic", "invalid", "source_mismatch", "no_active_principal", "payload_too_large"})
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

  // The message's receipt has been handed to Paho (or it gets none): it is no longer pending.
  void answered(int64_t messages, int64_t bytes) {
    pending_bytes.fetch_sub(bytes);
    pending.fetch_sub(messages);
    if (on_settled) on_settled();
  }

  // Any thread (an I/O thread, or the writer in a store callback): queues the receipt; the
  // flush, posted once per batch to the I/O threads, hands it to Paho. The writer never calls
  // Paho (its publish takes Paho's mutex, which its receive thread may hold for a while).
  void sendReceipt(const Inbound& in, const std::string& org, std::string body) {
    if (org.empty()) return answered(1, in.bytes);  // not one of our topics: nobody to answer
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
    // Receipts for the same topic that become ready together (one commit's worth: the writer
    // calls the store callbacks back to back) leave as one MQTT message holding a JSON array.
    // A Paho publish costs tens of microseconds; one per receipt would cap the rate.
    std::lock_guard lock(batch_mu);
    if (config.protocol == 5 && in.has_correlation)
      alone.push_back({std::move(topic), std::move(body), in.correlation, in.bytes});
    else
      batch[topic].push_back({std::move(body), in.bytes});
    if (!flush_posted) {
      flush_posted = true;
      boost::asio::post(ioc, [self = shared_from_this()] { self->flushReceipts(); });
    }
  }

  // An I/O thread: publishes every receipt queued since the last flush.
  void flushReceipts() {
    std::map<std::string, std::vector<Ready>> ready;
    std::vector<Alone> single;
    {
      std::lock_guard lock(batch_mu);
      ready.swap(batch);
      single.swap(alone);
      flush_posted = false;
    }
    for (auto& a : single) {
      mqtt::properties props;
      props.add(mqtt::property(mqtt::property::CORRELATION_DATA, a.correlation));
      publishReceipts(a.topic, a.body, std::move(props));
      answered(1, static_cast<int64_t>(a.bytes));
    }
    for (auto& [topic, receipts] : ready) {
      std::string payload;
      int64_t bytes = 0;
      for (const auto& r : receipts) bytes += static_cast<int64_t>(r.bytes);
      if (receipts.size() == 1) {
        payload = std::move(receipts[0].body);
      } else {
        size_t total = 2;
        for (const auto& r : receipts) total += r.body.size() + 1;
        payload.reserve(total);
        payload += '[';
        for (size_t i = 0; i < receipts.size(); ++i) {
          if (i) payload += ',';
          payload += receipts[i].body;
        }
        payload += ']';
      }
      publishReceipts(topic, payload, {});
      answered(static_cast<int64_t>(receipts.size()), bytes);
    }
  }

  void publishReceipts(const std::string& topic, const std::string& payload,
                       mqtt::properties props) {
    try {
      // Never retained: a receipt is for its publisher now, not for whoever subscribes later.
      auto builder =
          mqtt::message_ptr_builder().topic(topic).payload(payload).qos(1).retained(false);
      if (!props.empty()) builder.properties(std::move(props));
      std::shared_lock lock(clients_mu);
      if (!out_client) throw mqtt::exception(MQTTASYNC_DISCONNECTED);  // closed at shutdown
      unsettled.add(*out_client, out_client->publish(builder.finalize()));
      receipt_messages.inc();
    } catch (const mqtt::exception& e) {
      // Not connected and the offline buffer is full: the publisher's resend will get the
      // original receipt, so nothing is lost by dropping this one.
      publish_failures.inc();
      log::warn("mqtt_receipt_not_sent", {{"reason", std::to_string(e.get_reason_code())}});
    }
  }

  // Paho's receive thread (it holds Paho's lock, and the broker's PUBACK leaves only when this
  // returns): decide what needs no payload copy, copy the rest and post it to the io_context.
  // Every message that reaches here is answered: Paho has taken it from the broker.
  void take(const mqtt::const_message_ptr& msg) {
    if (msg->is_retained()) {
      // The broker forwards a live message with the retain flag cleared, so this is a replay on
      // (re)subscribing: a copy of one taken when it was published, or one published while the
      // hub was away, which holds no receipt and so is resent by its publisher. Ignore it.
      retained_ignored.inc();
      return;
    }
    const std::string& payload = msg->get_payload_str();  // a reference: no copy yet
    auto in = std::make_shared<Inbound>();
    in->topic = msg->get_topic();
    const auto& props = msg->get_properties();
    if (props.contains(mqtt::property::RESPONSE_TOPIC))
      in->response_topic = mqtt::get<std::string>(props, mqtt::property::RESPONSE_TOPIC);
    if (props.contains(mqtt::property::CORRELATION_DATA)) {
      in->correlation = mqtt::get<std::string>(props, mqtt::property::CORRELATION_DATA);
      in->has_correlation = true;
    }
    const auto size = static_cast<int64_t>(payload.size());
    if (payload.size() > config.max_payload_bytes) {
      in->refusal = Refusal::kTooLarge;
    } else if (pending.load() >= config.max_pending ||
               pending_bytes.load() + size > static_cast<int64_t>(config.max_pending_bytes)) {
      in->refusal = Refusal::kBusy;
    }
    pending.fetch_add(1);
    if (in->refusal != Refusal::kNone) {
      in->id = peekId(payload, 4096);  // a bounded look, on Paho's thread
    } else {
      in->payload = payload;
      in->bytes = payload.size();
      pending_bytes.fetch_add(size);
    }
    boost::asio::post(ioc, [self = shared_from_this(), in] { self->handle(in); });
  }

  void handle(std::shared_ptr<Inbound> in) {
    std::string org, why;
    auto topic = parseInboundTopic(config.topic_prefix, in->topic, org, why);
    const std::string id =
        in->refusal == Refusal::kNone ? peekId(in->payload, in->payload.size()) : in->id;
    if (!topic) {
      outcome("unknown", "rejected").inc();
      rejection("topic").inc();
      log::info("mqtt_rejected", {{"reason", "topic"}});
      return sendReceipt(*in, org,
                         refusal(envelope::ReceiptStatus::kRejected, id, {{"topic", why}},
                                 "not an inbound topic"));
    }
    const std::string kind(toString(topic->kind));
    if (in->refusal == Refusal::kTooLarge) {
      outcome(kind, "rejected").inc();
      rejection("payload_too_large").inc();
      log::info("mqtt_rejected", {{"org", org}, {"reason", "payload_too_large"}});
      return sendReceipt(*in, org,
                         refusal(envelope::ReceiptStatus::kRejected, id,
                                 {{"", "payload too large: at most " +
                                           std::to_string(config.max_payload_bytes) + " bytes"}},
                                 "payload too large"));
    }
    if (in->refusal == Refusal::kBusy) {
      outcome(kind, "unavailable").inc();
      return sendReceipt(*in, org,
                         refusal(envelope::ReceiptStatus::kUnavailable, id, {},
                                 "the hub is busy: send it again later"));
    }
    // The broker's password and ACL files are a snapshot: a revoked organisation may still be
    // able to publish. Refuse it here, with the same registry that HTTP verifies tokens against.
    auto role = parseRole(topic->role);
    if (!role || !tokens.hasActive(topic->org, *role, reception.clock().now())) {
      outcome(kind, "rejected").inc();
      rejection("no_active_principal").inc();
      log::info("mqtt_rejected", {{"org", org}, {"reason", "no_active_principal"}});
      return sendReceipt(*in, org,
                         refusal(envelope::ReceiptStatus::kRejected, id,
                                 {{"topic", "organisation " + org + " holds no active " +
                                                topic->role + " token (revoked or never made)"}},
                                 "the publishing organisation is not authorized"));
    }
    if (topic->feedback) return feedback(in, org, id);
    IngestRecord record;
    Problems problems;
    // The topic's org is the sender (the broker's ACL): its own rules apply as over HTTP.
    auto parsed = reception.prepareFrom(topic->org, in->payload, topic->kind, record, problems);
    if (parsed != envelope::ParseOutcome::kOk) {
      outcome(kind, "rejected").inc();
      rejection("invalid").inc();
      log::info("mqtt_rejected",
                {{"org", org}, {"kind", kind}, {"problems", std::to_string(problems.size())}});
      return sendReceipt(*in, org,
                         refusal(envelope::ReceiptStatus::kRejected, id, problems,
                                 std::to_string(problems.size()) + " problem(s) in the message"));
    }
    if (record.source != topic->org) {
      outcome(kind, "rejected").inc();
      rejection("source_mismatch").inc();
      log::info("mqtt_rejected", {{"org", org}, {"reason", "source_mismatch"}});
      return sendReceipt(*in, org,
                         refusal(envelope::ReceiptStatus::kRejected, id,
                                 {{"/source", "does not match the topic's organisation"}},
                                 "source must be the publishing organisation"));
    }
    in->payload = std::string();  // the record holds what is stored
    auto self = shared_from_this();
    bool queued = service.ingest(std::move(record), [self, in, org, id, kind](IngestResult r) {
      // Writer thread: the receipt is a few hundred bytes encoded here and queued; the flush
      // (once per batch, not per message) publishes it from an I/O thread.
      self->outcome(kind, outcomeName(r.outcome)).inc();
      auto receipt = envelope::receiptFor(r);
      if (receipt.id.empty()) receipt.id = id;
      self->sendReceipt(*in, org, envelope::encodeReceipt(receipt));
    });
    if (!queued) {
      outcome(kind, "unavailable").inc();
      sendReceipt(*in, org,
                  refusal(envelope::ReceiptStatus::kUnavailable, id, {},
                          "the hub is busy: send it again later"));
    }
  }

  // A charity's report on one of its exchanges: the same codec and policy as
  // POST /v1/exchanges/{id}/events, as the partner side; answered with a receipt.
  void feedback(const std::shared_ptr<Inbound>& in, const std::string& org, const std::string& id) {
    ExchangeCommand cmd;
    Problems problems;
    if (envelope::parseExchangeEventJson(in->payload, cmd, problems) && cmd.exchange_id <= 0)
      problems.push_back({"/exchange", "is required: the exchange id (ex-N)"});
    if (!problems.empty()) {
      outcome("feedback", "rejected").inc();
      rejection("invalid").inc();
      log::info(
          "mqtt_rejected",
          {{"org", org}, {"kind", "feedback"}, {"problems", std::to_string(problems.size())}});
      return sendReceipt(*in, org,
                         refusal(envelope::ReceiptStatus::kRejected, id, problems,
                                 std::to_string(problems.size()) + " problem(s) in the feedback"));
    }
    in->payload = std::string();
    cmd.party = ExchangeParty::kPartner;
    cmd.partner_org = org;
    cmd.caller_org = org;
    cmd.actor = org;
    auto self = shared_from_this();
    bool queued = service.report(std::move(cmd), [self, in, org, id](ExchangeCommandResult r) {
      // Writer thread: the receipt is queued (sendReceipt), as for messages.
      switch (r.outcome) {
        case ExchangeCommandOutcome::kOk:
          self->outcome("feedback", "accepted").inc();
          return self->sendReceipt(
              *in, org,
              refusal(envelope::ReceiptStatus::kAccepted, id, {},
                      r.exchange.ex_id + " is " + std::string(toString(r.exchange.state))));
        case ExchangeCommandOutcome::kNotFound:
          self->outcome("feedback", "rejected").inc();
          return self->sendReceipt(
              *in, org,
              refusal(envelope::ReceiptStatus::kRejected, id,
                      {{"/exchange", "no such exchange of yours"}}, "no such exchange"));
        case ExchangeCommandOutcome::kConflict:
          self->outcome("feedback", "rejected").inc();
          return self->sendReceipt(*in, org,
                                   refusal(envelope::ReceiptStatus::kRejected, id,
                                           {{r.path, r.problem}}, "not a legal move"));
        case ExchangeCommandOutcome::kEventIdReused:
          self->outcome("feedback", "conflict").inc();
          return self->sendReceipt(*in, org,
                                   refusal(envelope::ReceiptStatus::kConflict, id,
                                           {{r.path, r.problem}}, "the id names another event"));
        case ExchangeCommandOutcome::kUnavailable:
          self->outcome("feedback", "unavailable").inc();
          return self->sendReceipt(*in, org,
                                   refusal(envelope::ReceiptStatus::kUnavailable, id, {},
                                           "not stored: send it again later"));
      }
    });
    if (!queued) {
      outcome("feedback", "unavailable").inc();
      sendReceipt(*in, org,
                  refusal(envelope::ReceiptStatus::kUnavailable, id, {},
                          "the hub is busy: send it again later"));
    }
  }

  void subscribe() {
    std::string filter = inboundFilter(config.topic_prefix, config.shared_group);
    try {
      in_paho->subscribe(filter, 1);  // Paho's thread (on connect): see in_paho
      log::info("mqtt_subscribed", {{"filter", filter}});
    } catch (const mqtt::exception& e) {
      log::warn("mqtt_subscribe_failed", {{"reason", std::to_string(e.get_reason_code())}});
    }
  }

  // The first connect may fail (broker not up yet): keep trying in the background, so the hub
  // starts anyway and /readyz says not ready until the broker answers. Paho's automatic
  // reconnect takes over once connected. One thread asks for both connections (Paho C's connect
  // is not safe to call from two threads at once: it crashed copying the options' properties).
  // The thread is joined by closeClients(), so it never outlives the clients: it gives up when
  // the hub stops, waiting at most kConnectGrace for a connect already under way.
  void connectInBackground() {
    connector = std::thread([this] {
      bool connected[2] = {false, false};  // out, in
      for (int attempt = 0; !stopping.load(); ++attempt) {
        // Both connects are asked before either is waited on: Paho's receive thread takes up a
        // new socket only on its next turn (up to a second), so waiting for `out` before asking
        // for `in` cost a second at every start. `out` is asked first; a receipt ready before
        // it is up waits in Paho's offline buffer.
        mqtt::token_ptr asked[2];
        std::string error;
        for (int i : {0, 1})
          if (!connected[i]) asked[i] = startConnect(i == 1, error);
        for (int i : {0, 1})
          if (asked[i]) connected[i] = waitConnected(asked[i], error);
        if (connected[0] && connected[1]) return;
        if (attempt == 0 && !stopping.load())
          log::warn("mqtt_connect_failed", {{"uri", config.uri}, {"reason", error}});
        for (int slept = 0, pause = std::min(config.reconnect_max_ms, 250 << std::min(attempt, 5));
             slept < pause && !stopping.load(); slept += 50)
          std::this_thread::sleep_for(std::chrono::milliseconds(50));
      }
    });
  }

  // Asks Paho to connect `in` or `out`; the token, or null with why in `error`. Connector thread.
  mqtt::token_ptr startConnect(bool in, std::string& error) {
    try {
      std::shared_lock lock(clients_mu);
      auto* client = in ? in_client.get() : out_client.get();
      if (!client) return nullptr;
      return client->connect(in ? in_options : out_options);  // the client keeps it too
    } catch (const mqtt::exception& e) {
      error = e.get_message();
      return nullptr;
    }
  }

  // Waits for a connect; true when connected, else why in `error`. Once the hub stops, waits at
  // most kConnectGrace more. Connector thread.
  bool waitConnected(const mqtt::token_ptr& token, std::string& error) {
    static constexpr auto kConnectGrace = std::chrono::seconds(2);
    auto stopped_at = std::chrono::steady_clock::time_point::max();
    try {
      while (!token->wait_for(std::chrono::milliseconds(50))) {
        if (!stopping.load()) continue;
        auto now = std::chrono::steady_clock::now();
        if (stopped_at == std::chrono::steady_clock::time_point::max()) stopped_at = now;
        if (now - stopped_at > kConnectGrace) return false;
      }
      return true;
    } catch (const mqtt::exception& e) {
      error = e.get_message();  // refused or unreachable: the caller retries with backoff
      return false;
    }
  }

  // Waits for a token of `client` to settle (see paho_token.h); one that does not in time is kept
  // until the clients are destroyed. `ours`: the references the caller holds.
  void settleOrKeep(mqtt::async_client& client, const mqtt::token_ptr& token, long ours) {
    if (settleToken(client, token, ours, std::chrono::seconds(2))) return;
    std::lock_guard lock(stop_mu);
    kept_tokens.push_back(token);
  }

  // The last step of shutdown (the adapter's destructor): joins the connector, destroys both
  // clients (which stops Paho's threads), then the tokens Paho's threads may have touched.
  void closeClients() {
    stopping.store(true);
    if (connector.joinable()) connector.join();
    {
      // No disconnectIn() may call `in` from now on, and none may still be inside Paho.
      std::unique_lock lock(stop_mu);
      in_disconnect_cv.wait_for(lock, std::chrono::seconds(2),
                                [&] { return !in_disconnect_asked || in_disconnect_done; });
      in_disconnect_asked = true;
    }
    std::unique_ptr<mqtt::async_client> in, out;
    {
      std::unique_lock lock(clients_mu);
      in = std::move(in_client);
      out = std::move(out_client);
    }
    in.reset();
    out.reset();
    unsettled.clear();
    std::lock_guard lock(stop_mu);
    in_disconnect.reset();
    kept_tokens.clear();
  }

  // Stops `in` from taking messages: those the broker has not yet handed over stay with it (in
  // the hub's session) for the next start. Any thread, Paho's included (on a connect that came
  // after the stop signal); returns at once. No lock is held while calling Paho.
  void disconnectIn() {
    {
      std::lock_guard lock(stop_mu);
      if (in_disconnect_asked || !in_paho) return;
      in_disconnect_asked = true;
    }
    mqtt::token_ptr token;
    try {
      in_disconnect_listener.settled = &on_settled;
      token = in_paho->disconnect(0, nullptr, in_disconnect_listener);
    } catch (const mqtt::exception&) {
      // Not connected: nothing comes in.
    }
    {
      std::lock_guard lock(stop_mu);
      in_disconnect = token;
      in_disconnect_done = true;
    }
    in_disconnect_cv.notify_all();
    // drained() waits for in_disconnect_done too: the listener may have told before it was set.
    if (on_settled) on_settled();
  }

  // The disconnect of `in` once the call to Paho has returned (null if `in` was not connected,
  // or if it was never asked); waits at most `timeout` for a call under way on another thread.
  mqtt::token_ptr inDisconnect(std::chrono::milliseconds timeout) {
    std::unique_lock lock(stop_mu);
    in_disconnect_cv.wait_for(lock, timeout,
                              [&] { return !in_disconnect_asked || in_disconnect_done; });
    return in_disconnect;
  }
};

MqttAdapter::MqttAdapter(const MqttConfig& config, boost::asio::io_context& ioc,
                         const reception::Reception& reception, const routing::WorkService& service,
                         const security::TokenRegistry& tokens, MetricsRegistry& metrics)
    : impl_(std::make_shared<Impl>(config, ioc, reception, service, tokens, metrics)) {}

MqttAdapter::~MqttAdapter() {
  stop();
  if (impl_) impl_->closeClients();
}

bool MqttAdapter::connected() const {
  return impl_->in_connected.load() && impl_->out_connected.load();
}

Status MqttAdapter::start() {
  auto& c = impl_->config;
  auto impl = impl_;
  impl->metrics.gauge("xianjie_mqtt_connected", "1 while connected to the broker", [impl] {
    return impl->in_connected.load() && impl->out_connected.load() ? 1.0 : 0.0;
  });
  impl->metrics.gauge("xianjie_mqtt_pending", "MQTT messages taken and not yet answered",
                      [impl] { return static_cast<double>(impl->pending.load()); });
  impl->metrics.gauge("xianjie_mqtt_pending_bytes", "Payload bytes of the MQTT messages pending",
                      [impl] { return static_cast<double>(impl->pending_bytes.load()); });
  try {
    const int version = c.protocol == 5 ? MQTTVERSION_5 : MQTTVERSION_3_1_1;
    // Receipts published while the broker is away wait in Paho's offline buffer.
    mqtt::create_options create(version, 100'000);
    impl->in_client = std::make_unique<mqtt::async_client>(c.uri, c.client_id, create, nullptr);
    impl->in_paho = impl->in_client.get();
    impl->out_client =
        std::make_unique<mqtt::async_client>(c.uri, c.client_id + "-out", create, nullptr);
    auto options = [&](bool persistent) {
      auto builder = mqtt::connect_options_builder()
                         .mqtt_version(version)
                         .keep_alive_interval(std::chrono::seconds(c.keepalive_s))
                         .automatic_reconnect(std::chrono::milliseconds(c.reconnect_min_ms),
                                              std::chrono::milliseconds(c.reconnect_max_ms))
                         .max_inflight(1000);
      if (c.protocol == 5) {
        // `in`: a persistent session, so the broker keeps our subscription and queues QoS 1
        // messages while the hub is down or restarting. `out` keeps nothing.
        builder.clean_start(!persistent);  // session expiry: set below, on the kept options
      } else {
        builder.clean_session(!persistent);
      }
      if (!c.username.empty()) builder.user_name(c.username);
      if (!c.password.empty()) builder.password(c.password);
      if (!c.tls_ca.empty() || !c.tls_cert.empty()) {
        auto ssl = mqtt::ssl_options_builder();
        // Paho checks the chain only; `verify` adds the check that the certificate names the
        // host in mqtt.uri, without which any certificate of the CA would pass for the broker.
        if (!c.tls_ca.empty()) ssl.trust_store(c.tls_ca).enable_server_cert_auth(true).verify(true);
        if (!c.tls_cert.empty()) ssl.key_store(c.tls_cert).private_key(c.tls_key);
        builder.ssl(ssl.finalize());
      }
      return builder.finalize();
    };
    std::weak_ptr<Impl> weak = impl;
    auto on_connected = [weak](bool in) {
      auto self = weak.lock();
      if (!self) return;
      if (self->connections.fetch_add(1) > 1) self->reconnects.inc();
      (in ? self->in_connected : self->out_connected).store(true);
      disableNagleTowards(self->config.uri);
      log::info("mqtt_connected", {{"uri", self->config.uri}, {"connection", in ? "in" : "out"}});
      if (!in) return;
      // Connected after the stop signal (a first connect that was under way): take nothing.
      if (self->stopping.load()) return self->disconnectIn();
      self->subscribe();  // the session keeps it; subscribing again is harmless and covers a lost
                          // session
    };
    auto on_lost = [weak](bool in) {
      auto self = weak.lock();
      if (!self) return;
      (in ? self->in_connected : self->out_connected).store(false);
      log::warn("mqtt_connection_lost",
                {{"uri", self->config.uri}, {"connection", in ? "in" : "out"}});
    };
    impl->in_client->set_connected_handler(
        [on_connected](const std::string&) { on_connected(true); });
    impl->out_client->set_connected_handler(
        [on_connected](const std::string&) { on_connected(false); });
    impl->in_client->set_connection_lost_handler([on_lost](const std::string&) { on_lost(true); });
    impl->out_client->set_connection_lost_handler(
        [on_lost](const std::string&) { on_lost(false); });
    impl->in_client->set_disconnected_handler(
        [on_lost](const mqtt::properties&, mqtt::ReasonCode) { on_lost(true); });
    impl->out_client->set_disconnected_handler(
        [on_lost](const mqtt::properties&, mqtt::ReasonCode) { on_lost(false); });
    impl->in_client->set_message_callback([weak](mqtt::const_message_ptr msg) {
      if (auto self = weak.lock()) self->take(msg);
    });
    // paho.mqtt.cpp 1.2 copies a connect_options' pointer to its properties verbatim: a copy
    // points into the original. Keep the originals alive in Impl and set the properties on them
    // in place, so that every copy Paho makes points at live properties.
    impl->in_options = options(true);
    impl->out_options = options(false);
    if (c.protocol == 5) {
      for (bool persistent : {true, false}) {
        mqtt::properties props;
        props.add(mqtt::property(mqtt::property::SESSION_EXPIRY_INTERVAL,
                                 static_cast<uint32_t>(persistent ? c.session_expiry_s : 0)));
        (persistent ? impl->in_options : impl->out_options).set_properties(std::move(props));
      }
    }
    impl->connectInBackground();
  } catch (const mqtt::exception& e) {
    return Status::invalid("mqtt: " + e.get_message());
  }
  return Status::ok();
}

void MqttAdapter::stopTaking() {
  impl_->stopping.store(true);
  impl_->disconnectIn();
}

bool MqttAdapter::drained() const {
  {
    std::lock_guard lock(impl_->stop_mu);
    if (impl_->in_disconnect_asked && !impl_->in_disconnect_done) return false;
    if (impl_->in_disconnect && !impl_->in_disconnect->is_complete()) return false;
  }
  return impl_->pending.load() == 0;
}

int MqttAdapter::pending() const { return static_cast<int>(impl_->pending.load()); }

void MqttAdapter::setOnSettled(std::function<void()> fn) { impl_->on_settled = std::move(fn); }

void MqttAdapter::stop() {
  if (!impl_ || impl_->disconnected.exchange(true)) return;
  Impl& impl = *impl_;
  std::shared_lock clients(impl.clients_mu);
  if (!impl.out_client) return;  // never started
  impl.stopping.store(true);
  clients.unlock();
  impl.disconnectIn();
  clients.lock();
  mqtt::token_ptr in_done = impl.inDisconnect(std::chrono::seconds(2));
  // Held twice: here and in impl.in_disconnect (drained() reads it).
  if (in_done) impl.settleOrKeep(*impl.in_client, in_done, 2);
  mqtt::token_ptr out_done;
  try {
    // Gives the receipts already handed to Paho a moment to reach the broker.
    if (impl.out_client->is_connected()) out_done = impl.out_client->disconnect(1000);
  } catch (const mqtt::exception&) {
  }
  if (out_done) impl.settleOrKeep(*impl.out_client, out_done, 1);
}

void MqttAdapter::publish(const std::string& topic, const std::string& payload,
                          const std::vector<std::pair<std::string, std::string>>& user_properties,
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
    auto builder = mqtt::message_ptr_builder().topic(topic).payload(payload).qos(1).retained(false);
    if (impl_->config.protocol == 5 && !user_properties.empty()) {
      mqtt::properties props;
      for (const auto& [name, value] : user_properties)
        props.add(mqtt::property(mqtt::property::USER_PROPERTY, name, value));
      builder.properties(std::move(props));
    }
    std::shared_lock lock(impl_->clients_mu);
    if (!impl_->out_client) throw mqtt::exception(MQTTASYNC_DISCONNECTED);  // closed at shutdown
    impl_->unsettled.add(*impl_->out_client,
                         impl_->out_client->publish(builder.finalize(), nullptr, *listener));
  } catch (const mqtt::exception&) {
    impl_->publish_failures.inc();
    listener->keep.reset();
    listener->done(false);
  }
}

}  // namespace xj::mqtt_adapter
