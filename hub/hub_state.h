// HubState: everything the composition root starts, in one place, so that start, reload and stop
// are separate functions over it (hub_start.cpp, hub_reload.cpp, hub_stop.cpp). A component is
// null until started: stop() stops exactly what is there.
//
// Threads: built and torn down on the main thread. After start the I/O threads read it (the
// signal handlers, the sweep timer, the Api's hooks) but only the components' own thread-safe
// members change; the main thread touches it again only in stop().
//
// Member order is destruction order (last first): asio objects go before the io_context, the
// adapters before the store they use, and the store before the files it was given.
#pragma once

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>

#include <memory>
#include <optional>
#include <thread>
#include <vector>

#include "adapters/delivery/outbox_dispatcher.h"
#include "adapters/http/api.h"
#include "adapters/http/http_server.h"
#include "adapters/mqtt/mqtt_adapter.h"
#include "adapters/reception/reception.h"
#include "config/hub_config.h"
#include "config/standards.h"
#include "hub/backup_schedule.h"
#include "hub/calendar_watch.h"
#include "hub/core/clock.h"
#include "hub/core/metrics.h"
#include "hub/core/partner_directory.h"
#include "hub/core/place_directory.h"
#include "hub/overdue_sweep.h"
#include "hub/security/access_recorder.h"
#include "hub/security/field_cipher.h"
#include "hub/security/person_keys.h"
#include "hub/security/token_registry.h"
#include "hub/service_notify.h"
#include "hub/shutdown_latch.h"
#include "hub/storage/db_lock.h"
#include "hub/storage/sqlite_store.h"
#include "hub/tls_watch.h"
#include "hub/token_expiry_watch.h"
#include "hub/token_refresher.h"
#include "routing/route_table.h"
#include "routing/work/policy_jobs.h"
#include "routing/work/work_service.h"

namespace xj {

struct HubState {
  explicit HubState(HubConfig c) : config(std::move(c)), ioc(config.http.threads) {}

  HubConfig config;
  SettableClock clock;  // the system clock unless a test sets it (store.fault_injection)
  MetricsRegistry metrics;
  security::TokenRegistry tokens;

  // The files, as loaded at start. The townships stay as read at start (routes and envelopes
  // are checked against them); routes, standards and partners may be swapped by SIGHUP.
  std::shared_ptr<const household::Standards> standards_at_start;
  std::unique_ptr<routing::RouteTableHolder> routes;
  std::unique_ptr<PartnerDirectoryHolder> partners;
  std::shared_ptr<const PlaceDirectory> places;
  std::optional<security::HmacPersonKeyer> keys;
  std::optional<security::KeyEncryptionKey> kek;  // unwraps the data keys (the store uses it)
  std::unique_ptr<reception::Reception> reception;
  // HTTPS (http.tls): the context new connections get, swapped by SIGHUP; null for plain HTTP.
  std::unique_ptr<http::TlsContextHolder> tls;
  std::unique_ptr<TlsWatch> tls_watch;  // its expiry: /metrics and the log

  // Held from before the store opens until the hub exits: `xianjie restore` refuses while it
  // is held (hub/storage/db_lock.h), and so does a second hub on the same database.
  std::optional<storage::DbLock> db_lock;
  // The write jobs the store runs (the policies); the store holds a reference, so it is
  // declared first and outlives it.
  std::unique_ptr<routing::PolicyJobs> write_jobs;
  // The access record: its jobs run on the store's writer, so it outlives the store too.
  std::unique_ptr<security::AccessRecorder> access;
  std::unique_ptr<storage::SqliteStore> store;
  // Every write the adapters and the sweep ask for goes through it (it decides, the store runs).
  std::unique_ptr<routing::WorkService> service;
  std::unique_ptr<CalendarWatch> calendar;
  Counter* reloads_ok = nullptr;  // xianjie_standards_reloads_total
  Counter* reloads_rejected = nullptr;
  std::unique_ptr<TokenRefresher> refresher;
  std::unique_ptr<TokenExpiryWatch> token_expiry;  // warnings before tokens end
  std::unique_ptr<OverdueSweep> sweep;
  std::unique_ptr<BackupSchedule> backups;  // config backup.enabled; null otherwise

  boost::asio::io_context ioc;
  std::unique_ptr<mqtt_adapter::MqttAdapter> mqtt;
  std::unique_ptr<webhook::OutboxDispatcher> dispatcher;
  std::unique_ptr<http::Api> api;
  std::unique_ptr<http::HttpServer> server;
  ShutdownLatch shutdown;
  std::optional<boost::asio::signal_set> stop_signals;  // SIGINT, SIGTERM
  std::optional<boost::asio::signal_set> hangups;       // SIGHUP
  std::optional<boost::asio::steady_timer> sweep_timer;
  std::optional<boost::asio::steady_timer> key_timer;  // data keys and the key walk, each second
  // Keeps the I/O threads from returning while a request waits on the store with no socket
  // operation pending (between requests the io_context may otherwise look idle).
  std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> work;
  std::vector<std::thread> io_threads;
  // systemd's readiness, status and watchdog (nothing unless started by systemd); last, so that
  // its thread, which probes the store, the broker and the io_context, ends before they go.
  ServiceNotify notify;
};

// The three phases (nats-server's Start / Reload / Shutdown are the model). Main thread.
// start: loads the files, opens the store, starts every component and serves; non-OK if start-up
// failed (what did start is left for stop).
Status start(HubState& s);
// Counts the provisional deadlines of open items again with the standards in force (a job on the
// store writer; `why` goes to its log line). At start and after a standards reload.
void recountDeadlines(HubState& s, const char* why);
// Arms SIGHUP: each one re-reads the reloadable files (hub_reload.cpp). Called by start.
void armReload(HubState& s);
// Blocks until SIGTERM/SIGINT, then until in-flight work is answered (at most 20 s).
void awaitShutdown(HubState& s);
// Stops whatever start started, in the order hub/THREADS.md gives; safe after a failed start.
void stop(HubState& s);

}  // namespace xj
