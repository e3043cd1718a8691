// Every date or time the API takes in a query is held to the days the hub serves (README
// "Reports"): a year out of range is a 400 that names the parameter and the range, never an
// overflow in the date arithmetic (the sanitized daemon would exit; the release build answered
// zeros). One daemon for the whole case: it stays a few seconds.
#include <catch2/catch.hpp>

#include <string>

#include "tests/support/api_fixtures.h"
#include "tests/support/daemon.h"
#include "tests/support/http_client.h"
#include "tests/support/json_doc.h"

using namespace xj::test;

namespace {

// The problem list of a 400 answer holds one on `param` that names the allowed range.
bool namesRange(const HttpResponse& r, const std::string& param) {
  auto doc = json(r.body);
  if (!doc.IsObject() || !doc.HasMember("problems") || !doc["problems"].IsArray()) return false;
  for (const auto& p : doc["problems"].GetArray()) {
    if (!p.IsObject() || !p.HasMember("path") || !p.HasMember("problem")) continue;
    std::string path = p["path"].GetString(), message = p["problem"].GetString();
    if (path == param && message.find("2000-01-01") != std::string::npos &&
        message.find("2099-12-31") != std::string::npos)
      return true;
  }
  return false;
}

}  // namespace

TEST_CASE("dates outside 2000-01-01..2099-12-31 are refused with 400 naming the range",
          "[hardening][dates]") {
  Daemon d;
  const std::string admin = d.token("bureau-admin", "admin");
  const std::string staff = d.token("county-staff", "staff");
  const std::string hotline = d.token("hotline-1", "hotline");
  d.start();
  for (const std::string report : {"townships", "exchanges"}) {
    for (const auto& [query, param] : std::vector<std::pair<std::string, std::string>>{
             {"from=1677-01-01&to=2030-12-31", "from"},
             {"from=0000-01-01&to=2030-12-31", "from"},
             {"from=1999-12-31&to=2030-12-31", "from"},
             {"from=2025-01-01&to=2262-04-12", "to"},
             {"from=2025-01-01&to=9999-12-31", "to"},
             {"from=2025-01-01&to=2100-01-01", "to"}}) {
      INFO(report << "?" << query);
      auto r = send(d, "GET", "/v1/reports/" + report + "?" + query, "", admin);
      CHECK(r.status == 400);
      CHECK(namesRange(r, param));
    }
    // The edges themselves are served.
    auto edges =
        send(d, "GET", "/v1/reports/" + report + "?from=2000-01-01&to=2099-12-31", "", admin);
    CHECK(edges.status == 200);
  }
  // The eligibility check's as_of is a date in a query too.
  auto r = send(d, "POST", "/v1/eligibility/evaluate?as_of=1677-01-01", "{}", staff);
  CHECK(r.status == 400);
  CHECK(namesRange(r, "as_of"));
  // A time in a body is held to what the clock can count (1677-09-22 .. 2262-04-10): beyond it
  // the conversion overflowed, and the release build stored a wrapped instant.
  for (const std::string at : {"1677-01-01T00:00:00Z", "2262-04-12T00:00:00Z"}) {
    INFO(at);
    auto t = send(
        d, "POST", "/v1/tickets",
        R"({"id":"far-)" + at.substr(0, 4) +
            R"(","kind":"ticket","source":"hotline-1","occurred_at":")" + at +
            R"(","subject":{"township":"451229205","phone":"13900000001"},"body":{"category":"dibao","urgency":"normal","description":"x"}})",
        hotline);
    CHECK(t.status == 400);
    CHECK(t.body.find("/occurred_at") != std::string::npos);
  }
  CHECK(d.terminate() == 0);
}
