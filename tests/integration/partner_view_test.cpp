// What the partner pages read, against the real daemon: a partner's own view of a referral out
// (the person as its `fields` allow, minimised exactly as the webhook's body, the consent it was
// sent under, the progress deadline), that reading the person is in the access record, the
// closed lists of reasons and outcomes in GET /v1/vocabulary, and a charity's referral in with
// how the person's consent was obtained (optional, checked when given).
#include <catch2/catch.hpp>

#include <rapidjson/document.h>

#include <chrono>
#include <map>
#include <string>
#include <thread>

#include "tests/support/child_process.h"
#include "tests/support/daemon.h"
#include "tests/support/http_client.h"
#include "tests/support/json_doc.h"

using namespace xj::test;

namespace {

const std::string kJiangnan = "451229205";
const std::string kQueue = "township-451229205";
const char* kIdNumber = "451229199011302426";  // synthetic

// charity-1 may see the name, the village and the needs (not the phone, not the ID number) and
// reports progress every 2 working days; charity-2 serves the county too.
const char* kPartners = R"({
  "partners": [
    {"org": "charity-1", "name": "一号慈善会", "services": ["food"], "townships": ["*"],
     "capacity": "available", "channel": {"type": "poll"}, "accept_within_working_days": 3,
     "progress_every_working_days": 2, "fields": ["name", "township", "village", "needs"]},
    {"org": "charity-2", "name": "二号慈善会", "services": ["food"], "townships": ["*"],
     "capacity": "available", "channel": {"type": "poll"}}
  ],
  "platform": {"enabled": false}
})";

const char* kConsent =
    R"({"recorded":true,"by":"韦社工","at":"2025-03-10T10:00:00+08:00","method":"written"})";

std::string trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
  return s;
}

struct Hub {
  Daemon d{R"("fault_injection": true)"};
  std::string hotline, admin, staff, charity1, charity2;
  Hub() {
    d.writePartners(kPartners);
    hotline = d.token("hotline-1", "hotline");
    admin = d.token("bureau-admin", "admin");
    staff = d.token("jiangnan-team", "staff", {kJiangnan});
    charity1 = d.token("charity-1", "charity");
    charity2 = d.token("charity-2", "charity");
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
  // A ticket about one person, referred out to charity-1: the exchange's id.
  std::string referredOut(const std::string& ticket_id = "t-1") {
    const std::string ticket =
        R"({"id":")" + ticket_id +
        R"(","kind":"ticket","source":"hotline-1","occurred_at":"2025-03-10T09:30:00+08:00","subject":{"name":"韦测试","id_number":")" +
        std::string(kIdNumber) + R"(","phone":"13900000001","township":")" + kJiangnan +
        R"(","village":"测试村"},"body":{"category":"dibao","urgency":"normal","description":"需要食物"}})";
    REQUIRE(send("POST", "/v1/tickets", ticket, hotline).status == 202);
    const std::string item =
        trim(d.sql("SELECT max(item_id) FROM items WHERE queue='" + kQueue + "'"));
    REQUIRE(!item.empty());
    auto r = send("POST", "/v1/exchanges",
                  R"({"queue":")" + kQueue + R"(","item":)" + item +
                      R"(,"partner":"charity-1","need":"food","consent":)" + kConsent + "}",
                  staff);
    REQUIRE(r.status == 201);
    return json(r.body)["exchange"]["id"].GetString();
  }
};

std::string str(const rapidjson::Value& v) {
  return v.IsString() ? std::string(v.GetString(), v.GetStringLength())
                      : std::string("<not a string>");
}

}  // namespace

TEST_CASE("a partner's view of its referral out: the minimised person, consent, progress due",
          "[exchange]") {
  Hub h;
  const std::string ex = h.referredOut();

  auto r = h.send("GET", "/v1/exchanges/" + ex, "", h.charity1);
  REQUIRE(r.status == 200);
  INFO(r.body);
  auto doc = json(r.body);
  REQUIRE(doc.HasMember("subject"));
  const auto& s = doc["subject"];
  CHECK(str(s["name"]) == "韦测试");
  CHECK(str(s["village"]) == "测试村");
  CHECK(str(s["township"]) == kJiangnan);
  CHECK(s["needs"].IsArray());
  // Exactly what its fields allow: no phone, no ID number, no household.
  CHECK(!s.HasMember("phone"));
  CHECK(!s.HasMember("id_number"));
  CHECK(!s.HasMember("household"));
  CHECK(r.body.find(kIdNumber) == std::string::npos);
  CHECK(r.body.find("13900000001") == std::string::npos);
  // The same person as the webhook's body: one minimiser.
  const std::string sent = h.d.openedSql(
      "SELECT xj_open(body, 'outbox.body') FROM outbox WHERE partner='charity-1' AND "
      "kind='exchange.referral'");
  auto sent_doc = json(sent);
  REQUIRE(sent_doc.HasMember("person"));
  CHECK(sent_doc["person"] == s);
  // The consent it was sent under; staff's fields stay staff's.
  const auto& x = doc["exchange"];
  REQUIRE(x.HasMember("consent"));
  CHECK(str(x["consent"]["method"]) == "written");
  CHECK(str(x["consent"]["by"]) == "韦社工");
  CHECK(!x.HasMember("item_id"));
  CHECK(!x.HasMember("progress_due"));  // nothing due before it is accepted

  // Staff see no subject here (they read the person on the item page).
  auto staff_view = json(h.send("GET", "/v1/exchanges/" + ex, "", h.staff).body);
  CHECK(!staff_view.HasMember("subject"));
  CHECK(staff_view["exchange"].HasMember("consent"));
  // Another charity: nothing at all.
  CHECK(h.send("GET", "/v1/exchanges/" + ex, "", h.charity2).status == 404);

  // Accepted: its next progress report is due 2 working days on (Monday 10 March -> Wednesday).
  REQUIRE(h.send("POST", "/v1/exchanges/" + ex + "/events", R"({"event":"accept"})", h.charity1)
              .status == 200);
  auto accepted = json(h.send("GET", "/v1/exchanges/" + ex, "", h.charity1).body);
  REQUIRE(accepted["exchange"].HasMember("progress_due"));
  CHECK(str(accepted["exchange"]["progress_due"]) == "2025-03-12");
  auto listed = json(h.send("GET", "/v1/exchanges", "", h.charity1).body);
  REQUIRE(listed["exchanges"].Size() == 1);
  CHECK(str(listed["exchanges"][0]["progress_due"]) == "2025-03-12");
  CHECK(!listed["exchanges"][0].HasMember("subject"));  // the list holds no person

  // The partner's read of the person is in the access record, found by the person's ID number.
  std::string found;
  for (int i = 0; i < 100; ++i) {
    found = runCommand(std::string(XJ_CLI) + " audit query --person " + kIdNumber + " --config '" +
                       h.d.configPath() + "' 2>&1");
    if (found.find("GET /v1/exchanges/{id}") != std::string::npos &&
        found.find("charity-1") != std::string::npos)
      break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  INFO(found);
  CHECK(found.find("GET /v1/exchanges/{id}") != std::string::npos);
  CHECK(found.find("charity-1") != std::string::npos);
  CHECK(found.find(kIdNumber) == std::string::npos);
}

TEST_CASE("GET /v1/vocabulary: the partner pages' reject and hold reasons and outcomes",
          "[exchange]") {
  Hub h;
  auto r = h.send("GET", "/v1/vocabulary", "", h.charity1);
  REQUIRE(r.status == 200);
  auto doc = json(r.body);
  auto codes = [&](const char* list) {
    std::string out;
    REQUIRE(doc.HasMember(list));
    for (const auto& t : doc[list].GetArray()) {
      CHECK(str(t["code"]) == str(t["value"]));
      CHECK(!str(t["zh"]).empty());
      CHECK(!str(t["en"]).empty());
      out += str(t["code"]) + " ";
    }
    return out;
  };
  CHECK(codes("exchange_reject_reasons") ==
        "capacity_full out_of_area service_not_offered cannot_contact person_declined other ");
  CHECK(codes("exchange_hold_reasons") ==
        "waiting_for_person waiting_for_documents capacity_waitlist other ");
  CHECK(codes("exchange_outcomes") ==
        "service_delivered partially_delivered referred_onward person_declined cannot_contact "
        "other ");
  // The needs: an exchange's (food among them), and those a referral in may name marked.
  std::string needs, referral;
  for (const auto& t : doc["exchange_needs"].GetArray()) {
    needs += str(t["code"]) + " ";
    if (t["referral"].GetBool()) referral += str(t["code"]) + " ";
  }
  CHECK(needs.find("food ") != std::string::npos);
  CHECK(referral.find("food ") == std::string::npos);
  CHECK(referral.find("basic_living ") != std::string::npos);
  // The page sends the code; partners' software may still send text.
  const std::string ex = h.referredOut();
  REQUIRE(h.send("POST", "/v1/exchanges/" + ex + "/events",
                 R"({"event":"reject","reason":"我们本月人手不足"})", h.charity1)
              .status == 200);
}

TEST_CASE("a charity's referral in may say how the consent was obtained; it is checked and kept",
          "[exchange]") {
  Hub h;
  auto referral = [](const std::string& id, const std::string& record) {
    return R"({"id":")" + id +
           R"(","kind":"referral","source":"charity-1","occurred_at":"2025-03-10T09:30:00Z","subject":{"township":")" +
           kJiangnan + R"("},"body":{"needs":["medical"],"charity_case_id":"c-)" + id +
           R"(","consent":true)" + record + "}}";
  };
  // Without it, as partners' software sends today.
  CHECK(h.send("POST", "/v1/referrals", referral("r-1", ""), h.charity1).status == 202);
  // With it: kept with the message, which staff read.
  auto ok = h.send(
      "POST", "/v1/referrals",
      referral(
          "r-2",
          R"(,"consent_record":{"by":"志愿者","at":"2025-03-10T09:00:00+08:00","method":"oral"})"),
      h.charity1);
  REQUIRE(ok.status == 202);
  const std::string hub_id = str(json(ok.body)["hub_id"]);
  auto m = h.send("GET", "/v1/messages/" + hub_id, "", h.admin);
  REQUIRE(m.status == 200);
  CHECK(str(json(m.body)["message"]["body"]["consent_record"]["method"]) == "oral");
  // Checked field by field.
  auto bad =
      h.send("POST", "/v1/referrals",
             referral("r-3", R"(,"consent_record":{"by":"","at":"yesterday","method":"nod"})"),
             h.charity1);
  CHECK(bad.status == 400);
  INFO(bad.body);
  CHECK(bad.body.find("/body/consent_record/by") != std::string::npos);
  CHECK(bad.body.find("/body/consent_record/at") != std::string::npos);
  CHECK(bad.body.find("/body/consent_record/method") != std::string::npos);
}

TEST_CASE("working days left to the deadlines, on the hub's calendar over a weekend and a holiday",
          "[exchange]") {
  Hub h;
  auto clock = [&](const char* at) {
    REQUIRE(h.send("POST", "/v1/admin/faults", std::string("clock ") + at, h.admin).status == 200);
  };
  auto mine = [&](const std::string& ex, const std::string& token) {
    auto r = h.send("GET", "/v1/exchanges/" + ex, "", token);
    REQUIRE(r.status == 200);
    rapidjson::Document doc = json(r.body);
    rapidjson::Document out;
    out.CopyFrom(doc["exchange"], out.GetAllocator());
    return out;
  };
  auto left = [](const rapidjson::Value& x, const char* key) {
    return x.HasMember(key) && x[key].IsInt() ? x[key].GetInt() : 999;
  };
  // Referred on Wednesday 2 April 2025; 3 working days to answer: Thursday 3, then Qingming
  // (Friday 4, a holiday) and the weekend, Monday 7, Tuesday 8.
  clock("2025-04-02T02:00:00Z");
  const std::string ex = h.referredOut();
  auto x = mine(ex, h.charity1);
  CHECK(str(x["answer_due"]) == "2025-04-08");
  CHECK(left(x, "answer_due_working_days") == 3);
  CHECK(!x.HasMember("answer_due_working_days_provisional"));
  // On the holiday Friday: Monday and Tuesday are left, the same as on the Thursday.
  clock("2025-04-03T02:00:00Z");
  CHECK(left(mine(ex, h.charity1), "answer_due_working_days") == 2);
  clock("2025-04-04T02:00:00Z");
  CHECK(left(mine(ex, h.charity1), "answer_due_working_days") == 2);
  auto listed = json(h.send("GET", "/v1/exchanges", "", h.charity1).body);
  CHECK(left(listed["exchanges"][0], "answer_due_working_days") == 2);
  CHECK(left(mine(ex, h.staff), "answer_due_working_days") == 2);  // staff see it too
  // Due today, then overdue by the working days past it (China Standard Time dates: 8 April
  // 20:00 UTC is already the 9th).
  clock("2025-04-08T02:00:00Z");
  CHECK(left(mine(ex, h.charity1), "answer_due_working_days") == 0);
  clock("2025-04-08T20:00:00Z");
  CHECK(left(mine(ex, h.charity1), "answer_due_working_days") == -1);
  // Accepted on Wednesday 9 April: no answer due any more; a progress report in 2 working days.
  REQUIRE(h.send("POST", "/v1/exchanges/" + ex + "/events", R"({"event":"accept"})", h.charity1)
              .status == 200);
  x = mine(ex, h.charity1);
  CHECK(!x.HasMember("answer_due_working_days"));
  CHECK(str(x["progress_due"]) == "2025-04-11");
  CHECK(left(x, "progress_due_working_days") == 2);
  // Closed: no count.
  REQUIRE(h.send("POST", "/v1/exchanges/" + ex + "/events",
                 R"({"event":"complete","outcome":"service_delivered"})", h.charity1)
              .status == 200);
  x = mine(ex, h.charity1);
  CHECK(!x.HasMember("answer_due_working_days"));
  CHECK(!x.HasMember("progress_due_working_days"));

  // Into a year whose holiday notice is not loaded: counted as the deadline was, and marked.
  clock("2026-12-30T02:00:00Z");
  const std::string later = h.referredOut("t-2");
  x = mine(later, h.charity1);
  CHECK(x.HasMember("answer_due_working_days"));
  CHECK(x.HasMember("answer_due_working_days_provisional"));
}

TEST_CASE(
    "a prober: another org's answers hold nothing of the person or the consent; a referral "
    "in gives its charity back no more than it sent",
    "[exchange]") {
  Hub h;
  const std::string out = h.referredOut();
  // The partner's own list shows the consent of its referral out (it performs it), no person.
  auto own = h.send("GET", "/v1/exchanges", "", h.charity1);
  REQUIRE(own.status == 200);
  auto own_doc = json(own.body);
  REQUIRE(own_doc["exchanges"].Size() == 1);
  CHECK(own_doc["exchanges"][0].HasMember("consent"));
  CHECK(own.body.find("韦测试") == std::string::npos);
  // Another charity: not in its list, its one answer is 404, and so is an event on it.
  for (const auto& r : {h.send("GET", "/v1/exchanges", "", h.charity2),
                        h.send("GET", "/v1/exchanges/" + out, "", h.charity2),
                        h.send("POST", "/v1/exchanges/" + out + "/events", R"({"event":"note",
                               "note":"x"})",
                               h.charity2)}) {
    INFO(r.body);
    CHECK(r.body.find(out + "\"") == std::string::npos);
    CHECK(r.body.find("consent") == std::string::npos);
    CHECK(r.body.find("韦测试") == std::string::npos);
    CHECK(r.body.find("测试村") == std::string::npos);
    CHECK(r.body.find("韦社工") == std::string::npos);
  }
  CHECK(h.send("GET", "/v1/exchanges/" + out, "", h.charity2).status == 404);

  // A case charity-1 pushed: its exchange in shows it only its own side.
  const std::string referral =
      R"({"id":"r-9","kind":"referral","source":"charity-1","occurred_at":"2025-03-10T09:30:00Z","subject":{"name":"韦推送","township":")" +
      kJiangnan +
      R"("},"body":{"needs":["medical"],"charity_case_id":"c-9","consent":true,"consent_record":{"by":"志愿者","at":"2025-03-10T09:00:00+08:00","method":"oral"}}})";
  REQUIRE(h.send("POST", "/v1/referrals", referral, h.charity1).status == 202);
  auto list = json(h.send("GET", "/v1/exchanges", "", h.charity1).body);
  std::string in;
  for (const auto& x : list["exchanges"].GetArray())
    if (str(x["direction"]) == "inbound") in = str(x["id"]);
  REQUIRE(!in.empty());
  auto staffOnly = [](const rapidjson::Value& x) {
    for (const char* k : {"queue", "item_id", "hub_id", "created_by", "consent"})
      if (x.HasMember(k)) return std::string(k);
    return std::string();
  };
  for (const auto& x : list["exchanges"].GetArray())
    if (str(x["direction"]) == "inbound") CHECK(staffOnly(x).empty());
  auto one = h.send("GET", "/v1/exchanges/" + in, "", h.charity1);
  REQUIRE(one.status == 200);
  auto one_doc = json(one.body);
  CHECK(!one_doc.HasMember("subject"));
  CHECK(staffOnly(one_doc["exchange"]).empty());
  // Its own event's answer is its side too (it used to be the staff's view).
  auto noted = h.send("POST", "/v1/exchanges/" + in + "/events",
                      R"({"event":"note","note":"补充材料"})", h.charity1);
  REQUIRE(noted.status == 200);
  CHECK(staffOnly(json(noted.body)["exchange"]).empty());
  // And another charity gets nothing of it.
  CHECK(h.send("GET", "/v1/exchanges/" + in, "", h.charity2).status == 404);
  auto other = h.send("GET", "/v1/exchanges", "", h.charity2);
  CHECK(other.body.find(in + "\"") == std::string::npos);
  CHECK(other.body.find("韦推送") == std::string::npos);
}
