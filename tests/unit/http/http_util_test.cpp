#include "adapters/http/http_util.h"

#include <catch2/catch.hpp>

#include "adapters/http/route_match.h"
#include "routing/rules/date.h"

using xj::Problems;
using xj::http::matchesRoute;
using xj::http::parseDayRange;
using xj::http::parseServedDay;
using xj::http::PathParams;
using xj::http::splitPath;

TEST_CASE("a query day is served from 2000-01-01 to 2099-12-31, the edges included", "[dates]") {
  Problems p;
  for (const char* day : {"2000-01-01", "2025-03-10", "2099-12-31", "2024-02-29"}) {
    auto d = parseServedDay("from", day, p);
    REQUIRE(d);
    CHECK(xj::rules::formatDate(*d) == day);
  }
  CHECK(p.empty());
}

TEST_CASE("a query day out of range or malformed is a problem naming the key and the range",
          "[dates]") {
  for (const char* day : {"1999-12-31", "2100-01-01", "1677-01-01", "0000-01-01", "9999-12-31",
                          "2262-04-12", "2025-02-29", "2025-13-01", "25-03-10", "2025-3-10", "",
                          "2025-03-10T00:00:00Z", "+202-03-10", "-2025-0310"}) {
    INFO(day);
    Problems p;
    CHECK_FALSE(parseServedDay("as_of", day, p));
    REQUIRE(p.size() == 1);
    CHECK(p[0].path == "as_of");
    CHECK(p[0].problem.find("2000-01-01 to 2099-12-31") != std::string::npos);
  }
}

TEST_CASE("a report period is written as UTC instants of China Standard Time days", "[dates]") {
  Problems p;
  auto r = parseDayRange({{"from", "2025-03-01"}, {"to", "2025-03-31"}}, p);
  REQUIRE(p.empty());
  CHECK(r.from == "2025-02-28T16:00:00.000Z");
  CHECK(r.to == "2025-03-31T16:00:00.000Z");
  auto edges = parseDayRange({{"from", "2000-01-01"}, {"to", "2099-12-31"}}, p);
  REQUIRE(p.empty());
  CHECK(edges.from == "1999-12-31T16:00:00.000Z");
  CHECK(edges.to == "2099-12-31T16:00:00.000Z");
  parseDayRange({{"from", "1677-01-01"}, {"to", "9999-12-31"}}, p);
  REQUIRE(p.size() == 2);
  CHECK(p[0].path == "from");
  CHECK(p[1].path == "to");
  Problems backwards;
  parseDayRange({{"from", "2025-03-31"}, {"to", "2025-03-01"}}, backwards);
  REQUIRE(backwards.size() == 1);
  CHECK(backwards[0].path == "to");
}

TEST_CASE("a route template binds its {name} segments and nothing else", "[http]") {
  PathParams params;
  CHECK(matchesRoute("/v1/queues/{queue}/items/{item}/claim",
                     splitPath("/v1/queues/q%201/items/7/claim"), &params));
  CHECK(params["queue"] == "q 1");
  CHECK(params["item"] == "7");
  CHECK(params["other"].empty());
  CHECK_FALSE(matchesRoute("/v1/queues/{queue}/items", {"v1", "queues", "", "items"}, nullptr));
  CHECK_FALSE(matchesRoute("/v1/messages/{id}", splitPath("/v1/messages"), nullptr));
  CHECK_FALSE(matchesRoute("/v1/messages", splitPath("/v1/messages/7"), nullptr));
  CHECK(matchesRoute("/v1/messages", splitPath("/v1/messages"), nullptr));
}
