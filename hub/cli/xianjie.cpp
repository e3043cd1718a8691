// xianjie: the admin CLI. Reads the same config as the daemon.
//   xianjie token create --config FILE --org ID --role ROLE [--township CODE ...]
//   xianjie token list   --config FILE
//   xianjie token revoke --config FILE TOKEN_ID
//   xianjie eval FILE.json [--config FILE] [--as-of DATE] [--explain]
//   xianjie routes test [--config FILE] MESSAGE.json
//   xianjie calendar import FILE.json [--config FILE] [--out DIR]
//   xianjie outbox list [--config FILE] [--state pending|delivered|dead] [--after ID]
//   xianjie outbox replay [--config FILE] ID
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "adapters/household/calendar_import.h"
#include "adapters/household/eval_command.h"
#include "adapters/household/standards.h"
#include "adapters/inbound/inbound.h"
#include "config/hub_config.h"
#include "config/routes_config.h"
#include "hub/core/clock.h"
#include "hub/core/time_format.h"
#include "hub/security/crypto.h"
#include "hub/security/person_keys.h"
#include "hub/security/token_registry.h"
#include "hub/storage/outbox_table.h"
#include "hub/storage/token_table.h"

namespace {

int usage() {
  std::fprintf(
      stderr,
      "usage:\n"
      "  xianjie token create [--config FILE] --org ID --role hotline|charity|agency|staff|admin "
      "[--township CODE ...]\n"
      "  xianjie token list   [--config FILE]\n"
      "  xianjie token revoke [--config FILE] TOKEN_ID\n"
      "  xianjie eval FILE.json [--config FILE] [--as-of YYYY-MM-DD] [--explain] [--no-trace]\n"
      "  xianjie routes test [--config FILE] MESSAGE.json\n"
      "  xianjie calendar import FILE.json [--config FILE] [--out DIR]\n"
      "  xianjie mqtt-acl [--config FILE] --out DIR\n"
      "  xianjie outbox list [--config FILE] [--state pending|delivered|dead] [--after ID]\n"
      "  xianjie outbox replay [--config FILE] ID\n");
  return 2;
}

struct Args {
  std::string config;
  std::string org;
  std::string role;
  std::vector<std::string> townships;
  std::vector<std::string> positional;
  bool ok = true;
};

Args parseArgs(int argc, char** argv, int from) {
  Args a;
  for (int i = from; i < argc; ++i) {
    std::string k = argv[i];
    auto next = [&](std::string& out) {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "%s needs a value\n", k.c_str());
        a.ok = false;
        return;
      }
      out = argv[++i];
    };
    if (k == "--config") {
      next(a.config);
    } else if (k == "--org") {
      next(a.org);
    } else if (k == "--role") {
      next(a.role);
    } else if (k == "--township") {
      std::string t;
      next(t);
      a.townships.push_back(t);
    } else if (k.rfind("--", 0) == 0) {
      std::fprintf(stderr, "unknown option %s\n", k.c_str());
      a.ok = false;
    } else {
      a.positional.push_back(k);
    }
  }
  return a;
}

int tokenCommand(int argc, char** argv) {
  if (argc < 3) return usage();
  std::string verb = argv[2];
  Args a = parseArgs(argc, argv, 3);
  if (!a.ok) return usage();
  xj::HubConfig config;
  if (!a.config.empty()) {
    xj::Problems problems;
    auto loaded = xj::loadHubConfig(a.config, problems);
    if (!loaded.isOk()) {
      std::fprintf(stderr, "%s:\n%s", a.config.c_str(), xj::formatProblems(problems).c_str());
      return 1;
    }
    config = loaded.value();
  }
  auto table = xj::storage::TokenTable::open(config.store.path);
  if (!table.isOk()) {
    std::fprintf(stderr, "%s\n", table.status().toString().c_str());
    return 1;
  }
  auto now = xj::formatRfc3339(std::chrono::system_clock::now());
  if (verb == "create") {
    std::vector<std::string> problems;
    auto role = xj::parseRole(a.role);
    if (!role) problems.push_back("--role must be one of hotline, charity, agency, staff, admin");
    if (a.org.empty()) problems.push_back("--org is required");
    for (char c : a.org)
      if (!(isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-' ||
            c == ':')) {
        problems.push_back("--org may contain only letters, digits and . _ - :");
        break;
      }
    // The hub's own broker login (mqtt.username, "xianjied" by default) must stay the hub's: an
    // organisation of that name would get its MQTT password and ACL in `xianjie mqtt-acl`.
    const std::string hub_user =
        config.mqtt.username.empty() ? std::string("xianjied") : config.mqtt.username;
    if (a.org == hub_user)
      problems.push_back("--org " + a.org + " is the hub's own MQTT user name (mqtt.username)");
    xj::Problems standards_problems;
    auto standards = xj::household::loadStandards(config.standards_dir, standards_problems);
    if (!standards.isOk()) {
      problems.push_back("standards in " + config.standards_dir + " could not be loaded");
    } else {
      for (auto& t : a.townships) {
        const auto* found = standards.value()->townships.find(t);
        if (!found) {
          problems.push_back("--township " + t + " is not a Dahua township");
        } else {
          t = found->code;
        }
      }
    }
    if (!problems.empty()) {
      for (const auto& p : problems) std::fprintf(stderr, "%s\n", p.c_str());
      return 2;
    }
    xj::Principal p;
    p.org = a.org;
    p.role = *role;
    p.townships = a.townships;
    auto made = xj::security::makeToken(p, now);
    if (auto s = table.value()->insert(made.record); !s.isOk()) {
      std::fprintf(stderr, "%s\n", s.toString().c_str());
      return 1;
    }
    // The token itself goes to stdout alone, so scripts can capture it; it is shown only once.
    std::printf("%s\n", made.token.c_str());
    std::fprintf(stderr,
                 "created token %s for org=%s role=%s (store it now: it cannot be shown again)\n",
                 made.record.principal.token_id.c_str(), a.org.c_str(), a.role.c_str());
    return 0;
  }
  if (verb == "list") {
    auto rows = table.value()->list();
    if (!rows.isOk()) {
      std::fprintf(stderr, "%s\n", rows.status().toString().c_str());
      return 1;
    }
    std::printf("%-12s  %-20s  %-8s  %-8s  %-24s  %s\n", "TOKEN_ID", "ORG", "ROLE", "STATE",
                "CREATED", "TOWNSHIPS");
    for (const auto& r : rows.value()) {
      std::string t;
      for (const auto& x : r.principal.townships) t += (t.empty() ? "" : ",") + x;
      std::printf("%-12s  %-20s  %-8s  %-8s  %-24s  %s\n", r.principal.token_id.c_str(),
                  r.principal.org.c_str(), std::string(xj::toString(r.principal.role)).c_str(),
                  r.revoked ? "revoked" : "active", r.created_at.c_str(),
                  t.empty() ? "*" : t.c_str());
    }
    return 0;
  }
  if (verb == "revoke") {
    if (a.positional.size() != 1) return usage();
    if (auto s = table.value()->revoke(a.positional[0], now); !s.isOk()) {
      std::fprintf(stderr, "%s\n", s.toString().c_str());
      return s.code() == xj::StatusCode::kNotFound ? 2 : 1;
    }
    std::printf("revoked %s\n", a.positional[0].c_str());
    return 0;
  }
  return usage();
}

// Loads the config named by --config (anywhere in argv) and removes the pair from `rest`.
bool configFromArgs(int argc, char** argv, int from, xj::HubConfig& config,
                    std::vector<char*>& rest) {
  for (int i = from; i < argc; ++i) {
    if (std::string(argv[i]) == "--config" && i + 1 < argc) {
      xj::Problems problems;
      auto loaded = xj::loadHubConfig(argv[++i], problems);
      if (!loaded.isOk()) {
        std::fprintf(stderr, "%s:\n%s", argv[i], xj::formatProblems(problems).c_str());
        return false;
      }
      config = loaded.value();
    } else {
      rest.push_back(argv[i]);
    }
  }
  return true;
}

int evalCommand(int argc, char** argv) {
  xj::HubConfig config;
  std::vector<char*> rest;
  if (!configFromArgs(argc, argv, 2, config, rest)) return 1;
  return xj::household::runEvalCommand(static_cast<int>(rest.size()), rest.data(),
                                       config.standards_dir);
}

// Shows which rule takes a message and why, with the pre-screen and deadlines, storing nothing.
int routesCommand(int argc, char** argv) {
  if (argc < 3 || std::string(argv[2]) != "test") return usage();
  xj::HubConfig config;
  std::vector<char*> rest;
  if (!configFromArgs(argc, argv, 3, config, rest)) return 1;
  if (rest.size() != 1) return usage();
  std::ifstream in(rest[0], std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "cannot open %s\n", rest[0]);
    return 2;
  }
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  xj::Problems problems;
  auto standards = xj::household::loadStandards(config.standards_dir, problems);
  if (!standards.isOk()) {
    std::fprintf(stderr, "standards in %s:\n%s", config.standards_dir.c_str(),
                 xj::formatProblems(problems).c_str());
    return 1;
  }
  const xj::TownshipDirectory& townships = standards.value()->townships;
  auto routes = xj::loadRoutes(config.routes_path, townships, problems);
  if (!routes.isOk()) {
    std::fprintf(stderr, "%s: %zu problem(s):\n%s", config.routes_path.c_str(), problems.size(),
                 xj::formatProblems(problems).c_str());
    return 1;
  }
  // The message's own kind decides which endpoint's rules apply.
  auto kind = xj::envelope::peekKind(bytes);
  if (!kind) {
    std::fprintf(stderr, "the message has no kind (ticket, referral or notification)\n");
    return 2;
  }
  xj::routing::RouteTableHolder holder(routes.value());
  xj::SystemClock clock;
  // A dry run stores nothing: its person keys need not match the hub's, so no key file is read.
  auto keys = xj::security::HmacPersonKeyer::ephemeral();
  xj::inbound::Inbound intake(standards.value(), townships, holder, clock, xj::envelope::Limits{},
                              keys);
  xj::IngestRecord record;
  xj::Problems bad;
  xj::routing::RouteDecision d;
  if (intake.prepare(bytes, *kind, record, bad, &d) != xj::envelope::ParseOutcome::kOk) {
    std::fprintf(stderr, "the message is not valid: %zu problem(s):\n%s", bad.size(),
                 xj::formatProblems(bad).c_str());
    return 2;
  }
  const auto& p = record.plan;
  const std::string kind_name(xj::toString(*kind));
  auto decision_table = holder.get();
  std::string queues;
  for (const auto& q : p.queues) queues += (queues.empty() ? "" : ", ") + q;
  std::string tags;
  for (const auto& t : p.prescreen_tags) tags += (tags.empty() ? "" : ", ") + t;
  std::printf("route table:  %s (%s)\n", decision_table->version.c_str(),
              config.routes_path.c_str());
  std::printf("message:      kind=%s source=%s township=%s\n", kind_name.c_str(),
              record.source.c_str(), record.township.c_str());
  std::printf("pre-screen:   category=%s tags=[%s]%s\n", p.prescreen_category.c_str(), tags.c_str(),
              p.rule_set_version.empty() ? " (no household in the message)"
                                         : (" rule set " + p.rule_set_version).c_str());
  std::printf("matched rule: %s\n", d.rule.c_str());
  std::printf("why:          %s\n", d.why.c_str());
  std::printf("queues:       %s\n", queues.c_str());
  std::printf(
      "deadline:     %s%s (accepted on %s)\n",
      p.case_deadline.empty() ? "none: calendar_missing" : p.case_deadline.c_str(),
      p.case_deadline_provisional ? ", provisional: no holiday notice for the year yet" : "",
      p.accepted_on.c_str());
  if (*kind == xj::MessageKind::kNotification && !p.id_key.empty())
    std::printf(
        "note:         if the subject is already known to the hub, this becomes a risk alert on %s "
        "instead\n",
        p.township_queue.c_str());
  if (*kind == xj::MessageKind::kTicket)
    std::printf(
        "note:         a repeat call (same phone or ID within %d days of an open item) links to "
        "that item instead\n",
        decision_table->repeat_window_days);
  return 0;
}

}  // namespace

// Writes DIR/acl and DIR/passwd for mosquitto from the hub's principals: each hotline, charity
// and agency org may publish only under its own inbound topic and read only its own receipts
// and outbound topics; the hub (mqtt.username) reads every inbound topic and writes out/.
// Tokens hold only hashes, so MQTT passwords are made here: a new one per org, printed once
// ("org password" per line); the hub's is mqtt.password from the config (made if empty).
int mqttAclCommand(int argc, char** argv) {
  xj::HubConfig config;
  std::vector<char*> rest;
  if (!configFromArgs(argc, argv, 2, config, rest)) return 1;
  std::string out;
  for (size_t i = 0; i + 1 < rest.size(); ++i)
    if (std::string(rest[i]) == "--out") out = rest[i + 1];
  if (out.empty()) return usage();
  auto table = xj::storage::TokenTable::open(config.store.path);
  if (!table.isOk()) {
    std::fprintf(stderr, "%s\n", table.status().toString().c_str());
    return 1;
  }
  auto rows = table.value()->list();
  if (!rows.isOk()) return 1;
  const std::string prefix = config.mqtt.topic_prefix;
  std::string hub_user = config.mqtt.username.empty() ? "xianjied" : config.mqtt.username;
  std::string hub_password =
      config.mqtt.password.empty() ? xj::security::randomHex(16) : config.mqtt.password;
  std::string acl = "# Generated by `xianjie mqtt-acl`; regenerate rather than edit.\n\nuser " +
                    hub_user + "\n" + "topic read " + prefix + "/in/#\ntopic write " + prefix +
                    "/out/#\n";
  std::vector<std::pair<std::string, std::string>> users = {{hub_user, hub_password}};
  std::set<std::string> seen;
  for (const auto& r : rows.value()) {
    if (r.revoked) continue;
    const auto role = r.principal.role;
    const char* kinds = role == xj::Role::kHotline   ? "tickets"
                        : role == xj::Role::kCharity ? "referrals"
                        : role == xj::Role::kAgency  ? "notifications"
                                                     : nullptr;
    if (!kinds || !seen.insert(r.principal.org).second) continue;
    if (r.principal.org == hub_user) {
      // Its ACL and password lines would replace the hub's own login.
      std::fprintf(stderr,
                   "organisation %s has the hub's broker user name: revoke its tokens (token %s)\n",
                   hub_user.c_str(), r.principal.token_id.c_str());
      return 1;
    }
    acl += "\nuser " + r.principal.org + "\ntopic write " + prefix + "/in/" +
           std::string(xj::toString(role)) + "/" + r.principal.org + "/" + kinds + "\n";
    // A charity also reports on its exchanges (issue 11).
    if (role == xj::Role::kCharity)
      acl += "topic write " + prefix + "/in/charity/" + r.principal.org + "/feedback\n";
    acl += "topic read " + prefix + "/out/" + r.principal.org + "/#\n";
    users.emplace_back(r.principal.org, xj::security::randomHex(16));
  }
  std::filesystem::create_directories(out);
  std::ofstream(out + "/acl") << acl;
  // The password file in mosquitto_passwd's format (user:$7$... PBKDF2-SHA512), written here so
  // that no password is ever an argument of another process (argv is visible to every user in
  // ps). Made mode 0600 before anything is written, then renamed into place.
  std::string passwd = out + "/passwd";
  std::string tmp = passwd + ".tmp";
  std::filesystem::remove(tmp);
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    std::fprintf(stderr, "cannot create %s: %s\n", tmp.c_str(), std::strerror(errno));
    return 1;
  }
  std::string lines;
  for (const auto& [user, password] : users)
    lines += user + ":" + xj::security::mosquittoPasswordHash(password) + "\n";
  bool written = ::write(fd, lines.data(), lines.size()) == static_cast<ssize_t>(lines.size());
  written = ::fsync(fd) == 0 && written;
  ::close(fd);
  if (!written || std::rename(tmp.c_str(), passwd.c_str()) != 0) {
    std::fprintf(stderr, "cannot write %s\n", passwd.c_str());
    std::filesystem::remove(tmp);
    return 1;
  }
  for (const auto& [user, password] : users) std::printf("%s %s\n", user.c_str(), password.c_str());
  std::fprintf(stderr,
               "wrote %s/acl and %s/passwd for %zu users (passwords above are shown once)\n",
               out.c_str(), out.c_str(), users.size());
  return 0;
}

// Turns a year's holiday arrangement (the hub's format or holiday-cn's) into
// DIR/holidays-YYYY.json (DIR: --out, else the config's standards_dir), checks it and the whole
// directory as the hub would load it, and leaves the directory as it was if anything is wrong.
int calendarCommand(int argc, char** argv) {
  namespace fs = std::filesystem;
  if (argc < 3 || std::string(argv[2]) != "import") return usage();
  xj::HubConfig config;
  std::vector<char*> rest;
  if (!configFromArgs(argc, argv, 3, config, rest)) return 1;
  std::string input, out_dir = config.standards_dir;
  for (size_t i = 0; i < rest.size(); ++i) {
    if (std::string(rest[i]) == "--out" && i + 1 < rest.size())
      out_dir = rest[++i];
    else if (input.empty())
      input = rest[i];
    else
      return usage();
  }
  if (input.empty()) return usage();
  std::ifstream in(input, std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "cannot read %s\n", input.c_str());
    return 1;
  }
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  xj::Problems problems;
  auto year = xj::household::parseArrangement(text, problems);
  if (!year.isOk()) {
    std::fprintf(stderr, "%s: %zu problem(s):\n%s", input.c_str(), problems.size(),
                 xj::formatProblems(problems).c_str());
    return 1;
  }
  const auto& y = year.value();
  std::string name = "holidays-" + std::to_string(y.year) + ".json";
  fs::path target = fs::path(out_dir) / name;
  // The loader refuses a year given twice: it must not already be in another file.
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(out_dir, ec)) {
    std::string other = e.path().filename().string();
    if (other == name || other.rfind("holidays", 0) != 0 || e.path().extension() != ".json")
      continue;
    std::ifstream of(e.path(), std::ios::binary);
    std::string other_text((std::istreambuf_iterator<char>(of)), std::istreambuf_iterator<char>());
    xj::Problems ignored;
    auto years = xj::household::parseHolidaysJson(other_text, ignored);
    if (!years.isOk()) continue;  // reported by the full check below
    for (const auto& oy : years.value())
      if (oy.year == y.year)
        problems.push_back({"--out", std::to_string(y.year) + " is already in " + other +
                                         ": remove it there first"});
  }
  if (ec) problems.push_back({"--out", "cannot read directory " + out_dir});
  if (!problems.empty()) {
    std::fprintf(stderr, "%s: %zu problem(s):\n%s", input.c_str(), problems.size(),
                 xj::formatProblems(problems).c_str());
    return 1;
  }
  // Write, then load the whole directory as the hub would; put back what was there on failure.
  std::string previous;
  bool existed = fs::exists(target);
  if (existed) {
    std::ifstream old(target, std::ios::binary);
    previous.assign(std::istreambuf_iterator<char>(old), std::istreambuf_iterator<char>());
  }
  auto write = [&](const std::string& content) {
    fs::path tmp = fs::path(out_dir) / ("." + name + ".tmp");
    {
      std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
      f << content;
      if (!f.flush()) return false;
    }
    fs::rename(tmp, target, ec);  // atomic: a SIGHUP never sees half a file
    return !ec;
  };
  if (!write(xj::household::calendarFileJson(y))) {
    std::fprintf(stderr, "cannot write %s\n", target.c_str());
    return 1;
  }
  xj::Problems dir_problems;
  if (auto all = xj::household::loadStandards(out_dir, dir_problems); !all.isOk()) {
    if (existed)
      (void)write(previous);
    else
      fs::remove(target, ec);
    std::fprintf(stderr, "%s would not load (left as it was): %zu problem(s):\n%s", out_dir.c_str(),
                 dir_problems.size(), xj::formatProblems(dir_problems).c_str());
    return 1;
  }
  for (const auto& w : xj::household::statutoryDaysNotOff(y))
    std::fprintf(stderr, "warning: %s is a statutory holiday but a working day here\n", w.c_str());
  std::printf(
      "wrote %s: %zu holidays, %zu make-up working days; send SIGHUP to xianjied to load it\n",
      target.c_str(), y.holidays.size(), y.makeup_workdays.size());
  return 0;
}

// The outbox: list rows (no bodies: they may name a person), or ask the hub to replay a dead
// one. The running hub applies the request within about a second; a stopped hub at its start.
int outboxCommand(int argc, char** argv) {
  if (argc < 3) return usage();
  const std::string verb = argv[2];
  xj::HubConfig config;
  std::vector<char*> rest_args;
  if (!configFromArgs(argc, argv, 3, config, rest_args)) return 1;
  std::vector<std::string> rest(rest_args.begin(), rest_args.end());
  auto table = xj::storage::OutboxTable::open(config.store.path);
  if (!table.isOk()) {
    std::fprintf(stderr, "%s\n", table.status().toString().c_str());
    return 1;
  }
  auto number = [](const std::string& s, int64_t& out) {
    if (s.empty() || s.size() > 18 || s.find_first_not_of("0123456789") != std::string::npos)
      return false;
    out = std::stoll(s);
    return true;
  };
  if (verb == "list") {
    std::optional<xj::OutboxState> state;
    int64_t after = 0;
    for (size_t i = 0; i < rest.size(); ++i) {
      if (rest[i] == "--state" && i + 1 < rest.size()) {
        state = xj::parseOutboxState(rest[++i]);
        if (!state) {
          std::fprintf(stderr, "--state must be pending, delivered or dead\n");
          return 2;
        }
      } else if (rest[i] == "--after" && i + 1 < rest.size()) {
        if (!number(rest[++i], after)) {
          std::fprintf(stderr, "--after must be an outbox id\n");
          return 2;
        }
      } else {
        return usage();
      }
    }
    std::printf("%-8s  %-20s  %-16s  %-26s  %-9s  %-8s  %-25s  %s\n", "ID", "PARTNER", "LANE",
                "KIND", "STATE", "ATTEMPTS", "UPDATED", "LAST_ERROR");
    for (;;) {
      auto rows = table.value()->list(state, after, 500);
      if (!rows.isOk()) {
        std::fprintf(stderr, "%s\n", rows.status().toString().c_str());
        return 1;
      }
      for (const auto& r : rows.value())
        std::printf("%-8lld  %-20s  %-16s  %-26s  %-9s  %-8d  %-25s  %s\n",
                    static_cast<long long>(r.id), r.message.partner.c_str(),
                    r.message.lane_key.c_str(), r.message.kind.c_str(), xj::toString(r.state),
                    r.attempts, r.updated_at.c_str(), r.last_error.c_str());
      if (rows.value().size() < 500) break;
      after = rows.value().back().id;
    }
    return 0;
  }
  if (verb == "replay") {
    int64_t id = 0;
    if (rest.size() != 1 || !number(rest[0], id)) return usage();
    auto s = table.value()->requestReplay(id, "cli",
                                          xj::formatRfc3339(std::chrono::system_clock::now()));
    if (!s.isOk()) {
      std::fprintf(stderr, "%s\n", s.message().c_str());
      return s.code() == xj::StatusCode::kNotFound || s.code() == xj::StatusCode::kConflict ? 2 : 1;
    }
    std::printf(
        "replay of outbox row %lld requested; the running hub applies it within about a "
        "second\n",
        static_cast<long long>(id));
    return 0;
  }
  return usage();
}

int main(int argc, char** argv) {
  if (argc >= 2 && std::string(argv[1]) == "outbox") return outboxCommand(argc, argv);
  if (argc >= 2 && std::string(argv[1]) == "token") return tokenCommand(argc, argv);
  if (argc >= 2 && std::string(argv[1]) == "mqtt-acl") return mqttAclCommand(argc, argv);
  if (argc >= 2 && std::string(argv[1]) == "eval") return evalCommand(argc, argv);
  if (argc >= 2 && std::string(argv[1]) == "routes") return routesCommand(argc, argv);
  if (argc >= 2 && std::string(argv[1]) == "calendar") return calendarCommand(argc, argv);
  return usage();
}
