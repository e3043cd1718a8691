// MqttAdapter: charities, agencies and hotline stations publish to the broker; the hub stores
// each message through the same intake and work service as HTTP and answers with a receipt.
//
// The receipt, not the PUBACK, is the promise: Paho acknowledges a message as soon as our
// callback returns, which only copies it (Paho C 1.3 sends the PUBACK right after the callback;
// a callback that returned false would be acknowledged anyway), so the hub publishes a receipt
// (envelope/receipt_codec.h: accepted, possibly duplicate, conflict, rejected with every problem,
// or unavailable) only after the commit that holds the message, to the MQTT 5 response topic with
// the correlation data, else to PREFIX/out/{org}/receipts. Publishers resend until they hold a
// receipt; idempotency makes that safe.
//
// Who may publish what: the broker's ACL lets each org publish only under its own topics, so
// the topic's org is the authenticated principal; a message whose `source` differs is rejected,
// and the sender's own rules of the reception apply as over HTTP (a listed agency's signals).
// The ACL and passwords are a snapshot (`xianjie mqtt-acl`), so the hub also refuses a message
// whose topic's org has no unrevoked token of the topic's role: revocation takes effect over
// MQTT as soon as over HTTP (the same TokenRegistry, refreshed once a second).
//
// Feedback: a charity's report on one of its exchanges (PREFIX/in/charity/{org}/feedback, the
// body of POST /v1/exchanges/{id}/events plus `exchange`: "ex-N" and an optional `id`) goes to
// the work service's report(), as the partner side, exactly like the HTTP endpoint; the
// receipt says accepted (with the new state) or rejected with the problems (an illegal move
// names the state and the legal moves; another org's exchange is "no such exchange"). The `id`
// is the event id too: a resend is answered with the original receipt and changes nothing, the
// id reused for another event gets a conflict receipt.
//
// Limits, at Paho's callback (before any copy): a payload over `max_payload_bytes` is answered
// `rejected` ("payload too large"); beyond `max_pending` messages or `max_pending_bytes` held
// and not yet answered, `unavailable`. Retained messages (the broker's replays) are ignored and
// counted; receipts are never published retained.
//
// Threads: Paho's callback thread applies the limits, copies the message and posts it to the
// hub's io_context; parsing and the intake happen there. The store callback (writer thread)
// encodes the receipt and queues it; one flush per batch, posted to the io_context, publishes.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <boost/asio/io_context.hpp>

#include "adapters/reception/reception.h"
#include "config/hub_config.h"
#include "hub/core/metrics.h"
#include "hub/core/status.h"
#include "hub/security/token_registry.h"
#include "routing/work/work_service.h"

namespace xj::mqtt_adapter {

class MqttAdapter {
 public:
  MqttAdapter(const MqttConfig& config, boost::asio::io_context& ioc,
              const reception::Reception& reception, const routing::WorkService& service,
              const security::TokenRegistry& tokens, MetricsRegistry& metrics);
  ~MqttAdapter();

  // Starts connecting (and keeps reconnecting with backoff); returns at once.
  Status start();
  // Shutdown, step 1: disconnects the inbound connection, so the hub takes no more messages;
  // those the broker has not handed over stay queued in the hub's persistent session for the
  // next start. Every message taken before is still stored and answered. Any thread.
  void stopTaking();
  // Shutdown, step 2: the inbound connection is closed and every message taken has its receipt
  // handed to Paho. Wait for it with setOnSettled rather than polling.
  bool drained() const;
  // Called (on Paho's or an I/O thread) whenever drained() may have turned true: a receipt handed
  // to Paho, the inbound disconnect completed. Set before start().
  void setOnSettled(std::function<void()> fn);
  // Messages taken (at Paho's callback) whose receipt is not yet handed to Paho.
  int pending() const;
  // Shutdown, step 3: disconnects, giving the receipts already handed to Paho a moment to go.
  // The destructor then joins the connecting thread and destroys the Paho clients before any
  // token Paho's threads may still touch (paho_token.h); publishing after that fails cleanly.
  void stop();
  bool connected() const;

  // Outbound: publishes at QoS 1 and calls `done(true)` only when the broker's PUBACK arrived
  // (`false` on failure). For the outbox: a row is marked delivered only then. With MQTT 5 the
  // `user_properties` go along (the outbox's idempotency key and signature); MQTT 3.1.1 has no
  // properties and sends the payload alone. Never retained. Any thread.
  void publish(const std::string& topic, const std::string& payload,
               const std::vector<std::pair<std::string, std::string>>& user_properties,
               std::function<void(bool)> done);

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;  // shared with Paho callbacks and posted work
};

}  // namespace xj::mqtt_adapter
