// OutboxDispatcher: delivers pending outbox rows (hub/core/outbox.h) by each partner's channel
// and records what became of every attempt, so that each row ends `delivered` or `dead`.
//
// Thread: ONE delivery thread, started by start() and joined by stop() (main thread). It owns
// the ordering and retry state (routing/delivery/outbox_lanes.h) and a libcurl multi handle on
// which every webhook attempt runs concurrently. It never touches SQLite: rows come to it from
// the store's writer (the outbox listener, after each commit) and from a reader (the resume
// after a restart); outcomes go back through the writer's queue (OutboxStore::recordOutcomes).
// Other threads only append to its inbox under a mutex and wake it (curl_multi_wakeup).
//
// Channels:
// - webhook: POST the body with Idempotency-Key, X-Xianjie-Timestamp, X-Xianjie-Signature
//   (hub/security/webhook_signature.h), X-Xianjie-Kind; 2xx delivered; 408, 429, 5xx, timeouts
//   and connection errors retried (Retry-After, seconds or an HTTP date, honoured as a floor:
//   retry_after.h); any other status dead at once (the receiver refused the message itself;
//   staff may replay after fixing the cause).
// - mqtt: QoS 1 publish through the MQTT adapter, delivered on the broker's PUBACK, with the
//   same values as MQTT 5 user properties.
// - poll (pages only): nothing to push. The rows are left pending in the store, never held,
//   attempted, retried, dead-lettered or counted here; the partner's first GET of the exchange
//   (adapters/http/exchanges_api.cpp) marks them delivered through the writer. A partner
//   switched from poll to a push channel by a reload has the rows left waiting pushed after the
//   hub's next start (the resume reads every pending row).
// - a partner no longer in the directory: dead at once ("unknown partner"), replayable.
// After a restart every pending row is attempted again, when its stored next_attempt_ms comes
// (one in flight at the crash may thus arrive twice: the idempotency key is the receiver's
// defence).
//
// Memory: at most `max_rows_in_memory_per_partner` pending rows of a partner are held. Beyond
// it the partner is held in part: a prefix by id of its pending rows stays in memory, the rest
// in the store, read back by (partner, id) as the held rows drain; ordering per lane is kept
// because nothing above the prefix is held.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "hub/core/clock.h"
#include "hub/core/metrics.h"
#include "hub/core/outbox_store.h"
#include "hub/core/partner_directory.h"
#include "hub/core/status.h"

namespace xj::webhook {

using UserProperties = std::vector<std::pair<std::string, std::string>>;
// Publishes at QoS 1; `done(true)` only on the broker's PUBACK. Called on the delivery thread;
// `done` may run on any thread.
using MqttPublish =
    std::function<void(const std::string& topic, const std::string& payload,
                       const UserProperties& properties, std::function<void(bool ok)> done)>;

struct DispatcherDeps {
  OutboxStore& store;
  // The directory in force (it may be reloaded); read once per loop turn.
  std::function<std::shared_ptr<const PartnerDirectory>()> partners;
  const Clock& clock;  // the hub's clock: signature timestamps and row times
  MetricsRegistry& metrics;
  MqttPublish mqtt_publish;  // empty: MQTT is off, mqtt rows wait (retried) until it is on
};

class OutboxDispatcher {
 public:
  explicit OutboxDispatcher(DispatcherDeps deps);
  ~OutboxDispatcher();

  // Installs the outbox listener and starts the delivery thread, which first reads every
  // pending row back (a restart resumes) and only then starts attempting, so that no lane's
  // later row can overtake an earlier one read back late.
  Status start();
  // Stops the thread: attempts in flight are abandoned (their rows stay pending and are tried
  // again at the next start); outcomes not yet recorded are handed to the store first.
  void stop();

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace xj::webhook
