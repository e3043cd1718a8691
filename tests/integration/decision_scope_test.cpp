// The pre-screen decision holds the household's ages, incomes, assets and a trace: it is personal
// data like the message, so the item page hides it wherever it hides the message (an item
// transferred into another township's queue). And the free-text member ids of the household
// (a caller may write a name there) never appear in a decision the API answers: members are
// named by their position.
#include <catch2/catch.hpp>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <string>

#include "tests/support/api_fixtures.h"
#include "tests/support/daemon.h"
#include "tests/support/http_client.h"
#include "tests/support/json_doc.h"

using namespace xj::test;

namespace {

const std::string kJiangnan = "451229205";
const std::string kBaima = "451229202";
// Member ids as a caller might write them: a name and a phone number.
const std::string kPidOne = "applicant-WeiXiaoming";
const std::string kPidTwo = "spouse-13700000009";

std::string ticketWithHousehold(const std::string& id) {
  const std::string household = R"({"as_of":"2025-03-10","township_code":")" + kBaima +
                                R"(","residence":"rural","members":[)"
                                R"({"pid":")" +
                                kPidOne +
                                R"(","relation":"applicant","sex":"M","birth_date":"1950-01-01"},)"
                                R"({"pid":")" +
                                kPidTwo +
                                R"(","relation":"spouse","sex":"F","birth_date":"1952-06-01"}],)"
                                R"("assets":{"financial":0}})";
  return R"({"id":")" + id +
         R"(","kind":"ticket","source":"hotline-1","occurred_at":"2025-03-10T09:30:00+08:00",)"
         R"("subject":{"name":"测试","township":")" +
         kBaima + R"(","phone":"13600000001","household":)" + household +
         R"(},"body":{"category":"dibao","urgency":"normal","description":"测试"}})";
}

std::string text(const rapidjson::Value& v) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  v.Accept(w);
  return {buf.GetString(), buf.GetSize()};
}

}  // namespace

TEST_CASE("the decision is hidden with the message; member ids never leave in a decision",
          "[hardening][decision]") {
  Daemon d;
  const std::string hotline = d.token("hotline-1", "hotline");
  const std::string county = d.token("county-staff", "staff");
  const std::string jiangnan = d.token("jiangnan-team", "staff", {kJiangnan});
  d.start();
  REQUIRE(send(d, "POST", "/v1/tickets", ticketWithHousehold("hh-1"), hotline).status == 202);
  const std::string item =
      trim(d.sql("SELECT i.item_id FROM items i JOIN messages m ON m.hub_seq = i.hub_seq WHERE "
                 "m.message_id='hh-1' AND i.queue='township-" +
                 kBaima + "'"));
  REQUIRE(!item.empty());

  // In scope (county staff): the decision is there, its members named by position.
  auto page = send(d, "GET", "/v1/queues/township-" + kBaima + "/items/" + item, "", county);
  REQUIRE(page.status == 200);
  auto doc = json(page.body);
  REQUIRE(doc["decision"].IsObject());
  const auto& result = doc["decision"]["result"];
  REQUIRE(result["trace"].IsArray());
  REQUIRE(result["trace"].Size() > 0);
  bool member_subject = false;
  for (const auto& step : result["trace"].GetArray())
    member_subject |= std::string(step["subject"].GetString()) == "member 1";
  CHECK(member_subject);
  const std::string decision = text(doc["decision"]);
  CHECK(decision.find(kPidOne) == std::string::npos);
  CHECK(decision.find(kPidTwo) == std::string::npos);
  CHECK(decision.find("WeiXiaoming") == std::string::npos);
  // The message itself is shown to county staff as it was sent (the household with its ids).
  REQUIRE(doc["message"].IsObject());

  // Transferred into Jiangnan's queue: a Jiangnan token sees the item, neither the message nor
  // the decision (ages, incomes, assets, trace).
  REQUIRE(send(d, "POST", "/v1/queues/township-" + kBaima + "/items/" + item + "/transfer",
               R"({"to":"township-)" + kJiangnan + R"(","reason":"moved"})", county)
              .status == 200);
  auto moved = send(d, "GET", "/v1/queues/township-" + kJiangnan + "/items/" + item, "", jiangnan);
  REQUIRE(moved.status == 200);
  auto moved_doc = json(moved.body);
  CHECK(moved_doc["message"].IsNull());
  CHECK(moved_doc["decision"].IsNull());
  CHECK(moved.body.find("1950") == std::string::npos);  // no birth date, no age trace
  CHECK(moved.body.find("trace") == std::string::npos);
  CHECK(d.terminate() == 0);
}
