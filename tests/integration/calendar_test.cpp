// The calendar cliff against the real daemon: a year without its holiday notice still
// takes work with provisional deadlines; `xianjie calendar import` + SIGHUP loads the notice and
// recounts the open items; a bad calendar is refused and the old one kept; metrics, the daily
// warning and /readyz. The hub's clock is set (fault injection): nothing depends on today.
#include <catch2/catch.hpp>

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "tests/support/daemon.h"
#include "tests/support/http_client.h"
#include "tests/support/json_doc.h"

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

void writeFile(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  REQUIRE(out.good());
}

// Polls `cond` every 50 ms until it holds or `seconds` pass.
template <class F>
bool waitFor(F cond, int seconds = 20) {
  auto end = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
  while (std::chrono::steady_clock::now() < end) {
    if (cond()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return cond();
}

int countOf(const std::string& haystack, const std::string& needle) {
  int n = 0;
  for (size_t p = haystack.find(needle); p != std::string::npos; p = haystack.find(needle, p + 1))
    ++n;
  return n;
}

// A hub whose standards are a private copy of config/standards (holidays 2024-2026 only), so
// that a test can add a year and send SIGHUP.
struct CalendarHub {
  Daemon d{R"("fault_injection": true)"};
  std::string standards;
  std::string hotline, charity, county, admin;
  CalendarHub() {
    standards = d.dir() + "/standards";
    std::filesystem::copy(std::string(XJ_SOURCE_DIR) + "/config/standards", standards);
    REQUIRE_FALSE(std::filesystem::exists(standards + "/holidays-2027.json"));
    // Point the daemon's config at the copy.
    std::string config = readFile(d.configPath());
    std::string shipped = std::string(XJ_SOURCE_DIR) + "/config/standards";
    auto at = config.find("\"" + shipped + "\"");
    REQUIRE(at != std::string::npos);
    config.replace(at + 1, shipped.size(), standards);
    writeFile(d.configPath(), config);
    hotline = d.token("hotline-1", "hotline");
    charity = d.token("charity-1", "charity");
    county = d.token("county-bureau", "staff");
    admin = d.token("bureau-admin", "admin");
    d.start();
  }
  HttpResponse get(const std::string& path, const std::string& token) {
    return httpRequest(d.port(), "GET", path, "", auth(token));
  }
  HttpResponse post(const std::string& path, const std::string& body, const std::string& token) {
    return httpRequest(d.port(), "POST", path, body, auth(token));
  }
  void clock(const std::string& rfc3339) {
    REQUIRE(post("/v1/admin/faults", "clock " + rfc3339, admin).status == 200);
  }
  // The items of a queue (staff API), each as its own document.
  std::vector<rapidjson::Document> items(const std::string& queue) {
    auto r = get("/v1/queues/" + queue + "/items", county);
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
  std::string metrics() { return httpRequest(d.port(), "GET", "/metrics").body; }
  void hangup() { REQUIRE(::kill(d.pid(), SIGHUP) == 0); }
};

// A ticket whose subject describes the household of rules case 05 (a dibao household).
std::string householdTicket(const std::string& id, std::string& township) {
  auto c = json(readFile(std::string(XJ_RULES_DATA_DIR) + "/cases/case-05.json"));
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  c["household"].Accept(w);
  township = c["household"]["township_code"].GetString();
  return R"({"id":")" + id +
         R"(","kind":"ticket","source":"hotline-1","occurred_at":"2027-03-01T09:30:00+08:00",)"
         R"("subject":{"township":")" +
         township + R"(","phone":"13800000077","household":)" + buf.GetString() +
         R"(},"body":{"category":"dibao","urgency":"normal","description":"测试"}})";
}

std::string referral(const std::string& id) {
  return R"({"id":")" + id +
         R"(","kind":"referral","source":"charity-1","occurred_at":"2027-03-01T09:30:00+08:00",)"
         R"("subject":{"id_number":"451229195703081312","township":"451229202"},)"
         R"("body":{"needs":["medical"],"charity_case_id":"c-1","consent":true}})";
}

// A 2027 arrangement in the holiday-cn format, built for the test (the real notice is not known
// here): the statutory days with the usual bridging, make-up Saturdays and Sundays, and one day
// off on Tue 2027-03-02 that no provisional calendar can know -- so recounting is visible.
const char* const k2027 = R"({"year": 2027, "days": [
  {"name": "元旦", "date": "2027-01-01", "isOffDay": true},
  {"name": "春节", "date": "2027-02-05", "isOffDay": true},
  {"name": "春节", "date": "2027-02-06", "isOffDay": true},
  {"name": "春节", "date": "2027-02-07", "isOffDay": true},
  {"name": "春节", "date": "2027-02-08", "isOffDay": true},
  {"name": "春节", "date": "2027-02-09", "isOffDay": true},
  {"name": "春节", "date": "2027-02-10", "isOffDay": true},
  {"name": "春节", "date": "2027-02-11", "isOffDay": true},
  {"name": "春节", "date": "2027-02-12", "isOffDay": true},
  {"name": "春节", "date": "2027-02-13", "isOffDay": false},
  {"name": "测试假日", "date": "2027-03-02", "isOffDay": true},
  {"name": "测试假日", "date": "2027-03-06", "isOffDay": false},
  {"name": "清明节", "date": "2027-04-05", "isOffDay": true},
  {"name": "劳动节", "date": "2027-05-01", "isOffDay": true},
  {"name": "劳动节", "date": "2027-05-02", "isOffDay": true},
  {"name": "劳动节", "date": "2027-05-03", "isOffDay": true},
  {"name": "劳动节", "date": "2027-05-04", "isOffDay": true},
  {"name": "劳动节", "date": "2027-05-05", "isOffDay": true},
  {"name": "端午节", "date": "2027-06-09", "isOffDay": true},
  {"name": "中秋节", "date": "2027-09-15", "isOffDay": true},
  {"name": "国庆节", "date": "2027-10-01", "isOffDay": true},
  {"name": "国庆节", "date": "2027-10-04", "isOffDay": true},
  {"name": "国庆节", "date": "2027-10-05", "isOffDay": true},
  {"name": "国庆节", "date": "2027-10-06", "isOffDay": true},
  {"name": "国庆节", "date": "2027-10-07", "isOffDay": true},
  {"name": "国庆节", "date": "2027-10-09", "isOffDay": false}]})";

}  // namespace

TEST_CASE("without the 2027 notice work gets provisional deadlines; import + SIGHUP recounts them",
          "[calendar]") {
  CalendarHub h;
  h.clock("2027-03-01T10:00:00+08:00");  // Monday; no holidays-2027.json in the standards

  // A ticket with a household: accepted with a decision and a provisional deadline.
  std::string township;
  auto r = h.post("/v1/tickets", householdTicket("cliff-1", township), h.hotline);
  REQUIRE(r.status == 202);
  auto decision = h.d.openedSql(
      "SELECT p.category || '|' || json_extract(xj_open(p.decision, 'prescreen.decision'), "
      "'$.review_deadline.date') || '|' || json_extract(xj_open(p.decision, "
      "'prescreen.decision'), '$.review_deadline.provisional') FROM prescreens p JOIN messages m "
      "ON m.hub_seq = p.hub_seq WHERE m.message_id='cliff-1'");
  // 15 working days from Mon 2027-03-01 with no holiday in March: 2027-03-22, provisional.
  CHECK(decision == "dibao|2027-03-22|1\n");
  // A referral too (15 working days), so that each item keeps its own count.
  REQUIRE(h.post("/v1/referrals", referral("cliff-ref"), h.charity).status == 202);

  auto ticket_items = h.items("township-" + township);
  REQUIRE(ticket_items.size() == 1);
  CHECK(ticket_items[0]["deadline_provisional"].GetBool());
  CHECK(std::string(ticket_items[0]["deadline"].GetString()) == "2027-03-02");  // 1 WD
  int64_t ticket_item = ticket_items[0]["item_id"].GetInt64();
  auto referral_items = h.items("township-451229202");
  REQUIRE(referral_items.size() == 1);
  CHECK(referral_items[0]["deadline_provisional"].GetBool());
  CHECK(std::string(referral_items[0]["deadline"].GetString()) == "2027-03-22");

  // Ready, with the warning in the log and the metrics.
  CHECK(httpRequest(h.d.port(), "GET", "/readyz").status == 200);
  CHECK(h.d.log().find("event=calendar_provisional today=2027-03-01") != std::string::npos);
  std::string m = h.metrics();
  CHECK(m.find("\nxianjie_calendar_last_day 20261231\n") != std::string::npos);
  CHECK(m.find("\nxianjie_calendar_days_left -60\n") != std::string::npos);
  CHECK(m.find("\nxianjie_calendar_provisional 1\n") != std::string::npos);

  // The notice arrives: import it into the standards directory and send SIGHUP.
  std::string input = h.d.dir() + "/notice-2027.json";
  writeFile(input, k2027);
  int code = -1;
  std::string out = runCommand(
      std::string(XJ_CLI) + " calendar import '" + input + "' --out '" + h.standards + "' 2>&1",
      &code);
  INFO(out);
  REQUIRE(code == 0);
  REQUIRE(std::filesystem::exists(h.standards + "/holidays-2027.json"));
  h.hangup();

  // The open items are recounted from 2027-03-01 with the same working days, no longer
  // provisional: the ticket skips the day off on 03-02; the referral skips it and works the
  // make-up Saturday 03-06, so it lands on the same 03-22.
  REQUIRE(waitFor([&] {
    auto items = h.items("township-" + township);
    return items.size() == 1 && !items[0]["deadline_provisional"].GetBool();
  }));
  CHECK(std::string(h.items("township-" + township)[0]["deadline"].GetString()) == "2027-03-03");
  REQUIRE(
      waitFor([&] { return !h.items("township-451229202")[0]["deadline_provisional"].GetBool(); }));
  CHECK(std::string(h.items("township-451229202")[0]["deadline"].GetString()) == "2027-03-22");
  // The change is in the item's history and its queue's event feed.
  auto item = json(
      h.get("/v1/queues/township-" + township + "/items/" + std::to_string(ticket_item), h.county)
          .body);
  const auto& hist = item["history"];
  REQUIRE(hist.Size() >= 2);
  CHECK(std::string(hist[hist.Size() - 1]["action"].GetString()) == "deadline_changed");
  CHECK(std::string(hist[hist.Size() - 1]["detail"].GetString()).find("2027-03-02") !=
        std::string::npos);
  auto feed = json(h.get("/v1/queues/township-" + township + "/events", h.county).body);
  bool changed_event = false;
  for (auto& e : feed["events"].GetArray())
    changed_event = changed_event || std::string(e["type"].GetString()) == "deadline_changed";
  CHECK(changed_event);
  CHECK(h.d.log().find("event=standards_reloaded") != std::string::npos);

  // New work counts with the notice, and the hub is no longer provisional.
  REQUIRE(h.post("/v1/referrals", referral("after-notice"), h.charity).status == 202);
  m = h.metrics();
  CHECK(m.find("\nxianjie_calendar_last_day 20271231\n") != std::string::npos);
  CHECK(m.find("\nxianjie_calendar_provisional 0\n") != std::string::npos);
  CHECK(m.find("xianjie_standards_reloads_total{result=\"ok\"} 1") != std::string::npos);
}

TEST_CASE("a SIGHUP with a bad calendar keeps the standards in force and lists every problem",
          "[calendar]") {
  CalendarHub h;
  h.clock("2027-03-01T10:00:00+08:00");
  writeFile(h.standards + "/holidays-2027.json", R"({"years": {"2027": {
    "holidays": ["2027-01-01", "2027-02-30"],
    "makeup_workdays": [{"date": "next saturday"}]}}})");
  h.hangup();
  REQUIRE(waitFor(
      [&] { return h.d.log().find("event=standards_reload_rejected") != std::string::npos; }));
  std::string log = h.d.log();
  CHECK(log.find("path=holidays-2027.json/years/2027/holidays/1") != std::string::npos);
  CHECK(log.find("path=holidays-2027.json/years/2027/makeup_workdays/0") != std::string::npos);
  CHECK(h.metrics().find("xianjie_standards_reloads_total{result=\"rejected\"} 1") !=
        std::string::npos);
  // The old standards are still in force: 2027 is still provisional, and work is taken.
  REQUIRE(h.post("/v1/referrals", referral("kept"), h.charity).status == 202);
  auto items = h.items("township-451229202");
  REQUIRE(items.size() == 1);
  CHECK(items[0]["deadline_provisional"].GetBool());
  CHECK(std::string(items[0]["deadline"].GetString()) == "2027-03-22");
  CHECK(httpRequest(h.d.port(), "GET", "/readyz").status == 200);

  // A day that is both a holiday and a make-up day is refused as well; fixed, the reload works.
  writeFile(h.standards + "/holidays-2027.json", R"({"years": {"2027": {
    "holidays": ["2027-03-06"], "makeup_workdays": ["2027-03-06"]}}})");
  h.hangup();
  REQUIRE(waitFor([&] { return countOf(h.d.log(), "event=standards_reload_rejected") == 2; }));
  CHECK(h.d.log().find("day is also listed as a holiday") != std::string::npos);
  writeFile(h.standards + "/holidays-2027.json", R"({"years": {"2027": {
    "holidays": ["2027-03-02"], "makeup_workdays": []}}})");
  h.hangup();
  REQUIRE(waitFor([&] {
    auto it = h.items("township-451229202");
    return it.size() == 1 && !it[0]["deadline_provisional"].GetBool();
  }));
  CHECK(std::string(h.items("township-451229202")[0]["deadline"].GetString()) == "2027-03-23");
}

TEST_CASE("the hub warns once a day from 60 days before the calendar ends; /readyz stays ready",
          "[calendar]") {
  CalendarHub h;
  auto warnings = [&](const std::string& day) {
    return countOf(h.d.log(), "event=calendar_ending today=" + day + " ");
  };
  h.clock("2026-10-31T09:00:00+08:00");  // 61 days before 2026-12-31: quiet
  CHECK(warnings("2026-10-31") == 0);
  CHECK(h.metrics().find("\nxianjie_calendar_days_left 61\n") != std::string::npos);
  h.clock("2026-11-01T09:00:00+08:00");  // 60 days: the first warning
  CHECK(warnings("2026-11-01") == 1);
  h.clock("2026-11-01T17:00:00+08:00");  // same day: not again
  CHECK(warnings("2026-11-01") == 1);
  h.clock("2026-11-02T09:00:00+08:00");  // next day: again
  CHECK(warnings("2026-11-02") == 1);
  std::string m = h.metrics();
  CHECK(m.find("\nxianjie_calendar_last_day 20261231\n") != std::string::npos);
  CHECK(m.find("\nxianjie_calendar_days_left 59\n") != std::string::npos);
  CHECK(m.find("\nxianjie_calendar_provisional 0\n") != std::string::npos);
  CHECK(h.d.log().find("level=warn event=calendar_ending today=2026-11-02 "
                       "last_official_day=20261231 days_left=59") != std::string::npos);
  h.clock("2027-01-05T09:00:00+08:00");  // past it: provisional, still ready
  CHECK(countOf(h.d.log(), "event=calendar_provisional today=2027-01-05 ") == 1);
  CHECK(httpRequest(h.d.port(), "GET", "/readyz").status == 200);
  CHECK(h.metrics().find("\nxianjie_calendar_provisional 1\n") != std::string::npos);
}
