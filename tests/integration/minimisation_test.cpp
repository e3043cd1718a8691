// Field minimisation on the wire (README "Partners and delivery": a partner's `fields`): a
// referral out for a message that described a household leaves for each partner with exactly
// the person fields its directory entry allows, as the partner's own signature-checking
// receiver gets it. Nothing of the household reaches a partner whose fields leave it out.
// All people here are synthetic; assertion messages never print the delivered body.
#include <catch2/catch.hpp>

#include <rapidjson/document.h>

#include <chrono>
#include <fstream>
#include <set>
#include <string>

#include "tests/support/daemon.h"
#include "tests/support/http_client.h"
#include "tests/support/test_env.h"
#include "tests/support/webhook_sink.h"

using namespace xj::test;
using namespace std::chrono_literals;

namespace {

const std::string kTownship = "451229205";
const std::string kQueue = "township-451229205";
const std::string kSecretNarrow = "secret-of-narrow-partner-0123456789ab";
const std::string kSecretWide = "secret-of-wide-partner-0123456789abcd";
// Synthetic: valid check digits, born on the dates the household gives.
const std::string kSubjectId = "451229199001011238";
const std::string kMemberId = "451229199202021248";
const std::string kSubjectName = "测试甲";

const std::string kHousehold =
    R"({"as_of":"2026-12-01","township_code":"451229205","residence":"rural","members":[)"
    R"({"pid":"p1","relation":"applicant","sex":"M","birth_date":"1990-01-01","id_number":")" +
    kSubjectId +
    R"("},{"pid":"p2","relation":"spouse","sex":"F","birth_date":"1992-02-02","id_number":")" +
    kMemberId + R"("}],"assets":{"financial":0}})";

std::string ticket(const std::string& id) {
  return R"({"id":")" + id +
         R"(","kind":"ticket","source":"hotline-1","occurred_at":"2026-12-01T09:30:00+08:00",)"
         R"("subject":{"name":")" +
         kSubjectName + R"(","id_number":")" + kSubjectId +
         R"(","phone":"13900000009","township":")" + kTownship +
         R"(","village":"测试村","household":)" + kHousehold +
         R"(},"body":{"category":"dibao","urgency":"normal","description":"需要食物"}})";
}

std::string partner(const std::string& org, const std::string& url, const std::string& secret_file,
                    const std::string& fields) {
  return R"({"org": ")" + org + R"(", "name": ")" + org +
         R"(", "services": ["food"], "townships": ["*"], "channel": {"type": "webhook", "url": ")" +
         url + R"(", "secret_file": ")" + secret_file + R"("}, "fields": )" + fields + "}";
}

// The object's member names, sorted and comma-separated (names only: safe to print).
std::string keysOf(const rapidjson::Value& v) {
  std::set<std::string> names;
  for (const auto& m : v.GetObject()) names.insert(m.name.GetString());
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ",") + n;
  return out;
}

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

}  // namespace

TEST_CASE("a referral out with a household leaves with exactly each partner's fields",
          "[exchange][minimisation]") {
  WebhookSink narrow(kSecretNarrow), wide(kSecretWide);
  Daemon d(R"("fault_injection": true)");
  auto secret = [&](const std::string& name, const std::string& value) {
    std::string path = d.dir() + "/" + name + ".key";
    writeSecretFile(path, value + "\n");
    return path;
  };
  d.writePartners(R"({"partners": [)" +
                  partner("ngo-narrow", narrow.url(), secret("narrow", kSecretNarrow),
                          R"(["name", "phone", "township", "village", "needs"])") +
                  "," +
                  partner("ngo-wide", wide.url(), secret("wide", kSecretWide),
                          R"(["township", "household", "needs"])") +
                  R"(], "platform": {"enabled": false}})");
  std::string hotline = d.token("hotline-1", "hotline");
  std::string staff = d.token("jiangnan-team", "staff", {kTownship});
  d.start();
  auto send = [&](const std::string& path, const std::string& body, const std::string& token) {
    return httpRequest(
        d.port(), "POST", path, body,
        {{"Authorization", "Bearer " + token}, {"Content-Type", "application/json"}});
  };

  REQUIRE(send("/v1/tickets", ticket("t-min-1"), hotline).status == 202);
  std::string item = d.sql(
      "SELECT i.item_id FROM items i JOIN messages m ON m.hub_seq = i.hub_seq WHERE "
      "m.message_id='t-min-1' AND i.queue='" +
      kQueue + "'");
  while (!item.empty() && item.back() == '\n') item.pop_back();
  REQUIRE(!item.empty());
  // The stored message did carry the household (else the test would prove nothing).
  REQUIRE(d.openedSql("SELECT count(*) FROM messages WHERE message_id='t-min-1' AND "
                      "xj_open(payload, 'message.payload') LIKE '%\"members\"%'") == "1\n");

  const std::string consent =
      R"("consent":{"recorded":true,"by":"测试社工","at":"2026-12-01T10:00:00+08:00","method":"written"})";
  for (const char* org : {"ngo-narrow", "ngo-wide"}) {
    auto r = send("/v1/exchanges",
                  R"({"queue":")" + kQueue + R"(","item":)" + item + R"(,"partner":")" + org +
                      R"(","need":"food",)" + consent + "}",
                  staff);
    INFO(org);
    REQUIRE(r.status == 201);
  }
  REQUIRE(narrow.waitUntil([&] { return narrow.acceptedCount() >= 1; }, 10s));
  REQUIRE(wide.waitUntil([&] { return wide.acceptedCount() >= 1; }, 10s));

  SECTION("a partner whose fields leave out the household gets nothing of it") {
    auto got = narrow.accepted();
    REQUIRE(got.size() == 1);
    CHECK(got[0].verified);
    CHECK(got[0].kind == "exchange.referral");
    rapidjson::Document doc;
    doc.Parse(got[0].body.c_str());
    REQUIRE((doc.IsObject() && doc.HasMember("person") && doc["person"].IsObject()));
    CHECK(keysOf(doc["person"]) == "name,needs,phone,township,village");
    const std::string& body = got[0].body;
    CHECK_FALSE(contains(body, "household"));
    CHECK_FALSE(contains(body, "members"));
    CHECK_FALSE(contains(body, "\"pid\""));
    CHECK_FALSE(contains(body, kMemberId));
    CHECK_FALSE(contains(body, kSubjectId));
  }
  SECTION("a partner whose fields include the household gets it, and only those fields") {
    auto got = wide.accepted();
    REQUIRE(got.size() == 1);
    CHECK(got[0].verified);
    CHECK(got[0].kind == "exchange.referral");
    rapidjson::Document doc;
    doc.Parse(got[0].body.c_str());
    REQUIRE((doc.IsObject() && doc.HasMember("person") && doc["person"].IsObject()));
    const auto& person = doc["person"];
    CHECK(keysOf(person) == "household,needs,township");
    REQUIRE((person.HasMember("household") && person["household"].IsObject() &&
             person["household"].HasMember("members") && person["household"]["members"].IsArray()));
    CHECK(person["household"]["members"].Size() == 2);
    const std::string& body = got[0].body;
    CHECK(contains(body, kMemberId));  // the household as described, members' numbers included
    CHECK_FALSE(contains(body, kSubjectName));
    CHECK_FALSE(contains(body, "13900000009"));
  }
}
