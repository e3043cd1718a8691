#include "hub/hub.h"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>

#include <atomic>
#include <csignal>
#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

#include "adapters/household/standards.h"
#include "adapters/http/api.h"
#include "adapters/http/http_server.h"
#include "adapters/inbound/inbound.h"
#include "adapters/mqtt/mqtt_adapter.h"
#include "adapters/webhook/outbox_dispatcher.h"
#include "config/partners_config.h"
#include "config/routes_config.h"
#include "config/villages_config.h"
#include "hub/calendar_watch.h"
#include "hub/core/clock.h"
#include "hub/core/log.h"
#include "hub/core/metrics.h"
#include "hub/core/time_format.h"
#include "hub/security/person_keys.h"
#include "hub/security/token_registry.h"
#include "hub/storage/fault_vfs.h"
#include "hub/storage/sqlite_store.h"
#include "hub/storage/token_table.h"
#include "routing/rules/date.h"
#include "routing/work/policy_jobs.h"

namespace xj {

struct Hub::Impl {
  HubConfig config;
  SettableClock clock;  // the system clock unless a test sets it (store.fault_injection)
  MetricsRegistry metrics;
  security::TokenRegistry tokens;
  std::mutex stop_mu;
  std::condition_variable stop_cv;
  bool stop_refresher = false;
};

Hub::Hub(HubConfig config) : impl_(std::make_unique<Impl>()) { impl_->config = std::move(config); }
Hub::~Hub() = default;

Status Hub::run() {
  auto& cfg = impl_->config;
  Problems problems;
  auto standards = household::loadStandards(cfg.standards_dir, problems);
  if (!standards.isOk())
    return Status::invalid("standards in " + cfg.standards_dir + ":\n" + formatProblems(problems));
  const TownshipDirectory& townships = standards.value()->townships;
  auto routes = loadRoutes(cfg.routes_path, townships, problems);
  if (!routes.isOk()) return Status::invalid(cfg.routes_path + ":\n" + formatProblems(problems));
  routing::RouteTableHolder route_table(routes.value());
  auto partners = loadPartners(cfg.partners_path, townships, problems);
  if (!partners.isOk())
    return Status::invalid(cfg.partners_path + ":\n" + formatProblems(problems));
  PartnerDirectoryHolder partner_directory(partners.value());
  auto villages = loadVillages(cfg.villages_path, townships, problems);
  if (!villages.isOk())
    return Status::invalid(cfg.villages_path + ":\n" + formatProblems(problems));
  auto keys = security::HmacPersonKeyer::load(cfg.store.key_file);
  if (!keys.isOk()) return keys.status();
  inbound::Inbound intake(standards.value(), townships, route_table, impl_->clock,
                          envelope::Limits{cfg.http.max_json_depth, std::nullopt}, keys.value());

  // The write jobs the store runs (the policies). A partner's next progress report: its
  // progress_every_working_days on the calendar in force (directory and calendar read at each
  // use, so SIGHUP reloads apply).
  routing::PolicyJobs write_jobs(
      [&partner_directory, &intake](const std::string& partner, const std::string& from) {
        auto dir = partner_directory.get();
        const Partner* p = dir ? dir->find(partner) : nullptr;
        if (!p || p->progress_every_working_days <= 0) return std::string();
        return intake.deadline(from, p->progress_every_working_days).date;
      });
  auto store_r =
      storage::SqliteStore::open(cfg.store, impl_->metrics, keys.value().fingerprint(), write_jobs);
  if (!store_r.isOk()) return store_r.status();
  auto store = std::move(store_r).value();

  // The calendar: metrics and a daily warning before it runs out (a warning, not an outage);
  // provisional deadlines of open items are counted again whenever the standards are loaded
  // (here: a notice added while the hub was down; on SIGHUP below).
  CalendarWatch calendar_watch(
      impl_->clock, [&intake] { return intake.standards(); }, impl_->metrics);
  auto recount_deadlines = [&](const char* why) {
    DeadlineCounter count = [&intake](const std::string& from, int working_days) {
      auto d = intake.deadline(from, working_days);
      return RecountedDeadline{d.date, d.provisional};
    };
    store->recountProvisionalDeadlines(
        std::move(count), formatRfc3339(impl_->clock.now()),
        [why = std::string(why)](std::optional<int> changed) {
          if (!changed)
            log::error("deadline_recount_failed", {{"why", why}});
          else if (*changed > 0)
            log::info("deadlines_recounted", {{"items", std::to_string(*changed)}, {"why", why}});
        });
  };
  recount_deadlines("start");
  Counter& reloads_ok = impl_->metrics.counter(
      "xianjie_standards_reloads_total", "SIGHUP reloads of the standards (parameters, calendar)",
      "result=\"ok\"");
  Counter& reloads_rejected = impl_->metrics.counter(
      "xianjie_standards_reloads_total", "SIGHUP reloads of the standards (parameters, calendar)",
      "result=\"rejected\"");

  // Tokens: loaded now, then re-read by a refresher thread whenever the file changed, so that
  // `xianjie token create|revoke` take effect within a second without a restart.
  auto table_r = storage::TokenTable::open(cfg.store.path);
  if (!table_r.isOk()) return table_r.status();
  auto table = std::move(table_r).value();
  auto loaded = table->list();
  if (!loaded.isOk()) return loaded.status();
  impl_->tokens.replace(loaded.value());
  std::thread refresher([this, t = table.get()] {
    int64_t seen = t->dataVersion();
    std::unique_lock lock(impl_->stop_mu);
    while (!impl_->stop_cv.wait_for(lock, std::chrono::seconds(1),
                                    [this] { return impl_->stop_refresher; })) {
      int64_t v = t->dataVersion();
      if (v == seen) continue;
      seen = v;
      if (auto l = t->list(); l.isOk()) impl_->tokens.replace(l.value());
    }
  });
  auto stop_refresher = [&] {
    {
      std::lock_guard lock(impl_->stop_mu);
      impl_->stop_refresher = true;
    }
    impl_->stop_cv.notify_all();
    if (refresher.joinable()) refresher.join();
  };

  // The overdue sweep: marks items past their working-day deadline and escalates them. Every
  // sweep (the periodic one and a test's fake-clock one) refreshes the overdue counts in /metrics.
  std::mutex overdue_mu;
  SweepResult last_sweep;
  impl_->metrics.collector([&overdue_mu, &last_sweep] {
    std::lock_guard lock(overdue_mu);
    std::string out =
        "# HELP xianjie_items_overdue Open items past their deadline, by queue and township\n"
        "# TYPE xianjie_items_overdue gauge\n";
    for (const auto& [key, n] : last_sweep.overdue_by_queue_township)
      out += "xianjie_items_overdue{queue=\"" + key.first + "\",township=\"" + key.second + "\"} " +
             std::to_string(n) + "\n";
    // (xianjie_exchanges and xianjie_exchanges_overdue come from the store, refreshed at
    // every change of an exchange.)
    return out;
  });
  // Escalations of exchanges, once per overdue period (answer: no accept or reject in time;
  // progress: no progress report within the partner's progress_every_working_days).
  std::mutex escalation_mu;
  std::map<std::pair<std::string, std::string>, Counter*> escalation_counters;
  auto countEscalations = [this, &escalation_mu, &escalation_counters](const SweepResult& r) {
    std::lock_guard lock(escalation_mu);
    for (const auto& [partner, reason] : r.exchange_escalations) {
      auto& c = escalation_counters[{partner, reason}];
      if (!c)
        c = &impl_->metrics.counter(
            "xianjie_exchange_escalations_total",
            "Exchanges escalated to the county queue, by partner and reason (answer, progress)",
            "partner=\"" + partner + "\",reason=\"" + reason + "\"");
      c->inc();
    }
  };
  auto sweep = [&](const std::string& today, std::function<void(std::optional<SweepResult>)> done) {
    // Items without a deadline are late once older than escalate_undated_after_days calendar
    // days: created before the start (China time) of the day that many days before `today`.
    std::string undated_before;
    auto routes_now = route_table.get();
    if (auto d = rules::parseDate(today); d && routes_now->escalate_undated_after_days > 0)
      undated_before =
          formatRfc3339(std::chrono::sys_days(std::chrono::days(
                            d->plusDays(-routes_now->escalate_undated_after_days).days)) -
                        std::chrono::hours(8));
    return store->sweep(
        today, routes_now->escalation_queue, formatRfc3339(impl_->clock.now()), undated_before,
        [&overdue_mu, &last_sweep, countEscalations,
         done = std::move(done)](std::optional<SweepResult> r) {
          if (r) {
            if (r->escalated)
              log::info("sweep_escalated", {{"items", std::to_string(r->escalated)}});
            if (!r->exchange_escalations.empty()) {
              log::info("sweep_exchanges_escalated",
                        {{"answer", std::to_string(r->exchanges_overdue)},
                         {"progress", std::to_string(r->exchanges_progress_overdue)}});
              countEscalations(*r);
            }
            std::lock_guard lock(overdue_mu);
            last_sweep = *r;
          }
          if (done) done(std::move(r));
        });
  };

  boost::asio::io_context ioc(cfg.http.threads);
  http::ApiDeps deps{
      *store,
      *store,
      impl_->tokens,
      intake,
      impl_->clock,
      impl_->metrics,
      [&ioc](std::chrono::milliseconds delay, std::function<void()> fn) {
        auto timer = std::make_shared<boost::asio::steady_timer>(ioc, delay);
        timer->async_wait([timer, fn = std::move(fn)](const boost::system::error_code& ec) {
          if (!ec) fn();
        });
      },
      nullptr,
      [s = store.get()] { return s->healthy(); },
      nullptr,
      nullptr,
      nullptr,
      nullptr,
      nullptr,
      nullptr,
      store.get(),
      nullptr,
      nullptr};
  // The directory in force: a SIGHUP that loads a valid partners file (a partner now full, a
  // platform's fields) applies to the next request, as it does to delivery.
  deps.partners = [&partner_directory] { return partner_directory.get(); };
  deps.places = villages.value();
  if (cfg.store.fault_injection) {
    deps.set_max_page_count = [s = store.get()](int64_t p) { s->setMaxPageCount(p); };
    deps.pause_writer = [s = store.get()](bool p) { s->setPaused(p); };
    deps.drop_writer_connection = [s = store.get()] { s->dropWriterConnection(); };
    deps.set_clock = [this, &calendar_watch](std::chrono::system_clock::time_point t) {
      impl_->clock.set(t);
      calendar_watch.check();  // the warning of the new day, at once
    };
    deps.fail_writes = [](int64_t writes) { storage::failNextWrites(writes); };
    deps.sweep_as_of = [&sweep](std::string today,
                                std::function<void(std::optional<SweepResult>)> done) {
      return sweep(today, std::move(done));
    };
  }
  std::unique_ptr<mqtt_adapter::MqttAdapter> mqtt;
  if (cfg.mqtt.enabled) {
    mqtt = std::make_unique<mqtt_adapter::MqttAdapter>(cfg.mqtt, ioc, intake, *store, impl_->tokens,
                                                       impl_->metrics, store.get());
    // Not ready while the broker is unreachable: MQTT publishers would get no receipts.
    deps.ready = [m = mqtt.get()] { return m->connected(); };
  }
  // The outbox's delivery thread: resumes pending rows, then takes new ones from the writer.
  webhook::MqttPublish mqtt_publish;
  if (mqtt)
    mqtt_publish = [m = mqtt.get()](const std::string& topic, const std::string& payload,
                                    const webhook::UserProperties& props,
                                    std::function<void(bool)> done) {
      m->publish(topic, payload, props, std::move(done));
    };
  webhook::OutboxDispatcher dispatcher(
      webhook::DispatcherDeps{*store, [&partner_directory] { return partner_directory.get(); },
                              impl_->clock, impl_->metrics, std::move(mqtt_publish)});
  if (auto s = dispatcher.start(); !s.isOk()) {
    stop_refresher();
    store->stop();
    return s;
  }
  http::Api api(std::move(deps));
  http::HttpServer server(ioc, cfg.http, api);
  auto port = server.start();
  if (!port.isOk()) {
    stop_refresher();
    store->stop();
    return port.status();
  }

  boost::asio::signal_set signals(ioc, SIGINT, SIGTERM);
  std::atomic<bool> draining{false};
  signals.async_wait([&](const boost::system::error_code& ec, int sig) {
    if (ec) return;
    log::info("shutdown_requested", {{"signal", std::to_string(sig)}});
    draining.store(true);
    api.setStopping();
    server.stopAccepting();
    if (mqtt) mqtt->stopTaking();
    store->setPaused(false);  // a test's paused writer must not hold up the drain
  });

  // SIGHUP: re-read the routes and the standards (parameters, calendar) into copies; swap each
  // only if every check of it passes, else keep the one in force and list every problem. The
  // township list stays as read at start (routes and envelopes are checked against it).
  boost::asio::signal_set hangups(ioc, SIGHUP);
  std::function<void()> await_hangup = [&] {
    hangups.async_wait([&](const boost::system::error_code& ec, int) {
      if (ec) return;
      Problems reload_problems;
      auto next = loadRoutes(cfg.routes_path, townships, reload_problems);
      if (next.isOk()) {
        route_table.set(next.value());
        log::info("routes_reloaded", {{"version", next.value()->version},
                                      {"rules", std::to_string(next.value()->rules.size())}});
      } else {
        // Each problem first, the outcome last: a reader (or a test) that sees the outcome
        // line has the whole reload in the log.
        for (const auto& p : reload_problems)
          log::error("routes_problem", {{"path", p.path}, {"problem", p.problem}});
        log::error("routes_reload_rejected",
                   {{"problems", std::to_string(reload_problems.size())},
                    {"first", reload_problems.empty()
                                  ? ""
                                  : reload_problems[0].path + ": " + reload_problems[0].problem},
                    {"kept", route_table.get()->version}});
      }
      Problems standards_problems;
      auto next_standards = household::loadStandards(cfg.standards_dir, standards_problems);
      if (next_standards.isOk()) {
        const auto& next_cal = next_standards.value()->calendar;
        auto last = next_cal.lastOfficialDay();
        intake.setStandards(next_standards.value());
        reloads_ok.inc();
        log::info("standards_reloaded",
                  {{"rule_set_version", next_standards.value()->rules.version()},
                   {"calendar_last_day", last ? rules::formatDate(*last) : "none"}});
        recount_deadlines("standards_reloaded");
        calendar_watch.check();
      } else {
        // Every problem first, the verdict last: whoever waits for the verdict has them all.
        for (const auto& p : standards_problems)
          log::error("standards_problem", {{"path", p.path}, {"problem", p.problem}});
        reloads_rejected.inc();
        log::error("standards_reload_rejected",
                   {{"problems", std::to_string(standards_problems.size())},
                    {"first", standards_problems.empty() ? ""
                                                         : standards_problems[0].path + ": " +
                                                               standards_problems[0].problem},
                    {"kept", intake.standards()->rules.version()}});
      }
      // The partner directory likewise (its delivery caps apply from the next start).
      Problems partner_problems;
      if (auto next_partners = loadPartners(cfg.partners_path, townships, partner_problems);
          next_partners.isOk()) {
        partner_directory.set(next_partners.value());
        log::info("partners_reloaded",
                  {{"partners", std::to_string(next_partners.value()->partners.size())}});
      } else {
        for (const auto& p : partner_problems)
          log::error("partners_problem", {{"path", p.path}, {"problem", p.problem}});
        log::error("partners_reload_rejected",
                   {{"problems", std::to_string(partner_problems.size())}});
      }
      await_hangup();
    });
  };
  await_hangup();

  boost::asio::steady_timer sweep_timer(ioc);
  bool first_sweep = true;  // soon after start, so /metrics has overdue counts at once
  std::function<void()> schedule_sweep = [&] {
    sweep_timer.expires_after(
        std::chrono::seconds(first_sweep ? 1 : route_table.get()->sweep_interval_seconds));
    first_sweep = false;
    sweep_timer.async_wait([&](const boost::system::error_code& ec) {
      if (ec || draining.load()) return;
      sweep(routing::acceptedOn(impl_->clock.now()), nullptr);
      calendar_watch.check();
      schedule_sweep();
    });
  };
  schedule_sweep();

  // Readiness line for scripts and tests: the port is real (config port 0 picks a free one).
  log::info("listening", {{"http", cfg.http.listen + ":" + std::to_string(port.value())},
                          {"db", cfg.store.path},
                          {"tokens", std::to_string(impl_->tokens.size())}});
  calendar_watch.check();

  // Keeps run() from returning while a request waits on the store with no socket operation
  // pending (between requests the io_context may otherwise look idle).
  auto work = boost::asio::make_work_guard(ioc);
  if (mqtt) {
    if (auto s = mqtt->start(); !s.isOk()) {
      stop_refresher();
      store->stop();
      return s;
    }
  }
  std::vector<std::thread> io_threads;
  for (int i = 0; i < cfg.http.threads; ++i) io_threads.emplace_back([&ioc] { ioc.run(); });

  // Main thread: wait for a signal, then for in-flight requests to be answered (their commits
  // finish on the writer), bounded so that a stuck client cannot hold the process forever.
  while (!draining.load()) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  // MQTT: the inbound connection closed at the signal, so nothing new comes in; every message
  // taken before is stored and its receipt handed to Paho before the receipts' connection closes.
  while ((server.inFlight() > 0 || (mqtt && !mqtt->drained())) &&
         std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  // The delivery thread stops before MQTT (it publishes through it) and before the store (it
  // records its last outcomes through the writer).
  dispatcher.stop();
  if (mqtt) {
    if (!mqtt->drained())
      log::warn("mqtt_not_drained", {{"pending", std::to_string(mqtt->pending())}});
    mqtt->stop();
  }
  // Give the last responses a moment to reach their sockets before the loop stops.
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  work.reset();
  sweep_timer.cancel();
  hangups.cancel();
  ioc.stop();
  for (auto& t : io_threads) t.join();
  // A second SIGTERM/SIGINT (an impatient supervisor, a test) must not kill the rest of the
  // drain: the signal_set would restore the default action when destroyed at return, so clear
  // it now and ignore both signals for the rest of the process.
  boost::system::error_code ignored;
  signals.clear(ignored);
  ::signal(SIGTERM, SIG_IGN);
  ::signal(SIGINT, SIG_IGN);
  store->stop();  // commits anything still queued
  stop_refresher();
  log::info("stopped", {{"in_flight_left", std::to_string(server.inFlight())}});
  return Status::ok();
}

}  // namespace xj
