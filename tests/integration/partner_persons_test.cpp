// Partner persons and the pages-only delivery mode, against the real daemon over real HTTP:
// a token made for one person (`token create --name`) says who it is (whoami), each exchange
// action records that person's name as it was then (actor_name on the timeline, for the
// county's staff and the partner's own side, never another organisation); a `poll` partner's
// messages stay pending, untouched by the delivery thread, until the partner first opens the
// exchange, and its answer deadline runs meanwhile like any partner's.
//
// The names are synthetic; assertions never print a response body.
#include <catch2/catch.hpp>

#include <rapidjson/document.h>

#include <map>
#include <string>

#include "tests/support/child_process.h"
#include "tests/support/daemon.h"
#include "tests/support/http_client.h"
#include "tests/support/json_doc.h"

using namespace xj::test;

namespace {

const std::string kJiangnan = "451229205";
const std::string kQueue = "township-451229205";

// charity-1 reads its referrals in the pages (poll); charity-2 is another organisation.
const char* kPartners = R"({
  "partners": [
    {"org": "charity-1", "name": "一号慈善会", "services": ["food"], "townships": ["*"],
     "capacity": "available", "channel": {"type": "poll"}, "accept_within_working_days": 3},
    {"org": "charity-2", "name": "二号慈善会", "services": ["food"], "townships": ["*"],
     "capacity": "available", "channel": {"type": "poll"}}
  ],
  "platform": {"enabled": false}
})";

const char* kConsent =
    R"("consent":{"recorded":true,"by":"韦社工","at":"2025-03-10T10:00:00+08:00","method":"written"})";

std::string trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
  return s;
}

std::string ticket(const std::string& id) {
  return R"({"id":")" + id +
         R"(","kind":"ticket","source":"hotline-1","occurred_at":"2025-03-10T09:30:00+08:00","subject":{"name":"韦测试","phone":"13900000001","township":")" +
         kJiangnan +
         R"(","village":"测试村"},"body":{"category":"dibao","urgency":"normal","description":"需要食物"}})";
}

struct Hub {
  Daemon d{R"("fault_injection": true)"};
  std::string hotline, admin, staff, wang, li, other;
  Hub() {
    d.writePartners(kPartners);
    hotline = d.token("hotline-1", "hotline");
    admin = d.token("bureau-admin", "admin");
    staff = d.token("jiangnan-team", "staff", {kJiangnan}, "韦社工");
    wang = d.token("charity-1", "charity", {}, "王芳");
    li = d.token("charity-1", "charity", {}, "李强");
    other = d.token("charity-2", "charity", {}, "赵敏");
    d.start();
    REQUIRE(send("POST", "/v1/admin/faults", "clock 2025-03-10T02:00:00Z", admin).status == 200);
  }
  HttpResponse send(const std::string& method, const std::string& path, const std::string& body,
                    const std::string& token) {
    std::map<std::string, std::string> h{{"Authorization", "Bearer " + token}};
    if (!body.empty())
      h["Content-Type"] = path == "/v1/admin/faults" ? "text/plain" : "application/json";
    return httpRequest(d.port(), method, path, body, h);
  }
  // A referral out of a fresh ticket's item to charity-1; its exchange id.
  std::string referral(const std::string& ticket_id) {
    REQUIRE(send("POST", "/v1/tickets", ticket(ticket_id), hotline).status == 202);
    std::string item =
        trim(d.sql("SELECT i.item_id FROM items i JOIN messages m ON m.hub_seq = i.hub_seq WHERE "
                   "m.message_id='" +
                   ticket_id + "' AND i.queue='" + kQueue + "'"));
    REQUIRE(!item.empty());
    auto r = send("POST", "/v1/exchanges",
                  R"({"queue":")" + kQueue + R"(","item":)" + item +
                      R"(,"partner":"charity-1","need":"food",)" + kConsent + "}",
                  staff);
    REQUIRE(r.status == 201);
    return json(r.body)["exchange"]["id"].GetString();
  }
  HttpResponse event(const std::string& ex, const std::string& body, const std::string& token) {
    return send("POST", "/v1/exchanges/" + ex + "/events", body, token);
  }
  // The outbox rows of an exchange for charity-1: "state|delivered_at|updated_at" per line.
  std::string rows(const std::string& ex) {
    return d.sql(
        "SELECT state || '|' || coalesce(delivered_at, '') || '|' || updated_at FROM outbox "
        "WHERE partner='charity-1' AND lane_key='" +
        ex + "' ORDER BY id");
  }
};

std::string field(const rapidjson::Value& v, const char* key) {
  return v.HasMember(key) && v[key].IsString() ? v[key].GetString() : "";
}

std::string cli(const Daemon& d, const std::string& args, int* code) {
  return runCommand(std::string(XJ_CLI) + " token " + args + " --config '" + d.configPath() + "'",
                    code);
}

}  // namespace

TEST_CASE("a token made for a person: whoami and token list name it; bad names are refused",
          "[exchange][persons]") {
  Hub h;
  auto me = json(h.send("GET", "/v1/whoami", "", h.wang).body);
  CHECK(field(me, "org") == "charity-1");
  CHECK(field(me, "person") == "王芳");
  // A token without a person says nothing of one (existing scripts keep working).
  auto org_only = json(h.send("GET", "/v1/whoami", "", h.hotline).body);
  CHECK_FALSE(org_only.HasMember("person"));
  int code = -1;
  std::string list = cli(h.d, "list", &code);
  CHECK(code == 0);
  CHECK(list.find("PERSON") != std::string::npos);
  CHECK(list.find("王芳") != std::string::npos);
  CHECK(list.find("李强") != std::string::npos);
  // 1-50 characters, no control characters: refused with the rule, not the name, exit 2.
  const std::string long_name(51, 'a');
  for (const std::string& bad :
       {std::string(""), long_name, std::string("王\tb"), std::string(" 王")}) {
    std::string out =
        cli(h.d, "create --org charity-1 --role charity --name '" + bad + "' 2>&1", &code);
    CHECK(code == 2);
    CHECK(out.find("--name must") != std::string::npos);
    if (!bad.empty()) CHECK(out.find(bad) == std::string::npos);
  }
  std::string fifty;
  for (int i = 0; i < 50; ++i) fifty += "王";
  cli(h.d, "create --org charity-1 --role charity --name '" + fifty + "' >/dev/null 2>&1", &code);
  CHECK(code == 0);
}

TEST_CASE("each action carries its person's name on the timeline, for staff and the partner only",
          "[exchange][persons]") {
  Hub h;
  std::string ex = h.referral("t-1");
  CHECK(h.send("GET", "/v1/exchanges/" + ex, "", h.wang).status == 200);
  REQUIRE(h.event(ex, R"({"event":"accept","note":"明天联系"})", h.wang).status == 200);
  REQUIRE(h.event(ex, R"({"status":"in_progress"})", h.li).status == 200);
  REQUIRE(h.event(ex, R"({"event":"complete","outcome":"food parcels"})", h.wang).status == 200);

  // The caseworker sees who did each step: their own person on the referral, the partner's two.
  auto shown = json(h.send("GET", "/v1/exchanges/" + ex, "", h.staff).body);
  REQUIRE(shown["timeline"].Size() == 4);
  const char* events[] = {"created", "accept", "start", "complete"};
  const char* names[] = {"韦社工", "王芳", "李强", "王芳"};
  for (rapidjson::SizeType i = 0; i < 4; ++i) {
    INFO("timeline row " << i);
    CHECK(field(shown["timeline"][i], "event") == events[i]);
    CHECK(field(shown["timeline"][i], "actor_name") == names[i]);
  }
  // The partner sees its own people's names, not the county's caseworker.
  auto own = json(h.send("GET", "/v1/exchanges/" + ex, "", h.li).body);
  REQUIRE(own["timeline"].Size() == 4);
  CHECK_FALSE(own["timeline"][0].HasMember("actor_name"));
  CHECK(field(own["timeline"][1], "actor_name") == "王芳");
  CHECK(field(own["timeline"][2], "actor_name") == "李强");
  // Another organisation sees no exchange at all, so no name.
  auto stranger = h.send("GET", "/v1/exchanges/" + ex, "", h.other);
  CHECK(stranger.status == 404);
  CHECK(stranger.body.find("王芳") == std::string::npos);

  // Kept as it was then: revoking the token rewrites nothing.
  int code = -1;
  cli(h.d, "revoke " + h.wang.substr(4, 12) + " >/dev/null 2>&1", &code);
  REQUIRE(code == 0);
  auto later = json(h.send("GET", "/v1/exchanges/" + ex, "", h.staff).body);
  CHECK(field(later["timeline"][1], "actor_name") == "王芳");
  // Sealed at rest like the timeline's notes; the item's history says who at the partner acted.
  CHECK(trim(h.d.sql("SELECT count(*) FROM exchange_timeline WHERE actor_name LIKE '%王芳%'")) ==
        "0");
  CHECK(trim(h.d.openedSql("SELECT count(*) FROM exchange_timeline WHERE "
                           "xj_open(actor_name, 'exchange_timeline.actor_name') = '王芳'")) == "2");
  CHECK(trim(h.d.openedSql("SELECT count(*) FROM item_history WHERE action='exchange' AND "
                           "xj_open(detail, 'item_history.detail') LIKE "
                           "'%accept by charity-1 (王芳)%'")) == "1");
}

TEST_CASE("a poll partner's referral waits for its first open; the answer deadline still runs",
          "[exchange][persons]") {
  Hub h;
  std::string ex = h.referral("t-1");
  // Left to the pages: the delivery thread neither delivers, retries nor dead-letters it.
  std::string pending = trim(h.rows(ex));
  CHECK(pending.rfind("pending||", 0) == 0);
  // Reads that are not the partner's own change nothing: staff, and another organisation.
  auto staff_view = json(h.send("GET", "/v1/exchanges/" + ex, "", h.staff).body);
  CHECK(field(staff_view["deliveries"][0], "state") == "pending");
  CHECK(h.send("GET", "/v1/exchanges/" + ex, "", h.other).status == 404);
  CHECK(trim(h.d.sql("SELECT attempts || '|' || last_error FROM outbox WHERE lane_key='" + ex +
                     "'")) == "0|");
  CHECK(trim(h.rows(ex)) == pending);
  auto metrics = httpRequest(h.d.port(), "GET", "/metrics").body;
  CHECK(metrics.find("xianjie_outbox_pending{partner=\"charity-1\"} 0") != std::string::npos);
  CHECK(
      metrics.find("xianjie_outbox_deliveries_total{partner=\"charity-1\",outcome=\"retry\"} 0") !=
      std::string::npos);

  // Unopened past its answer deadline: overdue, like any partner's referral.
  auto late = h.send("POST", "/v1/admin/faults", "sweep 2025-03-24", h.admin);
  REQUIRE(late.status == 200);
  CHECK(late.body.find("\"exchanges_overdue\":1") != std::string::npos);
  CHECK(trim(h.rows(ex)).rfind("pending||", 0) == 0);  // still waiting, not dead

  // The partner's first open: delivered then, and shown so in that very answer.
  REQUIRE(h.send("POST", "/v1/admin/faults", "clock 2025-03-24T01:00:00Z", h.admin).status == 200);
  auto first = json(h.send("GET", "/v1/exchanges/" + ex, "", h.wang).body);
  REQUIRE(first["deliveries"].Size() == 1);
  CHECK(field(first["deliveries"][0], "state") == "delivered");
  const std::string opened_at = field(first["deliveries"][0], "delivered_at");
  CHECK(opened_at.rfind("2025-03-24T01:00:00", 0) == 0);  // the hub's clock, set above
  std::string delivered = trim(h.rows(ex));
  CHECK(delivered == "delivered|" + opened_at + "|" + opened_at);
  // A second open (another person of the organisation, later) changes nothing.
  REQUIRE(h.send("POST", "/v1/admin/faults", "clock 2025-03-25T01:00:00Z", h.admin).status == 200);
  auto second = json(h.send("GET", "/v1/exchanges/" + ex, "", h.li).body);
  CHECK(field(second["deliveries"][0], "delivered_at") == opened_at);
  CHECK(trim(h.rows(ex)) == delivered);
  // Later messages about it wait for the next open in their turn.
  REQUIRE(h.event(ex, R"({"event":"cancel","reason":"moved away"})", h.staff).status == 200);
  CHECK(trim(h.rows(ex)).rfind(delivered + "\npending||2025-03-25T01:00:00", 0) == 0);
  auto third = json(h.send("GET", "/v1/exchanges/" + ex, "", h.wang).body);
  REQUIRE(third["deliveries"].Size() == 2);
  CHECK(field(third["deliveries"][1], "state") == "delivered");
}
