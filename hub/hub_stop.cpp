// Shutdown: the drain wait, then one ordered stop of whatever was started (also after a failed
// start). The order is hub/THREADS.md's, which is not the reverse of the start: the delivery
// thread starts before anything is served (no row committed meanwhile may be missed) yet must
// stop before MQTT, through which it publishes, and before the store, through which it records.
#include <csignal>
#include <thread>

#include "hub/core/log.h"
#include "hub/hub_state.h"

namespace xj {

void awaitShutdown(HubState& s) {
  s.shutdown.waitRequested();
  // Every received request answered, and MQTT drained: the inbound connection closed at the
  // signal, so nothing new comes in; every message taken before is stored and its receipt handed
  // to Paho before the receipts' connection closes. Bounded, so that a stuck client cannot hold
  // the process forever. The adapters poke the latch as each of these changes.
  s.shutdown.waitUntil(std::chrono::steady_clock::now() + std::chrono::seconds(20), [&s] {
    return s.server->inFlight() == 0 && (!s.mqtt || s.mqtt->drained());
  });
}

namespace {

void stopMqtt(HubState& s) {
  if (!s.mqtt) return;
  if (!s.mqtt->drained())
    log::warn("mqtt_not_drained", {{"pending", std::to_string(s.mqtt->pending())}});
  s.mqtt->stop();
}

void stopIo(HubState& s) {
  // Give the last responses a moment to reach their sockets before the loop stops.
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  s.work.reset();
  if (s.sweep_timer) s.sweep_timer->cancel();
  if (s.key_timer) s.key_timer->cancel();
  if (s.hangups) s.hangups->cancel();
  s.ioc.stop();
  for (auto& t : s.io_threads) t.join();
  s.io_threads.clear();
  // A second SIGTERM/SIGINT (an impatient supervisor, a test) must not kill the rest of the
  // drain: the signal_set would restore the default action when destroyed, so clear it now and
  // ignore both signals for the rest of the process.
  boost::system::error_code ignored;
  s.stop_signals->clear(ignored);
  ::signal(SIGTERM, SIG_IGN);
  ::signal(SIGINT, SIG_IGN);
}

}  // namespace

void stop(HubState& s) {
  const bool served = !s.io_threads.empty();
  s.notify.stop();  // first: its probes look at the store and the io_context stopped below
  if (s.dispatcher) s.dispatcher->stop();
  if (served) {
    stopMqtt(s);
    stopIo(s);
  }
  if (s.backups) s.backups->stop();  // a backup under way finishes; none starts after
  if (s.access) s.access->flush();   // the last reads' records, before the writer stops
  if (s.store) s.store->stop();      // commits anything still queued
  if (s.access && s.access->waiting() > 0)
    log::warn("access_records_lost", {{"count", std::to_string(s.access->waiting())}});
  if (s.refresher) s.refresher->stop();
  if (served) log::info("stopped", {{"in_flight_left", std::to_string(s.server->inFlight())}});
}

}  // namespace xj
