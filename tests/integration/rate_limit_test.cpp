// Rate limits: a bearer token over http.rate_limit_per_token gets 429 with Retry-After while
// another token is served; one client address holding http.max_connections_per_address
// connections (half-sent requests) gets 429 for the next, while the others' requests are served.
// Both refusals are counted in /metrics.
#include <catch2/catch.hpp>

#include <chrono>
#include <memory>
#include <thread>
#include <string>
#include <vector>

#include "tests/support/daemon.h"
#include "tests/support/http_client.h"

using namespace xj::test;

namespace {

HttpResponse whoami(const Daemon& d, const std::string& token) {
  return httpRequest(d.port(), "GET", "/v1/whoami", "", {{"Authorization", "Bearer " + token}});
}

// The value of one /metrics series, waiting (at most 5 s) until it is at least `min`: the
// connections a test closed may take a moment to be seen closed by the hub.
double metricAtLeast(const Daemon& d, const std::string& series, double min) {
  double v = -1;
  for (int i = 0; i < 100; ++i) {
    auto m = httpRequest(d.port(), "GET", "/metrics", "", {});
    auto at = m.body.find("\n" + series + " ");
    if (m.status == 200 && at != std::string::npos) {
      v = std::stod(m.body.substr(at + series.size() + 2));
      if (v >= min) return v;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return v;
}

}  // namespace

TEST_CASE("a token over its request rate gets 429 with Retry-After; others are served",
          "[hardening][rate_limit]") {
  // 1 a second, 3 at once: the fourth request within the test's few milliseconds is over.
  Daemon d{"", R"("rate_limit_per_token": 1, "rate_burst_per_token": 3)"};
  const std::string busy = d.token("hotline-1", "hotline");
  const std::string other = d.token("hotline-2", "hotline");
  d.start();
  for (int i = 0; i < 3; ++i) REQUIRE(whoami(d, busy).status == 200);
  auto over = whoami(d, busy);
  CHECK(over.status == 429);
  CHECK(over.headers["retry-after"] == "1");
  CHECK(over.body.find("\"rate_limited\"") != std::string::npos);
  CHECK(whoami(d, other).status == 200);
  CHECK(metricAtLeast(d, "xianjie_http_rejections_total{reason=\"rate_limited\"}", 1) == 1);
  CHECK(d.terminate() == 0);
}

TEST_CASE("one address's half-sent requests cannot take every connection",
          "[hardening][rate_limit]") {
  Daemon d{"", R"("max_connections_per_address": 3, "header_timeout_ms": 30000)"};
  const std::string token = d.token("hotline-1", "hotline");
  d.start();
  // Three connections from 127.0.0.1, each with a request head that never ends.
  std::vector<std::unique_ptr<HttpConnection>> held;
  for (int i = 0; i < 3; ++i) {
    held.push_back(std::make_unique<HttpConnection>(d.port()));
    REQUIRE(held.back()->connected());
    REQUIRE(held.back()->sendRaw("GET /v1/whoami HTTP/1.1\r\nHost: x\r\n"));
  }
  // The fourth from the same address is refused at once, with a reason and a retry time.
  auto refused = whoami(d, token);
  CHECK(refused.status == 429);
  CHECK(refused.headers["retry-after"] == "1");
  CHECK(refused.body.find("too_many_connections_from_address") != std::string::npos);
  // One closes: its place is free again.
  held.back()->close();
  held.pop_back();
  HttpResponse ok;
  for (int i = 0; i < 50 && ok.status != 200; ++i) ok = whoami(d, token);  // the close lands
  CHECK(ok.status == 200);
  held.clear();
  CHECK(metricAtLeast(d, "xianjie_http_rejections_total{reason=\"address_connections\"}", 1) >= 1);
  CHECK(d.terminate() == 0);
}
