// MqttAdapter: charities, agencies and hotline stations publish to the broker; the hub stores
// each message through the same intake and store as HTTP and answers with a receipt.
//
// The receipt, not the PUBACK, is the promise: Paho acknowledges a message before our callback
// has run (paho.mqtt.c #522), so the hub publishes a receipt (accepted, duplicate, conflict,
// rejected with every problem, or unavailable) only after the commit that holds the message,
// to the MQTT 5 response topic with the correlation data, else to PREFIX/out/{org}/receipts.
// Publishers resend until they hold a receipt; idempotency makes that safe.
//
// Who may publish what: the broker's ACL lets each org publish only under its own topics, so
// the topic's org is the authenticated principal; a message whose `source` differs is rejected.
// The ACL and passwords are a snapshot (`xianjie mqtt-acl`), so the hub also refuses a message
// whose topic's org has no unrevoked token of the topic's role: revocation takes effect over
// MQTT as soon as over HTTP (the same TokenRegistry, refreshed once a second).
//
// Threads: Paho's callback thread only copies the message and posts it to the hub's
// io_context; parsing, intake and publishing happen there; store callbacks post back to it.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <string>

#include <boost/asio/io_context.hpp>

#include "adapters/inbound/inbound.h"
#include "config/hub_config.h"
#include "hub/core/message_store.h"
#include "hub/core/metrics.h"
#include "hub/core/status.h"
#include "hub/security/token_registry.h"

namespace xj::mqtt_adapter {

class MqttAdapter {
 public:
  MqttAdapter(const MqttConfig& config, boost::asio::io_context& ioc,
              const inbound::Inbound& intake, MessageStore& store,
              const security::TokenRegistry& tokens, MetricsRegistry& metrics);
  ~MqttAdapter();

  // Starts connecting (and keeps reconnecting with backoff); returns at once.
  Status start();
  // Shutdown, step 1: messages that arrive from now on are left unanswered (their publishers
  // resend; the broker keeps them for our session only if not yet delivered).
  void stopTaking();
  // Received messages whose receipt is not yet published.
  int pending() const;
  // Shutdown, step 2: disconnects, giving the receipts already handed to Paho a moment to go.
  void stop();
  bool connected() const;

  // Outbound: publishes at QoS 1 and calls `done(true)` only when the broker's PUBACK arrived
  // (`false` on failure). For the outbox: a row is marked delivered only then. Any thread.
  void publish(const std::string& topic, const std::string& payload,
               std::function<void(bool)> done);

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;  // shared with Paho callbacks and posted work
};

}  // namespace xj::mqtt_adapter
