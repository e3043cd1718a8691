// The shipped alert rules (config/prometheus/xianjie-alerts.yml) and dashboard
// (config/grafana/xianjie-dashboard.json) against the hub itself: promtool loads the rules and
// runs their unit tests (tests/data/prometheus), the dashboard is JSON with a data source
// variable, and every metric name either file uses is a family the real xianjied exports, with
// MQTT and HTTPS on (a family counts when its `# TYPE` line is there, even with no series yet).
// promtool comes from Debian's prometheus package (scripts/setup); without it those steps are
// skipped with a warning and the names are still checked.
#include <rapidjson/document.h>
#include <catch2/catch.hpp>

#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>

#include "tests/support/daemon.h"
#include "tests/support/mosquitto.h"
#include "tests/support/test_env.h"
#include "tests/support/tls_client.h"

using namespace xj::test;

namespace {

const std::string kRules = std::string(XJ_SOURCE_DIR) + "/config/prometheus/xianjie-alerts.yml";
const std::string kRuleTests =
    std::string(XJ_SOURCE_DIR) + "/tests/data/prometheus/xianjie-alerts.test.yml";
const std::string kDashboard =
    std::string(XJ_SOURCE_DIR) + "/config/grafana/xianjie-dashboard.json";

std::string readFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

struct CommandResult {
  int exit_code = -1;
  std::string output;  // stdout and stderr together
};

// Runs a shell command (our own fixed words and paths, never test input), capturing its output.
CommandResult run(const std::string& command, const std::string& out_file) {
  int rc = std::system((command + " >" + out_file + " 2>&1").c_str());
  CommandResult r;
  r.exit_code = WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
  r.output = readFile(out_file);
  return r;
}

bool havePromtool() { return std::system("command -v promtool >/dev/null 2>&1") == 0; }

// Every xianjie_* name a text uses (PromQL in YAML or JSON, and the prose around it).
std::set<std::string> metricNames(const std::string& text) {
  static const std::regex name(R"(xianjie_[a-z0-9_]*[a-z0-9])");
  std::set<std::string> out;
  for (auto it = std::sregex_iterator(text.begin(), text.end(), name); it != std::sregex_iterator();
       ++it)
    out.insert(it->str());
  return out;
}

// The families of an exposition text: name -> type, from its `# TYPE` lines.
std::map<std::string, std::string> families(const std::string& exposition) {
  std::map<std::string, std::string> out;
  std::istringstream in(exposition);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("# TYPE ", 0) != 0) continue;
    std::istringstream words(line.substr(7));
    std::string name, type;
    words >> name >> type;
    out[name] = type;
  }
  return out;
}

// Whether `name` is an exported family, or one of a histogram's series (_bucket, _sum, _count).
bool exported(const std::map<std::string, std::string>& fams, const std::string& name) {
  if (fams.count(name)) return true;
  for (const char* suffix : {"_bucket", "_sum", "_count"}) {
    const std::string s(suffix);
    if (name.size() > s.size() && name.compare(name.size() - s.size(), s.size(), s) == 0) {
      auto it = fams.find(name.substr(0, name.size() - s.size()));
      if (it != fams.end() && it->second == "histogram") return true;
    }
  }
  return false;
}

// /metrics of a hub with every optional part on that a rule or panel names: MQTT (a real
// broker) and HTTPS (a certificate from a test CA), so its families are all registered.
std::string scrapeFullHub() {
  Mosquitto broker;
  TestCa ca(makeTempDir("xianjie-ca-"));
  ca.issue("hub", "DNS:localhost,IP:127.0.0.1");
  Daemon d("",
           R"("tls": {"cert_file": ")" + ca.certFile("hub") + R"(", "key_file": ")" +
               ca.keyFile("hub") + "\"}",
           "",
           "\"uri\": \"" + broker.uri() + "\", \"client_id\": \"hub-" +
               std::to_string(broker.port()) + "\"");
  d.start();
  TlsConnection c(d.port(), TlsClientOptions{});
  REQUIRE(c.connected());
  auto res = c.request("GET", "/metrics");
  REQUIRE(res.status == 200);
  CHECK(d.terminate() == 0);
  return res.body;
}

}  // namespace

TEST_CASE("Alert rules and dashboard: promtool accepts them, every name is exported", "[alerts]") {
  const std::string dir = makeTempDir("xianjie-alerts-");
  const bool promtool = havePromtool();
  if (!promtool)
    WARN(
        "promtool not found (Debian's prometheus package; scripts/setup installs it): "
        "skipping `promtool check rules`, `test rules` and `check metrics`");

  if (promtool) {
    auto check = run("promtool check rules " + kRules, dir + "/check.txt");
    INFO(check.output);
    CHECK(check.exit_code == 0);
    auto tests = run("promtool test rules " + kRuleTests, dir + "/test.txt");
    INFO(tests.output);
    CHECK(tests.exit_code == 0);
  }

  // The dashboard: JSON, a data source variable its panels use, a query in every panel.
  const std::string dashboard_text = readFile(kDashboard);
  rapidjson::Document dash;
  dash.Parse(dashboard_text.c_str(), dashboard_text.size());
  REQUIRE_FALSE(dash.HasParseError());
  REQUIRE(dash.IsObject());
  bool datasource_variable = false;
  for (const auto& v : dash["templating"]["list"].GetArray())
    if (std::string(v["type"].GetString()) == "datasource") datasource_variable = true;
  CHECK(datasource_variable);
  int queries = 0;
  for (const auto& p : dash["panels"].GetArray()) {
    if (std::string(p["type"].GetString()) == "row") continue;
    INFO("panel " << p["title"].GetString());
    CHECK(std::string(p["datasource"]["uid"].GetString()) == "${datasource}");
    REQUIRE(p.HasMember("targets"));
    CHECK(p["targets"].Size() > 0);
    for (const auto& t : p["targets"].GetArray())
      if (!std::string(t["expr"].GetString()).empty()) ++queries;
  }
  CHECK(queries > 20);

  // Every name used is a family of the real hub's /metrics.
  const std::string exposition = scrapeFullHub();
  const auto fams = families(exposition);
  const auto rule_names = metricNames(readFile(kRules));
  const auto panel_names = metricNames(dashboard_text);
  CHECK(rule_names.size() >= 14);
  CHECK(panel_names.size() >= 30);
  for (const auto* names : {&rule_names, &panel_names})
    for (const auto& name : *names) {
      INFO("named in " << (names == &rule_names ? kRules : kDashboard) << ": " << name);
      CHECK(exported(fams, name));
    }

  if (promtool) {
    std::ofstream(dir + "/metrics.txt") << exposition;
    // promtool's lint, but for one known name: xianjie_calendar_days_left counts days (its
    // base unit would be seconds); renaming a family breaks whatever scrapes it already.
    auto lint = run("promtool check metrics <" + dir + "/metrics.txt", dir + "/lint.txt");
    std::istringstream problems(lint.output);
    int known = 0;
    for (std::string line; std::getline(problems, line);) {
      if (line.empty()) continue;
      if (line.rfind("xianjie_calendar_days_left use base unit", 0) == 0) {
        ++known;
        continue;
      }
      FAIL_CHECK("promtool check metrics: " << line);
    }
    CHECK(known <= 1);
  }
  if (!currentTestFailed()) std::filesystem::remove_all(dir);
}
