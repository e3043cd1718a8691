// A partner's free-text reason reaches the exchanges CSV: a cell that a spreadsheet would take
// for a formula (=, +, -, @, tab, CR first) is neutralised with a leading single quote (OWASP's
// rule), and stays one RFC 4180 field with its quotes doubled.
#include <catch2/catch.hpp>

#include <string>

#include "tests/support/api_fixtures.h"
#include "tests/support/daemon.h"
#include "tests/support/http_client.h"
#include "tests/support/json_doc.h"

using namespace xj::test;

namespace {

const std::string kJiangnan = "451229205";
const std::string kQueue = "township-451229205";

}  // namespace

TEST_CASE("a partner's reason that starts a formula is neutralised in the exchanges CSV",
          "[hardening][csv]") {
  Daemon d{R"("fault_injection": true)"};
  d.writePartners(kOneCharityPartners);
  const std::string hotline = d.token("hotline-1", "hotline");
  const std::string admin = d.token("bureau-admin", "admin");
  const std::string staff = d.token("jiangnan-team", "staff", {kJiangnan});
  const std::string charity = d.token("charity-1", "charity");
  d.start();
  REQUIRE(send(d, "POST", "/v1/admin/faults", "clock 2025-03-10T02:00:00Z", admin).status == 200);
  REQUIRE(
      send(
          d, "POST", "/v1/tickets",
          R"({"id":"t-1","kind":"ticket","source":"hotline-1","occurred_at":"2025-03-10T09:30:00+08:00","subject":{"name":"测试","id_number":"451229199011302426","phone":"13900000001","township":")" +
              kJiangnan +
              R"(","village":"测试村"},"body":{"category":"dibao","urgency":"normal","description":"测试"}})",
          hotline)
          .status == 202);
  const std::string item =
      trim(d.sql("SELECT i.item_id FROM items i JOIN messages m ON m.hub_seq = i.hub_seq WHERE "
                 "m.message_id='t-1' AND i.queue='" +
                 kQueue + "'"));
  REQUIRE(!item.empty());
  auto opened = send(
      d, "POST", "/v1/exchanges",
      R"({"queue":")" + kQueue + R"(","item":)" + item +
          R"(,"partner":"charity-1","need":"food","consent":{"recorded":true,"by":"测试","at":"2025-03-10T10:00:00+08:00","method":"written"}})",
      staff);
  REQUIRE(opened.status == 201);
  const std::string ex = json(opened.body)["exchange"]["id"].GetString();
  REQUIRE(send(d, "POST", "/v1/exchanges/" + ex + "/events",
               R"j({"event":"reject","reason":"=HYPERLINK(\"http://x\",\"y\")"})j", charity)
              .status == 200);

  auto csv =
      send(d, "GET", "/v1/reports/exchanges?from=2025-03-10&to=2025-03-10&format=csv", "", staff);
  REQUIRE(csv.status == 200);
  INFO(csv.body);
  // The reasons cell ("reason=count") began with '=': now a quote first, quotes doubled.
  CHECK(csv.body.find(R"j(,"'=HYPERLINK(""http://x"",""y"")=1",)j") != std::string::npos);
  CHECK(csv.body.find(",\"=") == std::string::npos);
  CHECK(csv.body.find(",=") == std::string::npos);
  CHECK(d.terminate() == 0);
}
