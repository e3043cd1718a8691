// The partner directory loader (config/partners_config.h): the shipped file loads, every
// problem is reported at once with its JSON path, secrets are read from their files, and the
// defaults keep ID numbers and exact addresses from leaving.
#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <string>

#include "config/hub_config.h"
#include "config/partners_config.h"
#include "tests/unit/rules/test_support.h"

using namespace xj;

namespace {

const TownshipDirectory& townships() { return xj::testing::sharedStandards().townships; }

std::string tempSecret(const std::string& contents) {
  char name[] = "/tmp/xj-partner-secret-XXXXXX";
  int fd = mkstemp(name);
  REQUIRE(fd >= 0);
  ::close(fd);
  std::ofstream(name) << contents;
  return name;
}

bool hasProblem(const Problems& ps, const std::string& path) {
  for (const auto& p : ps)
    if (p.path == path) return true;
  return false;
}

}  // namespace

TEST_CASE("the shipped partner directory loads", "[config][partners]") {
  Problems ps;
  auto d = loadPartners(std::string(XJ_SOURCE_DIR) + "/config/partners.jsonc", townships(), ps);
  INFO(formatProblems(ps));
  REQUIRE(d.isOk());
  const Partner* demo = d.value()->find("charity-demo");
  REQUIRE(demo != nullptr);
  CHECK(demo->channel.type == ChannelType::kPoll);
  CHECK(demo->servesTownship("451229202"));
  CHECK_FALSE(demo->mayReceive("id_number"));
  CHECK_FALSE(demo->mayReceive("address"));
  CHECK(d.value()->find("nobody") == nullptr);
  CHECK(d.value()->channelFor("platform") == nullptr);  // disabled in the shipped file
  CHECK(d.value()->delivery.max_attempts == 8);
}

TEST_CASE("a webhook partner's secret is read from its file; defaults apply",
          "[config][partners]") {
  auto secret = tempSecret("0123456789abcdef0123456789abcdef\n");
  Problems ps;
  auto d = parsePartners(R"({"partners": [{"org": "ngo-a", "name": "A",
      "services": ["food"], "townships": ["451229202", "江南乡"],
      "channel": {"type": "webhook", "url": "https://a.example/hook", "secret_file": ")" +
                             secret + R"("}}],
      "platform": {"enabled": true, "channel": {"type": "mqtt", "topic": "xianjie/out/platform"}},
      "delivery": {"max_attempts": 3}})",
                         townships(), ps);
  INFO(formatProblems(ps));
  REQUIRE(d.isOk());
  const Partner* a = d.value()->find("ngo-a");
  REQUIRE(a != nullptr);
  CHECK(a->channel.secret == "0123456789abcdef0123456789abcdef");  // trailing newline dropped
  CHECK(a->capacity == PartnerCapacity::kAvailable);
  CHECK(a->fields == kDefaultPartnerFields);
  CHECK(a->servesTownship("451229205"));  // named 江南乡, stored as its code
  CHECK_FALSE(a->servesTownship("451229203"));
  REQUIRE(d.value()->channelFor("platform") != nullptr);
  CHECK(d.value()->channelFor("platform")->topic == "xianjie/out/platform");
  // The platform's default fields: township and village, never the raw ID number.
  CHECK(d.value()->platform.fields == kDefaultPlatformFields);
  CHECK_FALSE(d.value()->platform.mayReceive("id_number"));
  CHECK(d.value()->delivery.max_attempts == 3);
  CHECK(d.value()->delivery.backoff_initial_ms == 500);
  std::remove(secret.c_str());
}

TEST_CASE("a webhook partner may name its own CA file, for an https url only",
          "[config][partners]") {
  auto secret = tempSecret("0123456789abcdef0123456789abcdef\n");
  auto ca = tempSecret("-----BEGIN CERTIFICATE-----\n");
  auto directory = [&](const std::string& url, const std::string& ca_file, Problems& ps) {
    return parsePartners(R"({"partners": [{"org": "ngo-a", "name": "A",
        "services": ["food"], "townships": ["*"],
        "channel": {"type": "webhook", "url": ")" +
                             url + R"(", "secret_file": ")" + secret + R"(", "ca_file": ")" +
                             ca_file + R"("}}]})",
                         townships(), ps);
  };
  Problems ps;
  auto d = directory("https://a.example/hook", ca, ps);
  INFO(formatProblems(ps));
  REQUIRE(d.isOk());
  CHECK(d.value()->find("ngo-a")->channel.ca_file == ca);
  Problems missing;
  CHECK_FALSE(directory("https://a.example/hook", "/nonexistent/ca.pem", missing).isOk());
  CHECK(hasProblem(missing, "/partners/0/channel/ca_file"));
  Problems plain;
  CHECK_FALSE(directory("http://a.example/hook", ca, plain).isOk());
  CHECK(hasProblem(plain, "/partners/0/channel/ca_file"));
  std::remove(secret.c_str());
  std::remove(ca.c_str());
}

TEST_CASE("every partner problem is reported at once with its path", "[config][partners]") {
  auto short_secret = tempSecret("short");
  Problems ps;
  auto d = parsePartners(R"({
    "partners": [
      {"org": "Bad Org!", "name": "", "services": ["food", "banana"], "townships": ["999999999"],
       "capacity": "plenty", "channel": {"type": "pigeon"}, "fields": ["name", "salary"],
       "accept_within_working_days": 0, "colour": "red"},
      {"org": "ngo-b", "name": "B", "services": [], "townships": ["*", "451229202"],
       "channel": {"type": "webhook", "url": "ftp://b", "secret_file": ")" +
                             short_secret + R"("}},
      {"org": "ngo-b", "name": "B2", "services": ["food"], "townships": ["*"],
       "channel": {"type": "webhook", "url": "https://b2", "secret_file": "/nonexistent/key"}},
      {"org": "platform", "name": "P", "services": ["food"], "townships": ["*"],
       "channel": {"type": "mqtt", "topic": "out/#"}},
      {"name": "no org", "services": ["food"], "townships": ["*"]}
    ],
    "platform": {"enabled": true, "fields": ["village", "name"]},
    "delivery": {"max_attempts": 0, "backoff_initial_ms": 1000, "backoff_max_ms": 10},
    "extra": 1
  })",
                         townships(), ps);
  CHECK_FALSE(d.isOk());
  INFO(formatProblems(ps));
  for (const char* path : {"/partners/0/org",
                           "/partners/0/name",
                           "/partners/0/services/1",
                           "/partners/0/townships/0",
                           "/partners/0/capacity",
                           "/partners/0/channel/type",
                           "/partners/0/fields/1",
                           "/partners/0/accept_within_working_days",
                           "/partners/0/colour",
                           "/partners/1/services",
                           "/partners/1/townships",
                           "/partners/1/channel/url",
                           "/partners/1/channel/secret_file",
                           "/partners/2/org",
                           "/partners/2/channel/secret_file",
                           "/partners/3/org",
                           "/partners/3/channel/topic",
                           "/partners/4/org",
                           "/partners/4/channel",
                           "/platform/channel",
                           "/platform/fields/1",
                           "/delivery/max_attempts",
                           "/delivery/backoff_max_ms",
                           "/extra"}) {
    INFO(path);
    CHECK(hasProblem(ps, path));
  }
  // No secret leaks into a problem, only the file's name.
  for (const auto& p : ps) CHECK(p.problem.find("short\"") == std::string::npos);
  std::remove(short_secret.c_str());
}

TEST_CASE("bad JSON and a missing file are errors, not an empty directory", "[config][partners]") {
  Problems ps;
  CHECK_FALSE(loadPartners("/nonexistent/partners.jsonc", townships(), ps).isOk());
  CHECK(ps.size() == 1);
  Problems ps2;
  CHECK_FALSE(parsePartners("{\"partners\": [", townships(), ps2).isOk());
  CHECK(ps2.size() == 1);
  Problems ps3;
  CHECK_FALSE(parsePartners("{}", townships(), ps3).isOk());
  CHECK(hasProblem(ps3, "/partners"));
}

TEST_CASE("the hub config names the partner directory", "[config][partners]") {
  Problems ps;
  auto c = loadHubConfig(std::string(XJ_SOURCE_DIR) + "/config/hub.example.jsonc", ps);
  REQUIRE(c.isOk());
  CHECK(c.value().partners_path == "config/partners.jsonc");
}

TEST_CASE("agencies name the signals each sends; every problem with its path",
          "[config][partners][agency]") {
  Problems ps;
  auto d = parsePartners(R"({"partners": [], "agencies": [
      {"org": "yibao", "name": "县医保局", "signals": ["large_medical_bill", "income_drop"]},
    ]})",
                         townships(), ps);
  INFO(formatProblems(ps));
  REQUIRE(d.isOk());
  const Agency* yibao = d.value()->findAgency("yibao");
  REQUIRE(yibao != nullptr);
  CHECK(yibao->name == "县医保局");
  CHECK(yibao->sends("income_drop"));
  CHECK_FALSE(yibao->sends("school_dropout"));
  // Not listed: no entry, so the agency keeps sending any signal.
  CHECK(d.value()->findAgency("jiaoyu") == nullptr);
  // The shipped file lists its example agency.
  Problems shipped_ps;
  auto shipped =
      loadPartners(std::string(XJ_SOURCE_DIR) + "/config/partners.jsonc", townships(), shipped_ps);
  REQUIRE(shipped.isOk());
  CHECK(shipped.value()->findAgency("medical-insurance-demo") != nullptr);

  Problems bad;
  auto refused = parsePartners(R"({"partners": [], "agencies": [
      {"org": "Yi Bao", "signals": ["flood", "income_drop", "income_drop"], "colour": "red"},
      {"org": "jiaoyu", "name": "教育局"},
      {"org": "jiaoyu", "name": "教育局", "signals": []},
      "not an object",
    ]})",
                               townships(), bad);
  CHECK_FALSE(refused.isOk());
  INFO(formatProblems(bad));
  for (const char* path : {"/agencies/0/org", "/agencies/0/name", "/agencies/0/signals/0",
                           "/agencies/0/signals/2", "/agencies/0/colour", "/agencies/1/signals",
                           "/agencies/2/signals", "/agencies/2/org", "/agencies/3"})
    CHECK(hasProblem(bad, path));
  Problems not_list;
  CHECK_FALSE(parsePartners(R"({"partners": [], "agencies": {}})", townships(), not_list).isOk());
  CHECK(hasProblem(not_list, "/agencies"));
}
