// Every config loader (hub config, routes, partners, villages, the three standards files and the
// calendar import) meets values of the wrong JSON type: each one is an error naming its JSON path,
// never an assertion, a crash or a value silently taken as absent. The sweep replaces every value
// of a document the loader accepts, one at a time, by each JSON type it does not have; the named
// cases below show the messages.
#include <rapidjson/document.h>
#include <rapidjson/pointer.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <sys/stat.h>
#include <unistd.h>
#include <catch2/catch.hpp>

#include <cstdlib>
#include <fstream>
#include <functional>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "config/calendar_import.h"
#include "config/hub_config.h"
#include "config/jsonc_file.h"
#include "config/partners_config.h"
#include "config/routes_config.h"
#include "config/standards.h"
#include "config/villages_config.h"
#include "tests/unit/rules/test_support.h"

using namespace xj;

namespace {

using Loader = std::function<bool(const std::string& text, Problems&)>;

// Values a loader may take in another type: documentation it never reads ("*"), or a value
// whose accepted types are wider than the example's (the letters of the replacement kinds).
struct Allowed {
  std::regex path;
  std::string kinds;  // "*" or letters of kReplacements
};

struct Replacement {
  char kind;
  const char* json;
};
// null, boolean, integer, decimal, string, array, object.
const Replacement kReplacements[] = {{'n', "null"},  {'b', "false"}, {'i', "7"}, {'d', "2.5"},
                                     {'s', "\"x\""}, {'a', "[]"},    {'o', "{}"}};

char kindOf(const rapidjson::Value& v) {
  if (v.IsNull()) return 'n';
  if (v.IsBool()) return 'b';
  if (v.IsInt64() || v.IsUint64()) return 'i';
  if (v.IsNumber()) return 'd';
  if (v.IsString()) return 's';
  return v.IsArray() ? 'a' : 'o';
}

const TownshipDirectory& townships() { return xj::testing::sharedStandards().townships; }

std::string fileText(const std::string& relative) {
  std::ifstream in(std::string(XJ_SOURCE_DIR) + "/" + relative);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// A file of `mode` holding `contents` (a webhook secret, a CA file).
std::string tempFile(const std::string& contents, mode_t mode) {
  char name[] = "/tmp/xj-wrong-types-XXXXXX";
  int fd = mkstemp(name);
  REQUIRE(fd >= 0);
  ::close(fd);
  std::ofstream(name) << contents;
  ::chmod(name, mode);
  return name;
}

bool namesPath(const Problems& ps, const std::string& path) {
  for (const auto& p : ps)
    if (p.path == path || p.path.rfind(path + "/", 0) == 0) return true;
  return false;
}

std::string serialize(const rapidjson::Value& v) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  v.Accept(w);
  return std::string(buf.GetString(), buf.GetSize());
}

struct Sweep {
  std::string name;
  const Loader& load;
  const std::vector<Allowed>& allowed;
  rapidjson::Document doc;
  std::vector<std::string> failures;
  int tried = 0;

  bool isAllowed(const std::string& path, char kind) const {
    for (const auto& a : allowed)
      if (std::regex_match(path, a.path) &&
          (a.kinds == "*" || a.kinds.find(kind) != std::string::npos))
        return true;
    return false;
  }

  // Replaces the value at `pointer` (`path`) by each other kind, then goes into its members and
  // its first two elements (the rest of a list are alike).
  void visit(const rapidjson::Pointer& pointer, const std::string& path,
             const rapidjson::Value& value) {
    const char original = kindOf(value);
    for (const auto& r : kReplacements) {
      if (r.kind == original || (original == 'd' && r.kind == 'i')) continue;
      if (isAllowed(path, r.kind)) continue;
      rapidjson::Document copy;
      copy.CopyFrom(doc, copy.GetAllocator());
      rapidjson::Document replacement(&copy.GetAllocator());
      replacement.Parse(r.json);
      pointer.Set(copy, replacement);
      Problems ps;
      ++tried;
      bool accepted = load(serialize(copy), ps);
      if (accepted)
        failures.push_back(name + " " + path + " = " + r.json + ": accepted");
      else if (!namesPath(ps, path))
        failures.push_back(name + " " + path + " = " + r.json + ": refused without naming it (" +
                           formatProblems(ps) + ")");
    }
    if (value.IsObject()) {
      for (auto it = value.MemberBegin(); it != value.MemberEnd(); ++it) {
        std::string key(it->name.GetString(), it->name.GetStringLength());
        visit(pointer.Append(key.c_str(), static_cast<rapidjson::SizeType>(key.size())),
              path + "/" + key, it->value);
      }
    } else if (value.IsArray()) {
      for (rapidjson::SizeType i = 0; i < value.Size() && i < 2; ++i)
        visit(pointer.Append(i), path + "/" + std::to_string(i), value[i]);
    }
  }
};

// Runs the sweep over `text` (JSON with comments), which `load` must accept as it is.
void sweep(const std::string& name, const std::string& text, const Loader& load,
           const std::vector<Allowed>& allowed = {}) {
  Problems ps;
  bool loads = load(text, ps);
  INFO(name << ": " << formatProblems(ps));
  REQUIRE(loads);
  Sweep s{name, load, allowed, {}, {}, 0};
  s.doc.Parse<kJsoncParseFlags>(text.c_str(), text.size());
  REQUIRE_FALSE(s.doc.HasParseError());
  for (auto it = s.doc.MemberBegin(); it != s.doc.MemberEnd(); ++it) {
    std::string key(it->name.GetString(), it->name.GetStringLength());
    s.visit(rapidjson::Pointer().Append(key.c_str(), static_cast<rapidjson::SizeType>(key.size())),
            "/" + key, it->value);
  }
  std::string all;
  for (const auto& f : s.failures) all += f + "\n";
  INFO(s.tried << " replacements tried in " << name << "; wrong types not reported:\n" << all);
  CHECK(s.failures.empty());
  CHECK(s.tried > 20);
}

const Loader kHubConfig = [](const std::string& t, Problems& p) {
  return parseHubConfig(t, p).isOk();
};
const Loader kRoutes = [](const std::string& t, Problems& p) {
  return parseRoutes(t, townships(), p).isOk();
};
const Loader kPartners = [](const std::string& t, Problems& p) {
  return parsePartners(t, townships(), p).isOk();
};
const Loader kVillages = [](const std::string& t, Problems& p) {
  return parseVillages(t, townships(), p).isOk();
};
const Loader kParameters = [](const std::string& t, Problems& p) {
  return household::parseParametersJson(t, p).isOk();
};
const Loader kHolidays = [](const std::string& t, Problems& p) {
  return household::parseHolidaysJson(t, p).isOk();
};
const Loader kTownships = [](const std::string& t, Problems& p) {
  return household::parseTownshipsJson(t, p).isOk();
};
const Loader kArrangement = [](const std::string& t, Problems& p) {
  return household::parseArrangement(t, p).isOk();
};

// Problems as "path: problem" lines, for the named cases.
std::string problemsOf(const Loader& load, const std::string& text) {
  Problems ps;
  CHECK_FALSE(load(text, ps));
  std::string out;
  for (const auto& p : ps) out += p.path + ": " + p.problem + "\n";
  return out;
}

}  // namespace

TEST_CASE("every value of the hub config in a wrong type is an error at its path",
          "[config][wrong_types]") {
  // $schema is for editors; the hub never reads it.
  sweep("hub.example.jsonc", fileText("config/hub.example.jsonc"), kHubConfig,
        {{std::regex("/\\$schema"), "*"}});
}

TEST_CASE("every value of the routes in a wrong type is an error at its path",
          "[config][wrong_types]") {
  sweep("routes.jsonc", fileText("config/routes.jsonc"), kRoutes,
        {{std::regex("/\\$schema"), "*"}});
}

TEST_CASE("every value of the partners in a wrong type is an error at its path",
          "[config][wrong_types]") {
  sweep("partners.jsonc", fileText("config/partners.jsonc"), kPartners,
        {{std::regex("/\\$schema"), "*"}});
  // Each channel kind and the platform upload, which the shipped file does not use.
  const std::string secret = tempFile("0123456789abcdef0123456789abcdef\n", 0600);
  const std::string ca = tempFile("not read here, only opened\n", 0644);
  sweep("partners with channels",
        R"({"partners": [
          {"org": "ngo-a", "name": "A", "services": ["food"], "townships": ["451229202"],
           "channel": {"type": "webhook", "url": "https://a.example/hook", "secret_file": ")" +
            secret + R"(", "ca_file": ")" + ca + R"("}},
          {"org": "ngo-b", "name": "B", "services": ["medical"], "townships": ["*"],
           "capacity": "full", "channel": {"type": "mqtt", "topic": "partners/b",
           "secret_file": ")" +
            secret + R"("}}],
          "platform": {"enabled": true, "fields": ["township"],
                       "channel": {"type": "mqtt", "topic": "platform/up"}}})",
        kPartners);
  ::unlink(secret.c_str());
  ::unlink(ca.c_str());
}

TEST_CASE("every value of the villages in a wrong type is an error at its path",
          "[config][wrong_types]") {
  sweep("villages.jsonc", fileText("config/villages.jsonc"), kVillages,
        {{std::regex("/\\$schema"), "*"}});
}

TEST_CASE("every value of the standards files in a wrong type is an error at its path",
          "[config][wrong_types]") {
  // The parameters carry their sources and notes for people; a value's own type is checked by
  // its slot, which takes any number where the example has an integer.
  sweep("parameters.json", fileText("config/standards/parameters.json"), kParameters,
        {{std::regex("/_meta(/.*)?"), "*"},
         {std::regex("/[^/]+/(unit|description)(/.*)?"), "*"},
         {std::regex("/[^/]+/values/[^/]+/(status|note|source)(/.*)?"), "*"},
         {std::regex("/[^/]+/values/[^/]+/value(/.*)?"), "d"}});
  // The calendar file's prose, its notice list and each day's name are for people.
  sweep("holidays-2024-2026.json", fileText("config/standards/holidays-2024-2026.json"), kHolidays,
        {{std::regex("/(schema|rule|note)"), "*"},
         {std::regex("/years/[0-9]+/source_notice(/.*)?"), "*"},
         {std::regex("/years/[0-9]+/(holidays|makeup_workdays)/[0-9]+/name"), "*"}});
  sweep("dahua-townships.json", fileText("config/standards/dahua-townships.json"), kTownships,
        {{std::regex("/(county|source|note)(/.*)?"), "*"},
         {std::regex("/townships/[0-9]+/kind"), "*"}});
}

TEST_CASE("every value of a calendar import in a wrong type is an error at its path",
          "[config][wrong_types]") {
  sweep("holiday-cn arrangement",
        R"({"year": 2027, "days": [{"name": "元旦", "date": "2027-01-01", "isOffDay": true},
            {"name": "春节", "date": "2027-02-13", "isOffDay": false}]})",
        kArrangement);
  sweep("hub-format arrangement",
        R"({"years": {"2027": {"source_notice": ["国办发明电〔2026〕1号"],
            "holidays": [{"date": "2027-01-01", "name": "元旦"}, "2027-02-09"],
            "makeup_workdays": [{"date": "2027-02-13", "name": "春节"}]}}})",
        kArrangement);
}

TEST_CASE("wrong types are named with their path and the type wanted", "[config][wrong_types]") {
  CHECK_THAT(problemsOf(kHubConfig, R"({"http": {"port": 80.5}, "mqtt": []})"),
             Catch::Contains("/http/port: must be an integer") &&
                 Catch::Contains("/mqtt: must be an object"));
  CHECK_THAT(problemsOf(kPartners, R"({"partners": [{"org": "a", "name": "A",
      "services": ["food"], "townships": "*", "channel": {"type": "poll"}, "fields": 3}]})"),
             Catch::Contains("/partners/0/townships: must be an array of strings") &&
                 Catch::Contains("/partners/0/fields: must be an array of strings"));
  CHECK_THAT(problemsOf(kRoutes, R"({"version": 3, "queues": [{"id": "q", "name_zh": 1}],
      "rules": [{"name": "r", "description": [], "to": ["q"]}]})"),
             Catch::Contains("/version: must be a string") &&
                 Catch::Contains("/queues/0/name_zh: must be a string") &&
                 Catch::Contains("/rules/0/description: must be a string"));
  CHECK_THAT(
      problemsOf(kTownships,
                 R"({"townships": [{"code": "451229100", "name": "大化镇", "pilot": "yes"}]})"),
      Catch::Contains("/townships/0/pilot: must be true or false"));
  CHECK_THAT(problemsOf(kArrangement, R"({"year": 2027, "days": [
      {"name": 1, "date": "2027-01-01", "isOffDay": true}]})"),
             Catch::Contains("/days/0/name: must be a string"));
  CHECK_THAT(problemsOf(kArrangement, R"({"years": {"2027": {"source_notice": "国办",
      "holidays": [], "makeup_workdays": []}}})"),
             Catch::Contains("/years/2027/source_notice: must be an array of strings"));
}
