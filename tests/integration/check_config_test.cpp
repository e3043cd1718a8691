// `xianjied --check-config` answers ok only when the daemon would start: it loads every file the
// daemon loads at start (standards, routes, partners with their secret files, villages, the
// person-key file, the broker's certificates when configured) and names the file of each
// problem; the daemon refuses the same configurations with the same paths in its log.
#include <catch2/catch.hpp>

#include <functional>
#include <string>
#include <vector>

#include "tests/support/child_process.h"
#include "tests/support/daemon.h"
#include "tests/support/test_env.h"

using namespace xj::test;

namespace {

int checkConfig(const Daemon& d, std::string& out) {
  int code = 0;
  out = runCommand(std::string(XJ_DAEMON) + " --check-config '" + d.configPath() + "' 2>&1", &code);
  return code;
}

// Replaces `from` by `to` in the daemon's config file.
void editConfig(const Daemon& d, const std::string& from, const std::string& to) {
  runCommand("sed -i 's|" + from + "|" + to + "|' '" + d.configPath() + "'");
}

const char* kFilePartner = R"({
  "partners": [
    {"org": "charity-1", "name": "一号慈善会", "services": ["food"], "townships": ["*"],
     "capacity": "available", "channel": {"type": "webhook", "url": "file:///etc/passwd"}}
  ],
  "platform": {"enabled": false}
})";

}  // namespace

TEST_CASE("--check-config refuses what the daemon refuses, naming each file", "[config]") {
  const std::string standards = std::string(XJ_SOURCE_DIR) + "/config/standards";
  struct Case {
    const char* name;
    std::string routes;                   // the Daemon's routes_path ("" the shipped one)
    std::function<void(Daemon&)> break_;  // makes the configuration bad
    std::vector<std::string> expect;      // each in --check-config's output and the daemon's log
  };
  const std::vector<Case> cases{
      {"a partner webhook at a file:// URL",
       "",
       [](Daemon& d) { d.writePartners(kFilePartner); },
       {"partners.jsonc", "/partners/0/channel/url"}},
      {"a missing routes file",
       "/nonexistent/xianjie/routes.jsonc",
       [](Daemon&) {},
       {"/nonexistent/xianjie/routes.jsonc"}},
      {"a bad standards file",
       "",
       [&](Daemon& d) {
         runCommand("cp -r '" + standards + "' '" + d.dir() + "/standards' && echo '{oops' > '" +
                    d.dir() + "/standards/parameters.json'");
         editConfig(d, standards, d.dir() + "/standards");
       },
       {"/standards/parameters.json"}},
      {"a missing villages file",
       "",
       [&](Daemon& d) {
         editConfig(d, std::string(XJ_SOURCE_DIR) + "/config/villages.jsonc",
                    d.dir() + "/villages.jsonc");
       },
       {"/villages.jsonc"}},
      {"a bad partners file and a missing routes file: both",
       "/nonexistent/xianjie/routes.jsonc",
       [](Daemon& d) { d.writePartners(kFilePartner); },
       {"/nonexistent/xianjie/routes.jsonc", "/partners/0/channel/url"}},
  };
  for (const auto& c : cases) {
    SECTION(c.name) {
      Daemon d("", "", c.routes);
      c.break_(d);
      std::string out;
      CHECK(checkConfig(d, out) == 1);
      CHECK(out.find(": ok") == std::string::npos);
      CHECK_THROWS(d.start());
      for (const auto& e : c.expect) {
        INFO(e << "\n--check-config:\n" << out << "\nlog:\n" << d.log());
        CHECK(out.find(e) != std::string::npos);
        CHECK(d.log().find(e) != std::string::npos);
      }
    }
  }
  SECTION("a good configuration: ok, and the daemon starts") {
    Daemon d;
    std::string out;
    CHECK(checkConfig(d, out) == 0);
    CHECK(out.find(": ok") != std::string::npos);
    d.start();
    CHECK(d.terminate() == 0);
  }
}
