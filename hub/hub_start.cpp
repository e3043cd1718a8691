// Start: each step builds one part of HubState and returns non-OK to end the start there; stop()
// (hub_stop.cpp) then stops whatever the earlier steps started.
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>

#include <atomic>

#include <csignal>
#include <memory>

#include "adapters/envelope/outbound_codec.h"
#include "hub/core/backup_metrics.h"
#include "hub/core/log.h"
#include "hub/core/time_format.h"
#include "hub/hub_state.h"
#include "hub/start_files.h"
#include "hub/storage/fault_vfs.h"
#include "hub/store_size_metrics.h"
#include "routing/intake/intake.h"

namespace xj {
namespace {

// The files, through the one loader --check-config uses too (hub/start_files.h).
Status loadFiles(HubState& s) {
  const auto& cfg = s.config;
  Problems problems;
  StartFiles files;
  if (auto st = loadStartFiles(cfg, files, problems); !st.isOk())
    return Status::invalid(st.message() + ":\n" + formatProblems(problems));
  s.standards_at_start = files.standards;
  s.routes = std::make_unique<routing::RouteTableHolder>(files.routes);
  s.partners = std::make_unique<PartnerDirectoryHolder>(files.partners);
  s.places = files.places;
  s.keys.emplace(std::move(*files.keys));
  s.kek.emplace(std::move(*files.kek));
  s.reception = std::make_unique<reception::Reception>(
      s.standards_at_start, s.standards_at_start->townships, *s.routes, s.clock,
      envelope::Limits{cfg.http.max_json_depth, std::nullopt}, *s.keys, s.partners.get());
  return Status::ok();
}

// HTTPS on the listener when http.tls names a certificate (the config refused a non-loopback
// plaintext listener already, unless http.allow_plaintext).
Status loadTls(HubState& s) {
  const auto& tls = s.config.http.tls;
  if (tls.cert_file.empty()) return Status::ok();
  auto ctx = http::loadTlsContext(tls);
  if (!ctx.isOk()) return ctx.status();
  s.tls = std::make_unique<http::TlsContextHolder>(std::move(ctx).value());
  s.tls_watch = std::make_unique<TlsWatch>(s.clock, *s.tls, tls.expiry_warn_days, s.metrics);
  log::info("tls_loaded", {{"subject", s.tls->get()->subject},
                           {"serial", s.tls->get()->serial},
                           {"not_after", formatRfc3339(s.tls->get()->not_after)}});
  return Status::ok();
}

Status openStore(HubState& s) {
  auto lock = storage::DbLock::take(s.config.store.path);
  if (!lock.isOk()) return lock.status();
  s.db_lock.emplace(std::move(lock).value());
  // The directory and the calendar in force, read at each use so that SIGHUP reloads apply.
  routing::PartnersInForce partners = [&holder = *s.partners] { return holder.get(); };
  routing::WorkingDayCount deadline = [&reception = *s.reception](const std::string& from,
                                                                  int days) {
    return reception.deadline(from, days);
  };
  s.write_jobs = std::make_unique<routing::PolicyJobs>(
      envelope::outboundBodies(), routing::progressDueCounter(partners, deadline));
  auto store = storage::SqliteStore::open(s.config.store, s.metrics, s.keys->fingerprint(), *s.kek,
                                          formatRfc3339(s.clock.now()), *s.write_jobs);
  if (!store.isOk()) return store.status();
  s.store = std::move(store).value();
  registerStoreSizeMetrics(s.metrics, s.config.store.path);
  // Registered here, before any backup, so that /metrics shows them (as 0) from the start.
  (void)backupMetrics(s.metrics);
  // The access record's chain key is derived from the person-key secret, never the secret itself.
  s.access = std::make_unique<security::AccessRecorder>(
      security::AccessChain(s.keys->derivedKey(security::AccessChain::kLabel)),
      [store = s.store.get()](std::unique_ptr<WriteJob> job) {
        return store->write(std::move(job), WriteRoom::kPriority);
      });
  s.service = std::make_unique<routing::WorkService>(routing::WorkServiceDeps{
      .messages = *s.store,
      .work = *s.store,
      .outbox = s.store.get(),
      .routes = *s.routes,
      .clock = s.clock,
      .partners = partners,
      .deadline = deadline,
      .encode_person = envelope::encodePerson,
      .working_days_between =
          [&reception = *s.reception](const std::string& today, const std::string& due) {
            return reception.workingDaysUntil(today, due);
          },
  });
  // The calendar: metrics and a daily warning before it runs out (a warning, not an outage).
  s.calendar = std::make_unique<CalendarWatch>(
      s.clock, [&reception = *s.reception] { return reception.standards(); }, s.metrics);
  recountDeadlines(s, "start");
  const char* help = "SIGHUP reloads of the standards (parameters, calendar)";
  s.reloads_ok = &s.metrics.counter("xianjie_standards_reloads_total", help, "result=\"ok\"");
  s.reloads_rejected =
      &s.metrics.counter("xianjie_standards_reloads_total", help, "result=\"rejected\"");
  return Status::ok();
}

// Tokens: loaded now, then re-read whenever the file changed (hub/token_refresher.h).
Status startTokens(HubState& s) {
  auto refresher = TokenRefresher::start(s.config.store.path, s.tokens);
  if (!refresher.isOk()) return refresher.status();
  s.refresher = std::move(refresher).value();
  s.token_expiry = std::make_unique<TokenExpiryWatch>(
      s.clock, s.tokens, s.config.tokens.expiry_warning_days, s.metrics);
  return Status::ok();
}

// The overdue sweep and its /metrics figures; its timer is armed when serving starts.
Status makeSweep(HubState& s) {
  s.sweep = std::make_unique<OverdueSweep>(*s.service, s.metrics);
  return Status::ok();
}

// Scheduled backups (config backup), on their own thread; their metrics exist only when enabled.
Status startBackups(HubState& s) {
  if (!s.config.backup.enabled) return Status::ok();
  s.backups =
      std::make_unique<BackupSchedule>(s.config.backup, s.config.store.path, s.clock, s.metrics);
  s.backups->start();
  return Status::ok();
}

// The access record's retention by the hub's clock: one small batch of the oldest records past
// audit.retention_days each sweep tick (and at a test's clock change, at once).
void pruneAccessRecord(HubState& s) {
  const auto cutoff =
      s.clock.now() - std::chrono::hours(24) * static_cast<int64_t>(s.config.audit.retention_days);
  s.access->prune(formatRfc3339(cutoff));
}

// The test-only hooks of POST /v1/admin/faults (store.fault_injection).
void addFaultHooks(HubState& s, http::ApiDeps& deps) {
  storage::SqliteStore* store = s.store.get();
  deps.set_max_page_count = [store](int64_t p) { store->setMaxPageCount(p); };
  deps.pause_writer = [store](bool p) { store->setPaused(p); };
  deps.drop_writer_connection = [store] { store->dropWriterConnection(); };
  deps.set_clock = [&s](std::chrono::system_clock::time_point t) {
    s.clock.set(t);
    s.calendar->check();  // the warning of the new day, at once
    if (s.tls_watch) s.tls_watch->check();
    s.token_expiry->check();
    pruneAccessRecord(s);
    if (s.backups) s.backups->check();
  };
  deps.fail_writes = [](int64_t writes) { storage::failNextWrites(writes); };
  deps.sweep_as_of = [&sweep = *s.sweep](std::string today,
                                         std::function<void(std::optional<SweepResult>)> done) {
    return sweep.run(today, std::move(done));
  };
}

http::ApiDeps apiDeps(HubState& s) {
  http::ApiDeps deps{
      .store = *s.store,
      .work = *s.store,
      .service = *s.service,
      .tokens = s.tokens,
      .reception = *s.reception,
      .clock = s.clock,
      .metrics = s.metrics,
      .schedule =
          [&ioc = s.ioc](std::chrono::milliseconds delay, std::function<void()> fn) {
            auto timer = std::make_shared<boost::asio::steady_timer>(ioc, delay);
            timer->async_wait([timer, fn = std::move(fn)](const boost::system::error_code& ec) {
              if (!ec) fn();
            });
          },
      // Not ready while the broker is unreachable: MQTT publishers would get no receipts.
      .ready =
          s.mqtt ? std::function<bool()>([m = s.mqtt.get()] { return m->connected(); }) : nullptr,
      .store_healthy = [store = s.store.get()] { return store->healthy(); },
      .outbox = s.store.get(),
      // The directory in force: a SIGHUP that loads a valid partners file (a partner now full, a
      // platform's fields) applies to the next request, as it does to delivery.
      .partners = [&partners = *s.partners] { return partners.get(); },
      .places = s.places,
      // audit.enabled is false only to measure the record's cost (bench/): nothing recorded.
      .access = s.config.audit.enabled ? s.access.get() : nullptr,
      .rate_limit_per_token = s.config.http.rate_limit_per_token,
      .rate_burst_per_token = s.config.http.rate_burst_per_token,
  };
  if (s.config.store.fault_injection) addFaultHooks(s, deps);
  return deps;
}

// The outbox's delivery thread: resumes pending rows, then takes new ones from the writer. It
// starts before anything is served, so that no row committed meanwhile is missed.
Status startDelivery(HubState& s) {
  if (s.config.mqtt.enabled)
    s.mqtt = std::make_unique<mqtt_adapter::MqttAdapter>(s.config.mqtt, s.ioc, *s.reception,
                                                         *s.service, s.tokens, s.metrics);
  webhook::MqttPublish mqtt_publish;
  if (s.mqtt)
    mqtt_publish = [m = s.mqtt.get()](const std::string& topic, const std::string& payload,
                                      const webhook::UserProperties& props,
                                      std::function<void(bool)> done) {
      m->publish(topic, payload, props, std::move(done));
    };
  s.dispatcher = std::make_unique<webhook::OutboxDispatcher>(webhook::DispatcherDeps{
      .store = *s.store,
      .partners = [&partners = *s.partners] { return partners.get(); },
      .clock = s.clock,
      .metrics = s.metrics,
      .mqtt_publish = std::move(mqtt_publish),
  });
  return s.dispatcher->start();
}

// SIGTERM/SIGINT, on an I/O thread: stop taking work, then let the main thread drain.
void armStopSignals(HubState& s) {
  s.stop_signals.emplace(s.ioc, SIGINT, SIGTERM);
  s.stop_signals->async_wait([&s](const boost::system::error_code& ec, int sig) {
    if (ec) return;
    log::info("shutdown_requested", {{"signal", std::to_string(sig)}});
    s.notify.stopping("stopping: draining requests and MQTT receipts");
    s.api->setStopping();
    s.server->stopAccepting();
    if (s.mqtt) s.mqtt->stopTaking();
    s.store->setPaused(false);  // a test's paused writer must not hold up the drain
    s.shutdown.request();       // last: the drain's first look sees the intake stopped
  });
}

// The overdue sweep: soon after start (so /metrics has overdue counts at once), then every
// routes' sweep_interval_seconds; each tick also runs the calendar's daily warning check and a
// batch of the access record's retention.
void scheduleSweep(HubState& s, std::chrono::seconds after) {
  s.sweep_timer->expires_after(after);
  s.sweep_timer->async_wait([&s](const boost::system::error_code& ec) {
    if (ec || s.shutdown.requested()) return;
    s.sweep->run(routing::acceptedOn(s.clock.now()), nullptr);
    s.calendar->check();
    if (s.tls_watch) s.tls_watch->check();
    s.token_expiry->check();
    pruneAccessRecord(s);
    scheduleSweep(s, std::chrono::seconds(s.routes->get()->sweep_interval_seconds));
  });
}

// The data keys: a key made by `xianjie key rotate` is installed, and rows under older keys are
// re-encrypted in batches, within about a second (hub/storage/key_job.h).
void scheduleKeyCheck(HubState& s) {
  s.key_timer->expires_after(std::chrono::seconds(1));
  s.key_timer->async_wait([&s](const boost::system::error_code& ec) {
    if (ec || s.shutdown.requested()) return;
    s.store->checkDataKeys(formatRfc3339(s.clock.now()), s.config.store.key_walk_rows, nullptr);
    scheduleKeyCheck(s);
  });
}

Status startServing(HubState& s) {
  s.api = std::make_unique<http::Api>(apiDeps(s));
  s.server = std::make_unique<http::HttpServer>(s.ioc, s.config.http, *s.api, s.tls.get());
  s.server->setOnAnswered([&latch = s.shutdown] { latch.poke(); });
  if (s.mqtt) s.mqtt->setOnSettled([&latch = s.shutdown] { latch.poke(); });
  auto port = s.server->start();
  if (!port.isOk()) return port.status();
  armStopSignals(s);
  armReload(s);
  s.sweep_timer.emplace(s.ioc);
  scheduleSweep(s, std::chrono::seconds(1));
  s.key_timer.emplace(s.ioc);
  scheduleKeyCheck(s);
  // Readiness line for scripts and tests: the port is real (config port 0 picks a free one).
  log::info("listening", {{"http", s.config.http.listen + ":" + std::to_string(port.value())},
                          {"tls", s.tls ? "1" : "0"},
                          {"db", s.config.store.path},
                          {"tokens", std::to_string(s.tokens.size())}});
  s.calendar->check();
  if (s.tls_watch) s.tls_watch->check();
  s.token_expiry->check();
  s.work.emplace(boost::asio::make_work_guard(s.ioc));
  if (s.mqtt)
    if (auto st = s.mqtt->start(); !st.isOk()) return st;
  for (int i = 0; i < s.config.http.threads; ++i)
    s.io_threads.emplace_back([&ioc = s.ioc] { ioc.run(); });
  return Status::ok();
}

// What systemd is told (hub/service_notify.h). Ready: the same test as /readyz (apiDeps: the store
// healthy, the broker connected). Healthy, for the watchdog: the io_context ran the task posted at
// the last look, the writer is idle or finished a batch since then, and the store is healthy. The
// broker is left out of the watchdog: a restart would not bring it back, and would stop HTTP too.
// The probes run on the notify thread only, so the looks need no lock.
ServiceNotify::Probes notifyProbes(HubState& s) {
  struct Looks {
    std::atomic<uint64_t> io_runs{0};
    uint64_t io_seen = 0;
    uint64_t batches_seen = 0;
  };
  auto looks = std::make_shared<Looks>();
  auto post_look = [&ioc = s.ioc, looks] {
    boost::asio::post(ioc, [looks] { looks->io_runs.fetch_add(1); });
  };
  post_look();
  return ServiceNotify::Probes{
      .ready = [&s] { return s.store->healthy() && (!s.mqtt || s.mqtt->connected()); },
      .healthy =
          [&s, looks, post_look] {
            const uint64_t io = looks->io_runs.load();
            const bool io_ok = io != looks->io_seen;
            const uint64_t batches = s.store->batchesDone();
            const bool writer_ok = batches != looks->batches_seen || s.store->queueDepth() == 0;
            looks->io_seen = io;
            looks->batches_seen = batches;
            post_look();
            return io_ok && writer_ok && s.store->healthy();
          },
  };
}

}  // namespace

// The provisional deadlines of open items are counted again whenever the standards are loaded
// (at start: a notice added while the hub was down; on SIGHUP). A job on the store writer.
void recountDeadlines(HubState& s, const char* why) {
  DeadlineCounter count = [&reception = *s.reception](const std::string& from, int working_days) {
    auto d = reception.deadline(from, working_days);
    return RecountedDeadline{d.date, d.provisional};
  };
  s.store->recountProvisionalDeadlines(
      std::move(count), formatRfc3339(s.clock.now()),
      [why = std::string(why)](std::optional<int> changed) {
        if (!changed)
          log::error("deadline_recount_failed", {{"why", why}});
        else if (*changed > 0)
          log::info("deadlines_recounted", {{"items", std::to_string(*changed)}, {"why", why}});
      });
}

Status start(HubState& s) {
  s.notify.status("starting: loading files, opening the store");
  for (auto step : {loadFiles, loadTls, openStore, startTokens, makeSweep, startBackups,
                    startDelivery, startServing})
    if (auto st = step(s); !st.isOk()) return st;
  // Serving: READY=1 once ready as /readyz counts it, or after 30 s without the broker (well
  // inside systemd's start timeout; HTTP intake works meanwhile and /readyz says what is missing).
  s.notify.start(notifyProbes(s), std::chrono::seconds(30));
  return Status::ok();
}

}  // namespace xj
