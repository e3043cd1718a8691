#include <catch2/catch.hpp>

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <set>
#include <string>

#include "config/hub_config.h"

using namespace xj;

namespace {
std::string writeTemp(const std::string& text) {
  const char* tmp = std::getenv("TMPDIR");
  std::string name = std::string(tmp && *tmp ? tmp : "/tmp") + "/xj-config-XXXXXX";
  int fd = mkstemp(name.data());
  REQUIRE(fd >= 0);
  close(fd);
  std::ofstream(name) << text;
  return name;
}
}  // namespace

TEST_CASE("the shipped example config is valid", "[config]") {
  Problems ps;
  auto c = loadHubConfig(std::string(XJ_SOURCE_DIR) + "/config/hub.example.jsonc", ps);
  INFO(formatProblems(ps));
  CHECK(c.isOk());
}

TEST_CASE("comments and trailing commas are accepted", "[config]") {
  auto path = writeTemp("// c\n{ \"http\": { \"port\": 9000, /* x */ }, }\n");
  Problems ps;
  auto c = loadHubConfig(path, ps);
  REQUIRE(c.isOk());
  CHECK(c.value().http.port == 9000);
  std::remove(path.c_str());
}

TEST_CASE("every config error is reported at once with its path", "[config]") {
  auto path = writeTemp(R"({"http": {"port": "x", "threads": 0, "bogus": 1},
                            "store": {"queue_capacity": -5}, "log_level": "loud", "nope": {}})");
  Problems ps;
  auto c = loadHubConfig(path, ps);
  CHECK_FALSE(c.isOk());
  std::string all = formatProblems(ps);
  for (const char* p : {"/http/port", "/http/threads", "/http/bogus", "/store/queue_capacity",
                        "/log_level", "/nope"}) {
    INFO(p);
    CHECK(all.find(p) != std::string::npos);
  }
  CHECK(ps.size() == 6);
  std::remove(path.c_str());
}

TEST_CASE("a missing file or bad JSON is an error, not defaults", "[config]") {
  Problems ps;
  CHECK_FALSE(loadHubConfig("/nonexistent/xj.jsonc", ps).isOk());
  auto path = writeTemp("{ \"http\": ");
  Problems ps2;
  CHECK_FALSE(loadHubConfig(path, ps2).isOk());
  CHECK(ps2.size() == 1);
  std::remove(path.c_str());
}

TEST_CASE("loopback addresses are told from the others", "[config]") {
  for (const char* a : {"127.0.0.1", "127.8.9.10", "::1", "::ffff:127.0.0.1"}) {
    INFO(a);
    CHECK(isLoopbackAddress(a));
  }
  for (const char* a : {"0.0.0.0", "10.0.0.1", "::", "::ffff:10.0.0.1", "localhost", "", "::2"}) {
    INFO(a);
    CHECK_FALSE(isLoopbackAddress(a));
  }
}

TEST_CASE("plain HTTP beyond loopback needs allow_plaintext; a certificate needs its key",
          "[config]") {
  auto load = [](const std::string& http, Problems& ps) {
    auto path = writeTemp("{\"http\": {" + http + "}}");
    auto c = loadHubConfig(path, ps);
    std::remove(path.c_str());
    return c.isOk();
  };
  Problems ps;
  CHECK_FALSE(load(R"("listen": "0.0.0.0")", ps));
  CHECK(formatProblems(ps).find("/http/listen: plain HTTP on 0.0.0.0") != std::string::npos);
  Problems ps2;
  CHECK(load(R"("listen": "0.0.0.0", "allow_plaintext": true)", ps2));
  Problems ps3;
  CHECK(load(R"("listen": "10.1.2.3", "tls": {"cert_file": "c.pem", "key_file": "k.pem"})", ps3));
  Problems ps4;
  CHECK_FALSE(load(R"("tls": {"cert_file": "c.pem"})", ps4));
  CHECK(formatProblems(ps4).find("/http/tls/key_file") != std::string::npos);
  Problems ps5;
  CHECK_FALSE(load(R"("tls": {"expiry_warn_days": -1, "bogus": 1})", ps5));
  CHECK(ps5.size() == 2);
}

TEST_CASE("the config parses from bytes as from its file, only the origin differs", "[config]") {
  const std::string text = "{ \"http\": { \"port\": 9001 }, \"log_level\": \"warn\" }";
  auto path = writeTemp(text);
  Problems from_file, from_bytes;
  auto loaded = loadHubConfig(path, from_file);
  auto parsed = parseHubConfig(text, from_bytes);
  REQUIRE(loaded.isOk());
  REQUIRE(parsed.isOk());
  CHECK(parsed.value().http.port == loaded.value().http.port);
  CHECK(parsed.value().log_level == "warn");
  CHECK(loaded.value().config_path == path);
  CHECK(parsed.value().config_path.empty());
  Problems bad;
  CHECK_FALSE(parseHubConfig("{\"http\": {\"port\": -1}}", bad).isOk());
  CHECK(formatProblems(bad).find("/http/port") != std::string::npos);
  std::remove(path.c_str());
}

TEST_CASE("a TLS broker uri needs tls_ca; TLS files need a TLS uri", "[config]") {
  auto problemsOf = [](const std::string& mqtt) {
    Problems ps;
    CHECK_FALSE(parseHubConfig(R"({"mqtt": {)" + mqtt + "}}", ps).isOk());
    return formatProblems(ps);
  };
  CHECK_THAT(problemsOf(R"("uri": "ssl://broker:8883")"),
             Catch::Contains("/mqtt/tls_ca: an ssl:// or mqtts:// uri needs the CA file"));
  CHECK_THAT(problemsOf(R"("uri": "mqtts://broker:8883")"), Catch::Contains("/mqtt/tls_ca:"));
  CHECK_THAT(problemsOf(R"("uri": "tcp://broker:1883", "tls_ca": "/etc/ca.pem")"),
             Catch::Contains("/mqtt/uri: TLS files are set but the uri is plain"));
  // Together they load; with MQTT off neither is looked at.
  Problems ps;
  CHECK(parseHubConfig(R"({"mqtt": {"uri": "ssl://broker:8883", "tls_ca": "/etc/ca.pem"}})", ps)
            .isOk());
  CHECK(parseHubConfig(R"({"mqtt": {"enabled": false, "uri": "ssl://broker:8883"}})", ps).isOk());
  INFO(formatProblems(ps));
  CHECK(ps.empty());
}

TEST_CASE("audit.retention_days: default ten years, refused below a year by its path", "[config]") {
  Problems none;
  auto defaults = parseHubConfig("{}", none);
  REQUIRE(defaults.isOk());
  CHECK(defaults.value().audit.retention_days == 3650);
  CHECK(defaults.value().audit.enabled);

  Problems ok;
  auto year = parseHubConfig(R"({"audit": {"retention_days": 365, "enabled": false}})", ok);
  REQUIRE(year.isOk());
  CHECK(year.value().audit.retention_days == 365);
  CHECK_FALSE(year.value().audit.enabled);

  Problems ps;
  CHECK_FALSE(parseHubConfig(R"({"audit": {"retention_days": 364}})", ps).isOk());
  REQUIRE(ps.size() == 1);
  CHECK(ps[0].path == "/audit/retention_days");
  CHECK(ps[0].problem.find("at least 365") != std::string::npos);
}

TEST_CASE("backup: off by default; every problem named with its path", "[config]") {
  Problems none;
  auto defaults = parseHubConfig("{}", none);
  REQUIRE(defaults.isOk());
  CHECK_FALSE(defaults.value().backup.enabled);
  CHECK(defaults.value().backup.every_hours == 24);
  CHECK(defaults.value().backup.keep == 7);

  Problems ok;
  auto set = parseHubConfig(
      R"({"backup": {"enabled": true, "dir": "/mnt/b", "every_hours": 6, "keep": 3}})", ok);
  REQUIRE(set.isOk());
  CHECK(set.value().backup.dir == "/mnt/b");
  CHECK(set.value().backup.every_hours == 6);
  CHECK(set.value().backup.keep == 3);

  Problems ps;
  CHECK_FALSE(
      parseHubConfig(R"({"backup": {"enabled": true, "every_hours": 0, "keep": 0, "kept": 1}})", ps)
          .isOk());
  std::set<std::string> paths;
  for (const auto& p : ps) paths.insert(p.path);
  CHECK(paths == std::set<std::string>{"/backup/dir", "/backup/every_hours", "/backup/keep",
                                       "/backup/kept"});
}
