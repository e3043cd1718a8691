// Reload (SIGHUP): re-reads each reloadable file into a copy and swaps the copy in only if every
// check of it passes; otherwise the one in force stays and every problem is logged. Each file is
// one row of a table: its name, how to load it, how to swap it in and what to log. The township
// list stays as read at start (routes and envelopes are checked against it).
#include <csignal>
#include <functional>
#include <string>
#include <vector>

#include "config/partners_config.h"
#include "config/routes_config.h"
#include "hub/core/log.h"
#include "hub/core/time_format.h"
#include "hub/hub_state.h"
#include "routing/rules/date.h"

namespace xj {

namespace {

// Puts a loaded copy in force and logs the `<name>_reloaded` line.
using SwapIn = std::function<void()>;

struct Reloadable {
  const char* name;  // the log events: <name>_problem, <name>_reloaded, <name>_reload_rejected
  // Loads the file into a copy; returns how to swap it in, or nothing (and `problems` filled).
  std::function<SwapIn(Problems&)> load;
  // Logs the `<name>_reload_rejected` line: how many problems, and what stays in force.
  std::function<void(const Problems&)> rejected;
};

std::string firstProblem(const Problems& problems) {
  return problems.empty() ? "" : problems[0].path + ": " + problems[0].problem;
}

Reloadable routesFile(HubState& s) {
  return {"routes",
          [&s](Problems& problems) -> SwapIn {
            auto next = loadRoutes(s.config.routes_path, s.standards_at_start->townships, problems);
            if (!next.isOk()) return nullptr;
            return [&s, loaded = next.value()] {
              s.routes->set(loaded);
              log::info("routes_reloaded", {{"version", loaded->version},
                                            {"rules", std::to_string(loaded->rules.size())}});
            };
          },
          [&s](const Problems& problems) {
            log::error("routes_reload_rejected", {{"problems", std::to_string(problems.size())},
                                                  {"first", firstProblem(problems)},
                                                  {"kept", s.routes->get()->version}});
          }};
}

// The standards (parameters, calendar): the provisional deadlines are counted again with the new
// calendar, and its warning checked at once.
Reloadable standardsFiles(HubState& s) {
  return {"standards",
          [&s](Problems& problems) -> SwapIn {
            auto next = household::loadStandards(s.config.standards_dir, problems);
            if (!next.isOk()) return nullptr;
            return [&s, loaded = next.value()] {
              auto last = loaded->calendar.lastOfficialDay();
              s.reception->setStandards(loaded);
              s.reloads_ok->inc();
              log::info("standards_reloaded",
                        {{"rule_set_version", loaded->rules.version()},
                         {"calendar_last_day", last ? rules::formatDate(*last) : "none"}});
              recountDeadlines(s, "standards_reloaded");
              s.calendar->check();
            };
          },
          [&s](const Problems& problems) {
            s.reloads_rejected->inc();
            log::error("standards_reload_rejected",
                       {{"problems", std::to_string(problems.size())},
                        {"first", firstProblem(problems)},
                        {"kept", s.reception->standards()->rules.version()}});
          }};
}

// The partner directory (its delivery caps apply from the next start).
Reloadable partnersFile(HubState& s) {
  return {
      "partners",
      [&s](Problems& problems) -> SwapIn {
        auto next = loadPartners(s.config.partners_path, s.standards_at_start->townships, problems);
        if (!next.isOk()) return nullptr;
        return [&s, loaded = next.value()] {
          s.partners->set(loaded);
          log::info("partners_reloaded", {{"partners", std::to_string(loaded->partners.size())}});
        };
      },
      [](const Problems& problems) {
        log::error("partners_reload_rejected", {{"problems", std::to_string(problems.size())}});
      }};
}

// The HTTPS certificate and key: new connections get the new context, open ones keep theirs.
Reloadable tlsFiles(HubState& s) {
  return {"tls",
          [&s](Problems& problems) -> SwapIn {
            auto next = http::loadTlsContext(s.config.http.tls);
            if (!next.isOk()) {
              problems.push_back({"/http/tls", next.status().message()});
              return nullptr;
            }
            return [&s, loaded = next.value()] {
              s.tls->set(loaded);
              log::info("tls_reloaded", {{"subject", loaded->subject},
                                         {"serial", loaded->serial},
                                         {"not_after", formatRfc3339(loaded->not_after)}});
              s.tls_watch->check();
            };
          },
          [&s](const Problems& problems) {
            log::error("tls_reload_rejected", {{"problems", std::to_string(problems.size())},
                                               {"kept", s.tls->get()->serial}});
          }};
}

// Every problem first, the outcome line last: a reader (or a test) that sees the outcome line
// has the whole reload in the log. Nothing is swapped when there is a problem.
void reload(const Reloadable& file) {
  Problems problems;
  if (SwapIn swap = file.load(problems)) return swap();
  const std::string event = std::string(file.name) + "_problem";
  for (const auto& p : problems) log::error(event, {{"path", p.path}, {"problem", p.problem}});
  file.rejected(problems);
}

void awaitHangup(HubState& s, std::shared_ptr<const std::vector<Reloadable>> files) {
  s.hangups->async_wait([&s, files](const boost::system::error_code& ec, int) {
    if (ec) return;
    for (const auto& file : *files) reload(file);
    awaitHangup(s, files);
  });
}

}  // namespace

void armReload(HubState& s) {
  s.hangups.emplace(s.ioc, SIGHUP);
  std::vector<Reloadable> files{routesFile(s), standardsFiles(s), partnersFile(s)};
  if (s.tls) files.push_back(tlsFiles(s));
  awaitHangup(s, std::make_shared<const std::vector<Reloadable>>(std::move(files)));
}

}  // namespace xj
