// Routing, queues and staff work over real HTTP against the real daemon, and the
// eligibility endpoint and pre-screen of the rules core.
#include <catch2/catch.hpp>

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <csignal>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>

#include "tests/support/daemon.h"
#include "tests/support/http_client.h"
#include "tests/support/json_doc.h"
#include "tests/support/test_env.h"

using namespace xj::test;

namespace {

using Headers = std::map<std::string, std::string>;
Headers auth(const std::string& t) { return {{"Authorization", "Bearer " + t}}; }

std::string readFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

struct TicketSpec {
  std::string id;
  std::string township = "451229205";
  std::string phone = "13800000001";
  std::string id_number;  // empty: none
  std::string urgency = "normal";
  std::string category = "dibao";
  std::string household;  // raw JSON object or empty
};

std::string ticket(const TicketSpec& t) {
  std::string subject = R"({"township":")" + t.township + R"(","phone":")" + t.phone + "\"";
  if (!t.id_number.empty()) subject += R"(,"id_number":")" + t.id_number + "\"";
  if (!t.household.empty()) subject += R"(,"household":)" + t.household;
  subject += "}";
  return R"({"id":")" + t.id +
         R"(","kind":"ticket","source":"hotline-1","occurred_at":"2025-03-10T09:30:00+08:00","subject":)" +
         subject + R"(,"body":{"category":")" + t.category + R"(","urgency":")" + t.urgency +
         R"(","description":"测试"}})";
}

std::string notification(const std::string& id, const std::string& id_number,
                         const std::string& signal = "large_medical_bill") {
  return R"({"id":")" + id +
         R"(","kind":"notification","source":"yibao","occurred_at":"2025-03-10T09:30:00Z","subject":{"id_number":")" +
         id_number +
         R"(","township":"451229202"},"body":{"department":"medical_insurance","signal":")" +
         signal + R"(","amounts":{"out_of_pocket":4500000}}})";
}

std::string referral(const std::string& id, const std::string& id_number) {
  return R"({"id":")" + id +
         R"(","kind":"referral","source":"charity-1","occurred_at":"2025-03-10T09:30:00Z","subject":{"id_number":")" +
         id_number +
         R"(","township":"451229202"},"body":{"needs":["medical"],"charity_case_id":"c-1","consent":true}})";
}

// The hub's clock in these tests: work gets deadlines from it, so it is set, not today's date
// (a covered calendar year; tests about particular dates set their own).
const char* const kHubNow = "2025-03-10T10:00:00+08:00";

// A hub with one principal of each kind, its clock at kHubNow.
struct Hub {
  Daemon d{R"("fault_injection": true)"};
  std::string hotline, charity, agency, county, jiangnan, baima, admin;
  Hub() {
    hotline = d.token("hotline-1", "hotline");
    charity = d.token("charity-1", "charity");
    agency = d.token("yibao", "agency");
    county = d.token("county-bureau", "staff");
    jiangnan = d.token("jiangnan-team", "staff", {"451229205"});
    baima = d.token("baima-team", "staff", {"451229202"});
    admin = d.token("bureau-admin", "admin");
    d.setClock(kHubNow);
    d.start();
  }
  HttpResponse get(const std::string& path, const std::string& token) {
    return httpRequest(d.port(), "GET", path, "", auth(token));
  }
  HttpResponse post(const std::string& path, const std::string& body, const std::string& token) {
    return httpRequest(d.port(), "POST", path, body, auth(token));
  }
  void fault(const std::string& what) {
    REQUIRE(post("/v1/admin/faults", what, admin).status == 200);
  }
  // The items of a queue as (item_id, state, item_kind) via the staff API.
  std::vector<rapidjson::Document> items(const std::string& queue, const std::string& token,
                                         const std::string& filter = "") {
    auto r = get("/v1/queues/" + queue + "/items" + filter, token);
    REQUIRE(r.status == 200);
    auto doc = json(r.body);
    std::vector<rapidjson::Document> out;
    for (auto& it : doc["items"].GetArray()) {
      rapidjson::Document one;
      one.CopyFrom(it, one.GetAllocator());
      out.push_back(std::move(one));
    }
    return out;
  }
};

std::string tokenId(const std::string& token) { return token.substr(4, 12); }

}  // namespace

TEST_CASE("a hotline ticket goes to its township queue and is claimed, resolved and followed up",
          "[queues]") {
  Hub h;
  auto r = h.post("/v1/tickets", ticket({.id = "t-1"}), h.hotline);
  REQUIRE(r.status == 202);
  std::string hub_id = json(r.body)["hub_id"].GetString();
  auto items = h.items("township-451229205", h.jiangnan);
  REQUIRE(items.size() == 1);
  int64_t item = items[0]["item_id"].GetInt64();
  CHECK(std::string(items[0]["state"].GetString()) == "new");
  CHECK(std::string(items[0]["hub_id"].GetString()) == hub_id);
  CHECK(items[0]["deadline"].IsString());  // 1 working day for first contact
  auto msg = h.get("/v1/messages/t-1", h.hotline);
  CHECK(std::string(json(msg.body)["status"].GetString()) == "routed");

  std::string base = "/v1/queues/township-451229205/items/" + std::to_string(item);
  // Resolving what nobody claimed is refused, naming the state.
  auto early =
      h.post(base + "/resolve", R"({"outcome":"not_eligible","reason_code":"income_above_line"})",
             h.jiangnan);
  CHECK(early.status == 409);
  CHECK(std::string(json(early.body)["state"].GetString()) == "new");
  REQUIRE(h.post(base + "/claim", "", h.jiangnan).status == 200);
  // Someone else cannot claim it: 409 naming state and owner.
  auto taken = h.post(base + "/claim", "", h.county);
  CHECK(taken.status == 409);
  CHECK(std::string(json(taken.body)["owner"].GetString()) == tokenId(h.jiangnan));
  CHECK(h.post(base + "/notes", R"({"text":"已电话联系"})", h.jiangnan).status == 200);
  CHECK(h.post(base + "/progress", R"({"state":"in_progress"})", h.jiangnan).status == 200);
  const std::string invalid = "xianjie_http_rejections_total{reason=\"invalid\"}";
  const double invalid_before = metricValue(h.d.port(), invalid).value_or(-1);
  auto missing = h.post(base + "/resolve", "{}", h.jiangnan);
  CHECK(missing.status == 400);
  // Bad input from staff is counted like bad input from senders.
  CHECK(metricValue(h.d.port(), invalid).value_or(-1) == invalid_before + 1);
  CHECK(missing.body.find("/outcome") != std::string::npos);
  CHECK(missing.body.find("/reason_code") != std::string::npos);
  auto bad_vocab =
      h.post(base + "/resolve", R"({"outcome":"maybe","reason_code":"because"})", h.jiangnan);
  CHECK(bad_vocab.status == 400);
  auto done = h.post(
      base + "/resolve",
      R"({"outcome":"eligible_dibao","reason_code":"income_below_standard","note":"入户核实"})",
      h.jiangnan);
  REQUIRE(done.status == 200);
  auto dd = json(done.body);
  CHECK(std::string(dd["item"]["state"].GetString()) == "resolved");
  CHECK(std::string(dd["item"]["outcome"].GetString()) == "eligible_dibao");
  REQUIRE(dd.HasMember("follow_up_item"));  // 回访
  int64_t follow = dd["follow_up_item"].GetInt64();
  auto open = h.items("township-451229205", h.jiangnan, "?state=new");
  REQUIRE(open.size() == 1);
  CHECK(open[0]["item_id"].GetInt64() == follow);
  CHECK(std::string(open[0]["item_kind"].GetString()) == "follow_up");
  // The history has one row per change, in order, with who did it.
  auto detail = json(h.get(base, h.jiangnan).body);
  std::vector<std::string> actions;
  for (auto& e : detail["history"].GetArray()) actions.push_back(e["action"].GetString());
  CHECK(actions == std::vector<std::string>{"created", "claim", "note", "progress", "resolve"});
  CHECK(std::string(detail["history"][1]["actor"].GetString()) == tokenId(h.jiangnan));
  // Queue counts.
  auto queues = json(h.get("/v1/queues", h.jiangnan).body);
  REQUIRE(queues["queues"].Size() == 1);  // a township team sees its own queue only
  CHECK(queues["queues"][0]["open"].GetInt64() == 1);
}

TEST_CASE("routing: every kind reaches the queues its rule names, and the rest goes to triage",
          "[queues][routing]") {
  Hub h;
  REQUIRE(h.post("/v1/tickets",
                 ticket({.id = "crit", .phone = "13800000011", .urgency = "critical"}), h.hotline)
              .status == 202);
  REQUIRE(h.post("/v1/referrals", referral("ref-1", "451229195703081312"), h.charity).status ==
          202);
  REQUIRE(h.post("/v1/notifications",
                 notification("n-flood", "451229199011302426", "disaster_loss"), h.agency)
              .status == 202);
  CHECK(h.items("township-451229205", h.county).size() == 1);
  CHECK(h.items("county-temporary-aid", h.county).size() == 2);  // critical call + disaster signal
  CHECK(h.items("township-451229202", h.county).size() == 2);    // referral + disaster signal
  CHECK(h.items("county-triage", h.county).empty());
  CHECK(h.d.sql("SELECT route_rule FROM messages WHERE message_id='crit'") == "critical-hotline\n");
  CHECK(h.d.sql("SELECT route_rule FROM messages WHERE message_id='ref-1'") ==
        "charity-referral\n");
}

TEST_CASE("a household in a message is pre-screened and the decision stored beside it",
          "[queues][rules]") {
  Hub h;
  auto c = json(readFile(std::string(XJ_RULES_DATA_DIR) + "/cases/case-05.json"));
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  c["household"].Accept(w);
  auto r = h.post("/v1/tickets",
                  ticket({.id = "hh",
                          .township = c["household"]["township_code"].GetString(),
                          .household = buf.GetString()}),
                  h.hotline);
  REQUIRE(r.status == 202);
  auto row = h.d.openedSql(
      "SELECT p.category || '|' || length(p.rule_set_version) || '|' || "
      "(instr(xj_open(p.decision, 'prescreen.decision'), '\"trace\"') > 0) "
      "FROM prescreens p JOIN messages m ON m.hub_seq = p.hub_seq WHERE m.message_id='hh'");
  CHECK(row.rfind("dibao|", 0) == 0);
  CHECK(row.substr(row.size() - 2) == "1\n");
  // monitoring_referral_suggested: the monitored-household rule sends it to the agriculture liaison
  // too.
  CHECK(h.d.sql("SELECT route_rule FROM messages WHERE message_id='hh'") ==
        "monitored-household\n");
  CHECK(h.items("agri-liaison", h.county).size() == 1);
  // A later notification about the applicant carries that pre-screen beside it.
  std::string applicant;
  for (auto& m : c["household"]["members"].GetArray())
    if (std::string(m["relation"].GetString()) == "applicant")
      applicant = m["id_number"].GetString();
  REQUIRE(!applicant.empty());
  REQUIRE(h.post("/v1/notifications", notification("hh-signal", applicant), h.agency).status ==
          202);
  CHECK(h.d.sql("SELECT p.category || '|' || (p.carried_from IS NOT NULL) FROM prescreens p JOIN "
                "messages m "
                "ON m.hub_seq = p.hub_seq WHERE m.message_id='hh-signal'") == "dibao|1\n");
  // A bad household is refused with its problems under /subject/household.
  auto bad = h.post(
      "/v1/tickets",
      ticket({.id = "hh-bad", .household = R"({"members":[{"pid":"p1","income":{"wage":-5}}]})"}),
      h.hotline);
  CHECK(bad.status == 400);
  CHECK(bad.body.find("/subject/household") != std::string::npos);
}

TEST_CASE("eligibility evaluate over HTTP gives the CLI's decision", "[rules][http]") {
  Hub h;
  std::string file = std::string(XJ_RULES_DATA_DIR) + "/cases/case-04.json";
  auto r = h.post("/v1/eligibility/evaluate", readFile(file), h.county);
  REQUIRE(r.status == 200);
  std::string cli =
      runCommand(std::string(XJ_CLI) + " eval '" + file + "' --config '" + h.d.configPath() + "'");
  auto a = json(r.body), b = json(cli);
  REQUIRE(a.IsObject());
  REQUIRE(b.IsObject());
  CHECK(a == b);
  CHECK(std::string(a["household_category"].GetString()) == "dibao_edge");
  CHECK(h.post("/v1/eligibility/evaluate", readFile(file), h.hotline).status == 403);
  auto explain = h.post("/v1/eligibility/evaluate?explain=1", readFile(file), h.admin);
  CHECK(explain.status == 200);
  CHECK(explain.body.find("低保边缘") != std::string::npos);
  auto bad = h.post(
      "/v1/eligibility/evaluate",
      R"({"as_of":"2025-04-01","township_code":"451229101","members":[{"pid":"p1"}]})", h.county);
  CHECK(bad.status == 400);
  CHECK(bad.body.find("/members/0/relation") != std::string::npos);
}

TEST_CASE("a repeat caller is linked to the open item instead of opening a second",
          "[queues][hotline]") {
  Hub h;
  REQUIRE(
      h.post("/v1/tickets", ticket({.id = "call-1", .phone = "13900000000"}), h.hotline).status ==
      202);
  auto second =
      h.post("/v1/tickets", ticket({.id = "call-2", .phone = "139-0000-0000"}), h.hotline);
  REQUIRE(second.status == 202);
  auto items = h.items("township-451229205", h.jiangnan);
  REQUIRE(items.size() == 1);
  CHECK(items[0]["linked_messages"].GetInt() == 1);
  auto msg = json(h.get("/v1/messages/call-2", h.hotline).body);
  CHECK(std::string(msg["status"].GetString()) == "linked");
  // Same ID number, other phone: linked too.
  REQUIRE(
      h.post("/v1/tickets",
             ticket({.id = "call-3", .phone = "13700000000", .id_number = "451229195703081312"}),
             h.hotline)
          .status == 202);
  REQUIRE(
      h.post("/v1/tickets",
             ticket({.id = "call-4", .phone = "13600000000", .id_number = "451229195703081312"}),
             h.hotline)
          .status == 202);
  CHECK(h.items("township-451229205", h.jiangnan).size() == 2);
}

TEST_CASE("a village cadre reporting two families from one phone opens two items",
          "[queues][hotline]") {
  Hub h;
  const std::string phone = "13912345678", family_a = "451229195703081312",
                    family_b = "451229199011302426";
  auto post = [&](const std::string& id, const std::string& id_number) {
    REQUIRE(
        h.post("/v1/tickets", ticket({.id = id, .phone = phone, .id_number = id_number}), h.hotline)
            .status == 202);
    return std::string(json(h.get("/v1/messages/" + id, h.hotline).body)["status"].GetString());
  };
  CHECK(post("cadre-1", family_a) == "routed");
  // Same phone, another family's ID number: never joined to the first family's item.
  CHECK(post("cadre-2", family_b) == "routed");
  // Same phone and the first family's ID number again: a repeat call about that family.
  CHECK(post("cadre-3", family_a) == "linked");
  // Same phone, no ID number on the new ticket: linked by phone.
  CHECK(post("cadre-4", "") == "linked");
  auto items = h.items("township-451229205", h.jiangnan);
  REQUIRE(items.size() == 2);
  // The first item (family A) took both repeat calls; family B's item took none.
  CHECK(items[0]["linked_messages"].GetInt() == 2);
  CHECK(items[1]["linked_messages"].GetInt() == 0);
  CHECK(h.d.sql("SELECT linked_item FROM messages WHERE status='linked' GROUP BY linked_item") ==
        std::to_string(items[0]["item_id"].GetInt64()) + "\n");
}

TEST_CASE("agency signals about a known person become one risk alert; more signals merge into it",
          "[queues][agency]") {
  Hub h;
  const std::string person = "451229195703081312";
  // Unknown person: normal routing, no alert.
  REQUIRE(h.post("/v1/notifications", notification("n-0", "451229199011302426"), h.agency).status ==
          202);
  CHECK(h.d.sql("SELECT count(*) FROM items WHERE item_kind='risk_alert'") == "0\n");
  REQUIRE(h.post("/v1/referrals", referral("r-1", person), h.charity).status == 202);  // now known
  REQUIRE(h.post("/v1/notifications", notification("n-1", person), h.agency).status == 202);
  REQUIRE(
      h.post("/v1/notifications", notification("n-2", person, "unemployment"), h.agency).status ==
      202);
  auto alerts = h.items("township-451229202", h.baima);
  int n_alerts = 0;
  for (auto& it : alerts)
    if (std::string(it["item_kind"].GetString()) == "risk_alert") {
      ++n_alerts;
      CHECK(it["linked_messages"].GetInt() == 1);
    }
  CHECK(n_alerts == 1);
  CHECK(std::string(json(h.get("/v1/messages/n-1", h.agency).body)["status"].GetString()) ==
        "alerted");
  CHECK(std::string(json(h.get("/v1/messages/n-2", h.agency).body)["status"].GetString()) ==
        "merged");
}

TEST_CASE("scope: every endpoint by role", "[queues][scope]") {
  Hub h;
  REQUIRE(h.post("/v1/tickets", ticket({.id = "s-1"}), h.hotline).status == 202);
  int64_t item = h.items("township-451229205", h.county)[0]["item_id"].GetInt64();
  const std::string own = "/v1/queues/township-451229205", other = "/v1/queues/township-451229202",
                    county_q = "/v1/queues/county-task-force",
                    it = own + "/items/" + std::to_string(item);
  struct Row {
    std::string method, path, body;
    std::map<std::string, int> expected;  // role -> status
  };
  // hotline/charity/agency never see queues; a township team sees only its township; county staff
  // and admin see all. 404 for what does not exist comes before scope.
  std::vector<Row> table = {
      {"GET",
       "/v1/queues",
       "",
       {{"hotline", 403},
        {"charity", 403},
        {"agency", 403},
        {"jiangnan", 200},
        {"baima", 200},
        {"county", 200},
        {"admin", 200},
        {"none", 401}}},
      {"GET",
       own + "/items",
       "",
       {{"hotline", 403},
        {"jiangnan", 200},
        {"baima", 403},
        {"county", 200},
        {"admin", 200},
        {"none", 401}}},
      {"GET", other + "/items", "", {{"jiangnan", 403}, {"baima", 200}, {"county", 200}}},
      {"GET",
       county_q + "/items",
       "",
       {{"jiangnan", 403}, {"baima", 403}, {"county", 200}, {"admin", 200}}},
      {"GET", it, "", {{"agency", 403}, {"jiangnan", 200}, {"baima", 403}, {"county", 200}}},
      {"GET",
       own + "/events",
       "",
       {{"charity", 403}, {"jiangnan", 200}, {"baima", 403}, {"county", 200}}},
      {"POST",
       it + "/notes",
       R"({"text":"n"})",
       {{"hotline", 403}, {"baima", 403}, {"jiangnan", 200}, {"county", 200}, {"none", 401}}},
      {"POST", it + "/claim", "", {{"charity", 403}, {"baima", 403}, {"jiangnan", 200}}},
      {"POST", it + "/release", "", {{"baima", 403}, {"county", 409}, {"jiangnan", 200}}},
      {"POST",
       it + "/transfer",
       R"({"to":"county-task-force","reason":"需县级协调"})",
       {{"agency", 403}, {"baima", 403}, {"jiangnan", 200}}},
      {"POST",
       county_q + "/items/" + std::to_string(item) + "/claim",
       "",
       {{"jiangnan", 403}, {"county", 200}}},
      {"POST",
       county_q + "/items/" + std::to_string(item) + "/resolve",
       R"({"outcome":"duplicate","reason_code":"same_case_open"})",
       {{"baima", 403}, {"admin", 409}, {"county", 200}}},
      {"GET", "/v1/queues/no-such-queue/items", "", {{"jiangnan", 404}, {"county", 404}}},
      {"GET", own + "/items/999999", "", {{"jiangnan", 404}}},
      {"POST", own + "/items/999999/claim", "", {{"jiangnan", 404}}},
  };
  std::map<std::string, std::string> tokens = {{"hotline", h.hotline}, {"charity", h.charity},
                                               {"agency", h.agency},   {"jiangnan", h.jiangnan},
                                               {"baima", h.baima},     {"county", h.county},
                                               {"admin", h.admin},     {"none", ""}};
  for (const auto& row : table) {
    for (const auto& [role, want] : row.expected) {
      Headers hd;
      if (!tokens[role].empty()) hd = auth(tokens[role]);
      auto r = httpRequest(h.d.port(), row.method, row.path, row.body, hd);
      INFO(row.method << " " << row.path << " as " << role << ": " << r.body);
      CHECK(r.status == want);
    }
  }
  // Refusals are logged with ids only: no names, ID numbers or phones.
  std::string log = h.d.log();
  CHECK(log.find("queue_forbidden") != std::string::npos);
  CHECK(log.find("13800000001") == std::string::npos);
}

TEST_CASE("deadlines follow the calendar across the 2024 Spring Festival; the sweep escalates",
          "[queues][deadline]") {
  Hub h;
  // Accepted Thursday 2024-02-01: 15 working days -> 2024-02-27 (SPEC.md vector), 1 -> 02-02.
  h.fault("clock 2024-02-01T10:00:00+08:00");
  REQUIRE(h.post("/v1/referrals", referral("spring", "451229195703081312"), h.charity).status ==
          202);
  // Accepted Saturday 2024-02-03: the next working day is the make-up Sunday 2024-02-04.
  h.fault("clock 2024-02-03T10:00:00+08:00");
  REQUIRE(h.post("/v1/tickets", ticket({.id = "sat"}), h.hotline).status == 202);
  auto ref = h.items("township-451229202", h.county);
  REQUIRE(ref.size() == 1);
  CHECK(std::string(ref[0]["deadline"].GetString()) == "2024-02-27");
  auto tk = h.items("township-451229205", h.county);
  REQUIRE(tk.size() == 1);
  CHECK(std::string(tk[0]["deadline"].GetString()) == "2024-02-04");
  // On the deadline day nothing is overdue; the day after, the sweep escalates to the county.
  auto sweep = [&](const std::string& day) {
    return json(h.post("/v1/admin/faults", "sweep " + day, h.admin).body);
  };
  CHECK(sweep("2024-02-04")["escalated"].GetInt() == 0);
  CHECK(sweep("2024-02-05")["escalated"].GetInt() == 1);
  CHECK(h.items("township-451229205", h.county).empty());
  auto esc = h.items("county-task-force", h.county);
  REQUIRE(esc.size() == 1);
  CHECK(std::string(esc[0]["state"].GetString()) == "escalated");
  CHECK(esc[0]["overdue"].GetBool());
  CHECK(sweep("2024-02-27")["escalated"].GetInt() == 0);
  CHECK(sweep("2024-02-28")["escalated"].GetInt() == 1);
  CHECK(h.items("county-task-force", h.county, "?overdue=true").size() == 2);
  auto hist = json(
      h.get("/v1/queues/county-task-force/items/" + std::to_string(esc[0]["item_id"].GetInt64()),
            h.county)
          .body);
  CHECK(std::string(hist["history"][hist["history"].Size() - 1]["action"].GetString()) ==
        "escalated");
  // /metrics shows the overdue counts by queue and township (refreshed by every sweep).
  auto m = httpRequest(h.d.port(), "GET", "/metrics").body;
  CHECK(m.find("xianjie_items_overdue{queue=\"county-task-force\",township=\"451229205\"} 1") !=
        std::string::npos);
  // A date past the calendar's last year gets a provisional deadline from the statutory
  // holidays (Tue 2027-06-01 + 1 working day), marked as such.
  h.fault("clock 2027-06-01T10:00:00+08:00");
  REQUIRE(
      h.post("/v1/tickets", ticket({.id = "future", .phone = "13500000000"}), h.hotline).status ==
      202);
  int provisional = 0;
  for (auto& it : h.items("township-451229205", h.county)) {
    if (!it["deadline_provisional"].GetBool()) continue;
    ++provisional;
    CHECK(std::string(it["deadline"].GetString()) == "2027-06-02");
  }
  CHECK(provisional == 1);
}

TEST_CASE("the event feed follows a queue with a cursor, long-polls, and survives a restart",
          "[queues][events]") {
  Hub h;
  const std::string feed = "/v1/queues/township-451229205/events";
  REQUIRE(h.post("/v1/tickets", ticket({.id = "e-1", .phone = "13100000000"}), h.hotline).status ==
          202);
  auto first = json(h.get(feed, h.jiangnan).body);
  REQUIRE(first["events"].Size() == 1);
  CHECK(std::string(first["events"][0]["type"].GetString()) == "created");
  int64_t cursor = first["next_after"].GetInt64();
  int64_t item = first["events"][0]["item_id"].GetInt64();
  // A long-poll waits and wakes on the next event.
  std::thread claimer([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(400));
    h.post("/v1/queues/township-451229205/items/" + std::to_string(item) + "/claim", "",
           h.jiangnan);
  });
  auto t0 = std::chrono::steady_clock::now();
  auto woke = json(h.get(feed + "?after=" + std::to_string(cursor) + "&wait=10", h.jiangnan).body);
  claimer.join();
  CHECK(std::chrono::steady_clock::now() - t0 < std::chrono::seconds(5));
  REQUIRE(woke["events"].Size() == 1);
  CHECK(std::string(woke["events"][0]["type"].GetString()) == "claimed");
  cursor = woke["next_after"].GetInt64();
  // Nothing new: an empty page after the wait, cursor unchanged.
  auto empty = json(h.get(feed + "?after=" + std::to_string(cursor) + "&wait=1", h.jiangnan).body);
  CHECK(empty["events"].Size() == 0);
  CHECK(empty["next_after"].GetInt64() == cursor);
  h.d.terminate();
  h.d.start();
  REQUIRE(h.post("/v1/tickets", ticket({.id = "e-2", .phone = "13200000000"}), h.hotline).status ==
          202);
  auto after = json(h.get(feed + "?after=" + std::to_string(cursor), h.jiangnan).body);
  REQUIRE(after["events"].Size() == 1);  // exactly what happened since the cursor
  CHECK(std::string(after["events"][0]["type"].GetString()) == "created");
  CHECK(h.get(feed + "?after=x", h.jiangnan).status == 400);
}

TEST_CASE("routes reload on SIGHUP: a valid file swaps, an invalid one is refused and the old kept",
          "[routing][reload]") {
  std::string dir = makeTempDir("xianjie-routes-");
  std::string path = dir + "/routes.jsonc";
  std::string original = readFile(std::string(XJ_SOURCE_DIR) + "/config/routes.jsonc");
  std::ofstream(path) << original;
  Daemon d(R"("fault_injection": true)", "", path);
  std::string t = d.token("hotline-1", "hotline");
  d.setClock(kHubNow);
  d.start();
  // SIGHUP, then wait for the daemon to log this reload's outcome; returns the new log text.
  auto hup = [&] {
    auto count = [&](const std::string& text) {
      size_t n = 0;
      for (size_t p = 0; (p = text.find("event=routes_reload", p)) != std::string::npos; ++p) ++n;
      return n;
    };
    std::string before = d.log();
    ::kill(d.pid(), SIGHUP);
    for (int i = 0; i < 250; ++i) {
      std::string now = d.log();
      if (count(now) > count(before)) return now.substr(before.size());
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    FAIL("no reload outcome logged within 5 s of SIGHUP");
    return std::string();
  };
  // Invalid: an unknown queue, a duplicate name and a rule with no target; every problem is
  // logged with its path, and the old table stays.
  std::ofstream(path)
      << R"({"rules":[{"name":"a","to":["nowhere"]},{"name":"a","match":{"kind":["ticket"]},"to":["@township"]},{"name":"b","to":[]}]})";
  std::string rejected = hup();
  INFO(rejected);
  CHECK(rejected.find("routes_reload_rejected") != std::string::npos);
  // The file lacks the queues the triage and escalation settings name, and the first rule,
  // matching everything, shadows the other two: seven problems, each on its own line.
  CHECK(rejected.find("problems=7 ") != std::string::npos);
  size_t lines = 0;
  for (size_t p = 0; (p = rejected.find("event=routes_problem ", p)) != std::string::npos; ++p)
    ++lines;
  CHECK(lines == 7);
  for (const char* where :
       {"path=/triage_queue ", "path=/escalation_queue ", "path=/rules/0/to/0 ",
        "path=/rules/1/name ", "path=/rules/1 ", "path=/rules/2/to ", "path=/rules/2 "})
    CHECK(rejected.find(where) != std::string::npos);
  REQUIRE(httpRequest(d.port(), "POST", "/v1/tickets", ticket({.id = "r-1"}), auth(t)).status ==
          202);
  CHECK(d.sql("SELECT route_rule || ' ' || route_version FROM messages WHERE message_id='r-1'") ==
        "hotline 2026-11-28.1\n");
  // Valid: everything to triage via a new version.
  std::ofstream(path)
      << R"({"version":"v2","queues":[{"id":"county-triage"},{"id":"county-task-force"}],
                            "rules":[{"name":"all-to-triage","to":["county-triage"]}]})";
  CHECK(hup().find("routes_reloaded version=v2") != std::string::npos);
  REQUIRE(httpRequest(d.port(), "POST", "/v1/tickets",
                      ticket({.id = "r-2", .phone = "13000000000"}), auth(t))
              .status == 202);
  CHECK(d.sql("SELECT route_rule || ' ' || route_version FROM messages WHERE message_id='r-2'") ==
        "all-to-triage v2\n");
  runCommand("rm -rf '" + dir + "'");
}

TEST_CASE("xianjie routes test explains a decision for each kind without storing anything",
          "[routing][cli]") {
  Daemon d;
  d.start();
  std::string dir = d.dir();
  std::ofstream(dir + "/t.json") << ticket({.id = "cli-t", .urgency = "critical"});
  std::ofstream(dir + "/r.json") << referral("cli-r", "451229195703081312");
  std::ofstream(dir + "/n.json") << notification("cli-n", "451229195703081312",
                                                 "monitoring_list_entry");
  std::string base = std::string(XJ_CLI) + " routes test --config '" + d.configPath() + "' ";
  auto t = runCommand(base + dir + "/t.json");
  CHECK(t.find("matched rule: critical-hotline") != std::string::npos);
  CHECK(t.find("county-temporary-aid") != std::string::npos);
  auto r = runCommand(base + dir + "/r.json");
  CHECK(r.find("matched rule: charity-referral") != std::string::npos);
  auto n = runCommand(base + dir + "/n.json");
  CHECK(n.find("matched rule: monitoring-list") != std::string::npos);
  CHECK(n.find("agri-liaison") != std::string::npos);
  CHECK(d.sql("SELECT count(*) FROM messages") == "0\n");
}
