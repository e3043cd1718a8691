// The authorization matrix: every endpoint the hub serves x every kind of caller, with
// the expected status, generated from ONE table below and run against the real daemon over real
// HTTP. The table must list exactly the endpoints of the OpenAPI document the daemon serves
// (which a unit test keeps equal to the router's table), so a new endpoint fails here until its
// row is written.
//
// Callers (columns): no token; a revoked admin token; the hotline that sent the target ticket
// (own organisation) and another hotline; a charity; an agency; staff limited to the target's
// township (Jiangnan) from two organisations; staff limited to another township (Baima); county
// staff (no township); admin. The target is a Jiangnan ticket, its hub id and its item on the
// Jiangnan township queue. Out-of-scope message ids are 404 (no existence oracle: hub ids are
// sequential); out-of-scope queues are 403 (queue ids are public configuration).
#include <catch2/catch.hpp>

#include <rapidjson/document.h>

#include <map>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/daemon.h"
#include "tests/support/http_client.h"

using namespace xj::test;

namespace {

// Column order of `expect` in every row.
const std::vector<std::string> kCallers = {
    "none",      "revoked",      "hotline",  "hotline-other",
    "charity",   "agency",       "staff-in", "staff-in-other-org",
    "staff-out", "staff-county", "admin"};

struct Row {
  std::string method;
  std::string path;    // the OpenAPI template
  std::string expect;  // one status per caller, in kCallers order
};

// THE table. Owner-only actions (release, progress, resolve) and reassign run on an item claimed by
// staff-in; the others on a fresh item each. Ingest posts with source = the hotline/charity/agency
// that owns the column's organisation (hotline-1, charity-1, yibao).
const std::vector<Row> kMatrix = {
    // clang-format off
    //                                                    none rev  hot  hot2 cha  age  in   in2  out  cty  adm
    {"GET",  "/",                                        "200 200 200 200 200 200 200 200 200 200 200"},
    {"GET",  "/console/{file}",                          "200 200 200 200 200 200 200 200 200 200 200"},
    {"GET",  "/healthz",                                 "200 200 200 200 200 200 200 200 200 200 200"},
    {"GET",  "/readyz",                                  "200 200 200 200 200 200 200 200 200 200 200"},
    {"GET",  "/metrics",                                 "200 200 200 200 200 200 200 200 200 200 200"},
    {"GET",  "/v1/openapi.json",                         "200 200 200 200 200 200 200 200 200 200 200"},
    {"POST", "/v1/tickets",                              "401 401 202 403 403 403 403 403 403 403 403"},
    {"POST", "/v1/referrals",                            "401 401 403 403 202 403 403 403 403 403 403"},
    {"POST", "/v1/notifications",                        "401 401 403 403 403 202 403 403 403 403 403"},
    {"GET",  "/v1/messages/{id}",                        "401 401 200 404 404 404 200 200 404 200 200"},
    {"POST", "/v1/eligibility/evaluate",                 "401 401 403 403 403 403 200 200 200 200 200"},
    {"GET",  "/v1/queues",                               "401 401 403 403 403 403 200 200 200 200 200"},
    {"GET",  "/v1/queues/{queue}/items",                 "401 401 403 403 403 403 200 200 403 200 200"},
    {"GET",  "/v1/queues/{queue}/items/{item}",          "401 401 403 403 403 403 200 200 403 200 200"},
    {"POST", "/v1/queues/{queue}/items/{item}/claim",    "401 401 403 403 403 403 200 200 403 200 200"},
    {"POST", "/v1/queues/{queue}/items/{item}/release",  "401 401 403 403 403 403 200 409 403 409 409"},
    {"POST", "/v1/queues/{queue}/items/{item}/transfer", "401 401 403 403 403 403 200 200 403 200 200"},
    {"POST", "/v1/queues/{queue}/items/{item}/notes",    "401 401 403 403 403 403 200 200 403 200 200"},
    {"POST", "/v1/queues/{queue}/items/{item}/progress", "401 401 403 403 403 403 200 409 403 409 409"},
    {"POST", "/v1/queues/{queue}/items/{item}/resolve",  "401 401 403 403 403 403 200 409 403 409 409"},
    {"POST", "/v1/queues/{queue}/items/{item}/reassign", "401 401 403 403 403 403 403 403 403 403 200"},
    {"GET",  "/v1/queues/{queue}/events",                "401 401 403 403 403 403 200 200 403 200 200"},
    {"GET",  "/v1/outbox",                               "401 401 403 403 403 403 403 403 403 200 200"},
    {"POST", "/v1/outbox/{id}/replay",                   "401 401 403 403 403 403 403 403 403 200 200"},
    {"POST", "/v1/exchanges",                            "401 401 403 403 403 403 201 201 403 201 201"},
    {"GET",  "/v1/exchanges",                            "401 401 403 403 200 403 200 200 200 200 200"},
    {"GET",  "/v1/exchanges/suggestions",                "401 401 403 403 403 403 200 200 403 200 200"},
    {"GET",  "/v1/exchanges/{id}",                       "401 401 403 403 404 403 200 200 404 200 200"},
    {"POST", "/v1/exchanges/{id}/events",                "401 401 403 403 404 403 200 200 404 200 200"},
    {"GET",  "/v1/reports/exchanges",                    "401 401 403 403 403 403 200 200 200 200 200"},
    {"GET",  "/v1/whoami",                               "401 401 200 200 200 200 200 200 200 200 200"},
    {"GET",  "/v1/directory/townships",                  "401 401 200 200 200 200 200 200 200 200 200"},
    {"GET",  "/v1/vocabulary",                           "401 401 200 200 200 200 200 200 200 200 200"},
    {"POST", "/v1/lookups/repeat-caller",                "401 401 200 200 403 403 200 200 200 200 200"},
    {"GET",  "/v1/messages",                             "401 401 200 200 200 200 200 200 200 200 200"},
    {"GET",  "/v1/reports/townships",                    "401 401 403 403 403 403 200 200 200 200 200"},
    {"POST", "/v1/admin/faults",                         "401 401 403 403 403 403 403 403 403 403 200"},
    {"GET",  "/v1/audit",                                "401 401 403 403 403 403 403 403 403 403 200"},
    // clang-format on
};

const std::string kJiangnan = "451229205";
const std::string kBaima = "451229202";
const std::string kQueue = "township-451229205";

std::vector<int> codes(const std::string& s) {
  std::istringstream in(s);
  std::vector<int> out;
  int c;
  while (in >> c) out.push_back(c);
  return out;
}

std::string ticket(const std::string& id, int n) {
  char phone[16];
  std::snprintf(phone, sizeof phone, "1390000%04d", n);  // distinct: no repeat-call linking
  return R"({"id":")" + id +
         R"(","kind":"ticket","source":"hotline-1","occurred_at":"2025-03-10T09:30:00+08:00","subject":{"name":"测试","phone":")" +
         phone + R"(","township":")" + kJiangnan +
         R"(","village":"测试村"},"body":{"category":"dibao","urgency":"normal","description":"矩阵"}})";
}

std::string referral(const std::string& id) {
  return R"({"id":")" + id +
         R"(","kind":"referral","source":"charity-1","occurred_at":"2025-03-10T09:30:00Z","subject":{"id_number":"451229199011302426","township":")" +
         kJiangnan + R"("},"body":{"needs":["medical"],"charity_case_id":"c-1","consent":true}})";
}

std::string notification(const std::string& id) {
  return R"({"id":")" + id +
         R"(","kind":"notification","source":"yibao","occurred_at":"2025-03-10T09:30:00Z","subject":{"id_number":"45122919800101002X","township":")" +
         kJiangnan +
         R"("},"body":{"department":"medical_insurance","signal":"large_medical_bill","amounts":{"out_of_pocket":4500000}}})";
}

const char* kHousehold =
    R"({"as_of":"2025-03-10","township_code":"451229205","residence":"rural","members":[{"pid":"p1","relation":"applicant","sex":"M","birth_date":"1950-01-01"}],"assets":{"financial":0}})";

std::string between(const std::string& s, const std::string& key) {
  auto p = s.find("\"" + key + "\":\"");
  if (p == std::string::npos) return {};
  p += key.size() + 4;
  return s.substr(p, s.find('"', p) - p);
}

struct Matrix {
  Daemon d{R"("fault_injection": true)"};
  std::map<std::string, std::string> token;  // caller -> bearer ("" for none)
  std::string target_hub_id;
  std::string target_exchange;  // an outbound exchange of a Jiangnan item to charity-demo
  int next = 0;

  Matrix() {
    token["none"] = "";
    token["revoked"] = d.token("old-admin", "admin");
    token["hotline"] = d.token("hotline-1", "hotline");
    token["hotline-other"] = d.token("hotline-2", "hotline");
    token["charity"] = d.token("charity-1", "charity");
    token["agency"] = d.token("yibao", "agency");
    token["staff-in"] = d.token("jiangnan-team", "staff", {kJiangnan});
    token["staff-in-other-org"] = d.token("jiangnan-volunteers", "staff", {kJiangnan});
    token["staff-out"] = d.token("baima-team", "staff", {kBaima});
    token["staff-county"] = d.token("county-bureau", "staff");
    token["admin"] = d.token("bureau-admin", "admin");
    int rc = 0;
    runCommand(std::string(XJ_CLI) + " token revoke --config '" + d.configPath() + "' " +
                   token["revoked"].substr(4, 12) + " >/dev/null 2>&1",
               &rc);
    REQUIRE(rc == 0);
    d.start();
    auto r = send("POST", "/v1/tickets", ticket("target", 0), "hotline");
    REQUIRE(r.status == 202);
    target_hub_id = between(r.body, "hub_id");
    REQUIRE(!target_hub_id.empty());
    auto ex = send("POST", "/v1/exchanges", referOut(freshItem()), "staff-in");
    REQUIRE(ex.status == 201);
    target_exchange = between(ex.body, "id");
    REQUIRE(!target_exchange.empty());
  }

  // A referral out of `item` to the shipped partner directory's charity-demo, with consent.
  static std::string referOut(const std::string& item) {
    return R"({"queue":")" + kQueue + R"(","item":)" + item +
           R"(,"partner":"charity-demo","need":"food","consent":{"recorded":true,"by":"矩阵","at":"2025-03-10T10:00:00+08:00","method":"written"}})";
  }

  HttpResponse send(const std::string& method, const std::string& path, const std::string& body,
                    const std::string& caller) {
    std::map<std::string, std::string> h;
    if (!token[caller].empty()) h["Authorization"] = "Bearer " + token[caller];
    if (!body.empty())
      h["Content-Type"] =
          method == "POST" && path == "/v1/admin/faults" ? "text/plain" : "application/json";
    return httpRequest(d.port(), method, path, body, h);
  }

  // A fresh dead outbox row (addressed to a partner the directory does not know: dead at once).
  std::string freshDeadOutbox() {
    ++next;
    auto r = send(
        "POST", "/v1/admin/faults",
        R"(enqueue_outbound {"partner": "nobody", "lane_key": "m", "kind": "exchange.status", "idempotency_key": "matrix-)" +
            std::to_string(next) + R"(", "body": {}})",
        "admin");
    REQUIRE(r.status == 200);
    std::string id = r.body.substr(r.body.find(':') + 1);
    id = id.substr(0, id.find('}'));
    for (int i = 0; i < 500; ++i) {
      if (d.sql("SELECT state FROM outbox WHERE id=" + id) == "dead\n") return id;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    FAIL("outbox row " << id << " did not become dead");
    return id;
  }

  // A fresh Jiangnan ticket's item id on the township queue.
  std::string freshItem() {
    ++next;
    auto r = send("POST", "/v1/tickets", ticket("m-" + std::to_string(next), next), "hotline");
    REQUIRE(r.status == 202);
    std::string hub = between(r.body, "hub_id");
    std::string seq = std::to_string(std::stoll(hub.substr(3)));
    std::string id =
        d.sql("SELECT item_id FROM items WHERE hub_seq=" + seq + " AND queue='" + kQueue + "'");
    while (!id.empty() && (id.back() == '\n')) id.pop_back();
    REQUIRE(!id.empty());
    return id;
  }
};

std::string fill(std::string path, const std::string& name, const std::string& value) {
  auto p = path.find("{" + name + "}");
  if (p != std::string::npos) path.replace(p, name.size() + 2, value);
  return path;
}

}  // namespace

TEST_CASE("authorization matrix: every endpoint x every caller, from one table", "[authz]") {
  Matrix m;
  // The table covers exactly what the daemon documents (and so, by the unit test, what it routes).
  auto doc_body = m.send("GET", "/v1/openapi.json", "", "none").body;
  rapidjson::Document doc;
  doc.Parse(doc_body.c_str());
  REQUIRE(doc.IsObject());
  std::set<std::string> documented, tabled;
  for (auto& p : doc["paths"].GetObject())
    for (auto& op : p.value.GetObject()) {
      std::string method = op.name.GetString();
      if (method == "parameters") continue;
      for (auto& c : method) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      documented.insert(method + " " + p.name.GetString());
    }
  for (const auto& row : kMatrix) {
    CHECK(tabled.insert(row.method + " " + row.path).second);
    REQUIRE(codes(row.expect).size() == kCallers.size());
  }
  for (const auto& e : documented) {
    INFO("endpoint served but missing from the authorization matrix: " << e);
    CHECK(tabled.count(e) == 1);
  }
  for (const auto& e : tabled) {
    INFO("matrix row for an endpoint the hub does not serve: " << e);
    CHECK(documented.count(e) == 1);
  }

  int failures = 0;
  std::ostringstream report;
  for (const auto& row : kMatrix) {
    auto expect = codes(row.expect);
    const bool owner_only = row.path.ends_with("/release") || row.path.ends_with("/progress") ||
                            row.path.ends_with("/resolve") || row.path.ends_with("/reassign");
    const bool item_action = row.path.find("{item}/") != std::string::npos;
    for (size_t c = 0; c < kCallers.size(); ++c) {
      const std::string& caller = kCallers[c];
      const bool exchange_row = row.path.rfind("/v1/exchanges", 0) == 0;
      std::string path = row.path.rfind("/v1/outbox/", 0) == 0
                             ? fill(row.path, "id", m.freshDeadOutbox())
                             : fill(row.path, "id", exchange_row ? m.target_exchange : m.target_hub_id);
      path = fill(path, "queue", kQueue);
      path = fill(path, "file", "app.js");
      std::string body;
      if (row.path.find("{item}") != std::string::npos) {
        std::string item = m.freshItem();
        if (owner_only) {
          auto claimed =
              m.send("POST", "/v1/queues/" + kQueue + "/items/" + item + "/claim", "", "staff-in");
          REQUIRE(claimed.status == 200);
        }
        path = fill(path, "item", item);
      }
      std::string unique = "x" + std::to_string(++m.next);
      if (row.path == "/v1/tickets") body = ticket(unique, m.next);
      if (row.path == "/v1/referrals") body = referral(unique);
      if (row.path == "/v1/notifications") body = notification(unique);
      if (row.path == "/v1/eligibility/evaluate") body = kHousehold;
      if (row.path == "/v1/admin/faults") body = "resume";
      if (row.method == "POST" && row.path == "/v1/exchanges") body = Matrix::referOut(m.freshItem());
      if (row.path == "/v1/exchanges/suggestions")
        path += "?queue=" + kQueue + "&item=" + m.freshItem() + "&need=food";
      if (row.path == "/v1/reports/exchanges") path += "?from=2025-03-01&to=2025-03-31";
      if (row.path == "/v1/reports/townships") path += "?from=2025-03-01&to=2025-03-31";
      if (row.path == "/v1/messages") path += "?mine=1&limit=5";
      if (row.path == "/v1/audit") path += "?item=" + m.freshItem();
      if (row.path == "/v1/lookups/repeat-caller") body = R"({"phone":"13900000000"})";
      if (row.path == "/v1/exchanges/{id}/events") body = R"({"event":"note","note":"矩阵"})";
      if (item_action && row.path.ends_with("/transfer"))
        body = R"({"to":"county-triage","reason":"矩阵"})";
      if (item_action && row.path.ends_with("/notes")) body = R"({"text":"矩阵"})";
      if (item_action && row.path.ends_with("/reassign"))
        body = R"({"to":")" + m.token["staff-in-other-org"].substr(4, 12) + R"(","reason":"矩阵"})";
      if (item_action && row.path.ends_with("/progress")) body = R"({"state":"in_progress"})";
      if (item_action && row.path.ends_with("/resolve"))
        body = R"({"outcome":"other","reason_code":"other"})";
      auto r = m.send(row.method, path, body, caller);
      if (r.status != expect[c]) {
        ++failures;
        report << row.method << " " << row.path << " as " << caller << ": got " << r.status
               << ", table says " << expect[c] << "\n";
      }
    }
  }
  INFO(report.str());
  CHECK(failures == 0);
}

// Partner persons: tokens made per person (`token create --name`) under one organisation. The
// organisation is the scope, the person only says who acted: two persons of one charity see and
// act on the same exchanges, another charity's person sees none, a revoked person is refused
// while the other person of the organisation still works; an agency's persons likewise for
// the organisation's messages.
TEST_CASE("authorization matrix: partner person tokens act for their organisation", "[authz]") {
  Daemon d{R"("fault_injection": true)"};
  const std::string staff = d.token("jiangnan-team", "staff", {kJiangnan});
  const std::string hotline = d.token("hotline-1", "hotline");
  const std::string first = d.token("charity-demo", "charity", {}, "王芳");
  const std::string second = d.token("charity-demo", "charity", {}, "李强");
  const std::string gone = d.token("charity-demo", "charity", {}, "刘洋");
  const std::string other = d.token("charity-1", "charity", {}, "赵敏");
  const std::string agency_a = d.token("yibao", "agency", {}, "陈静");
  const std::string agency_b = d.token("yibao", "agency", {}, "周杰");
  const std::string agency_gone = d.token("yibao", "agency", {}, "吴磊");
  const std::string agency_other = d.token("minzheng-x", "agency", {}, "郑爽");
  for (const auto& t : {gone, agency_gone}) {
    int rc = 0;
    runCommand(std::string(XJ_CLI) + " token revoke --config '" + d.configPath() + "' " +
                   t.substr(4, 12) + " >/dev/null 2>&1",
               &rc);
    REQUIRE(rc == 0);
  }
  d.start();
  auto send = [&](const std::string& method, const std::string& path, const std::string& body,
                  const std::string& token) {
    std::map<std::string, std::string> h{{"Authorization", "Bearer " + token}};
    if (!body.empty()) h["Content-Type"] = "application/json";
    return httpRequest(d.port(), method, path, body, h);
  };
  auto t = send("POST", "/v1/tickets", ticket("p-1", 1), hotline);
  REQUIRE(t.status == 202);
  const std::string seq = std::to_string(std::stoll(between(t.body, "hub_id").substr(3)));
  std::string item =
      d.sql("SELECT item_id FROM items WHERE hub_seq=" + seq + " AND queue='" + kQueue + "'");
  while (!item.empty() && item.back() == '\n') item.pop_back();
  auto ex = send("POST", "/v1/exchanges", Matrix::referOut(item), staff);
  REQUIRE(ex.status == 201);
  const std::string path = "/v1/exchanges/" + between(ex.body, "id");

  CHECK(send("GET", path, "", first).status == 200);
  CHECK(send("GET", path, "", second).status == 200);
  CHECK(send("POST", path + "/events", R"({"event":"accept"})", second).status == 200);
  CHECK(send("POST", path + "/events", R"({"event":"start"})", first).status == 200);
  CHECK(send("GET", path, "", other).status == 404);
  CHECK(send("POST", path + "/events", R"({"event":"note","note":"x"})", other).status == 404);
  CHECK(send("GET", "/v1/exchanges", "", other).body.find("\"exchanges\":[]") != std::string::npos);
  CHECK(send("GET", path, "", gone).status == 401);
  CHECK(send("POST", path + "/events", R"({"event":"note","note":"x"})", gone).status == 401);
  CHECK(send("GET", path, "", second).status == 200);  // the organisation's other person

  // An agency's persons: one sends, the other reads it; another agency and a revoked person not.
  auto n = send("POST", "/v1/notifications", notification("p-n1"), agency_a);
  REQUIRE(n.status == 202);
  const std::string msg = "/v1/messages/" + between(n.body, "hub_id");
  CHECK(send("GET", msg, "", agency_b).status == 200);
  CHECK(send("GET", "/v1/messages?mine=1", "", agency_b).body.find("p-n1") != std::string::npos);
  CHECK(send("GET", msg, "", agency_other).status == 404);
  CHECK(send("GET", "/v1/messages?mine=1", "", agency_other).body.find("p-n1") ==
        std::string::npos);
  CHECK(send("GET", msg, "", agency_gone).status == 401);
  CHECK(send("POST", "/v1/notifications", notification("p-n2"), agency_gone).status == 401);
  CHECK(send("POST", "/v1/notifications", notification("p-n3"), agency_b).status == 202);
}
