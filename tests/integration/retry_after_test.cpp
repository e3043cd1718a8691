// A partner's Retry-After is a floor under the next attempt (README "Partners and delivery"):
// the receiver answers 503 with the header, and the time between the attempts' arrivals at the
// receiver is measured. The hub's own backoff in this config is 50-200 ms, so only the floor
// can make the gap long; a header that is neither form leaves the backoff alone.
#include <catch2/catch.hpp>

#include <chrono>
#include <ctime>
#include <fstream>
#include <string>
#include <thread>

#include "tests/support/daemon.h"
#include "tests/support/http_client.h"
#include "tests/support/test_env.h"
#include "tests/support/webhook_sink.h"

using namespace xj::test;
using namespace std::chrono_literals;

namespace {

const std::string kSecret = "secret-of-retry-after-0123456789abcdef";

struct Hub {
  WebhookSink sink{kSecret};
  Daemon d{R"("fault_injection": true)"};
  std::string admin;

  Hub() {
    std::string secret_file = d.dir() + "/ngo.key";
    writeSecretFile(secret_file, kSecret + "\n");
    d.writePartners(
        R"({"partners": [{"org": "ngo-r", "name": "ngo-r", "services": ["food"], "townships": ["*"],)"
        R"( "channel": {"type": "webhook", "url": ")" +
        sink.url("/hook") + R"(", "secret_file": ")" + secret_file +
        R"("}}], "delivery": {"max_attempts": 5, "backoff_initial_ms": 50, "backoff_max_ms": 200}})");
    admin = d.token("bureau-admin", "admin");
    d.start();
  }

  // The gap between the first attempt (answered 503 with `retry_after`) and the second.
  std::chrono::milliseconds gapAfter(const std::string& retry_after, const std::string& lane) {
    sink.setMode(WebhookSink::Mode::kFail);
    sink.setFailStatus(503);
    sink.setRetryAfter(retry_after);
    const size_t before = sink.requestCount();
    auto r = httpRequest(d.port(), "POST", "/v1/admin/faults",
                         R"(enqueue_outbound {"partner": "ngo-r", "lane_key": ")" + lane +
                             R"(", "kind": "exchange.status", "idempotency_key": ")" + lane +
                             R"(", "body": {"exchange": ")" + lane + R"("}})",
                         {{"Authorization", "Bearer " + admin}, {"Content-Type", "text/plain"}});
    REQUIRE(r.status == 200);
    REQUIRE(sink.waitUntil([&] { return sink.requestCount() >= before + 1; }, 10s));
    sink.setMode(WebhookSink::Mode::kOk);  // the second attempt is delivered
    REQUIRE(sink.waitUntil([&] { return sink.requestCount() >= before + 2; }, 10s));
    auto got = sink.received();
    REQUIRE(got[before].answered == 503);
    REQUIRE(got[before + 1].idempotency_key == lane);
    return std::chrono::duration_cast<std::chrono::milliseconds>(got[before + 1].arrived -
                                                                 got[before].arrived);
  }
};

// IMF-fixdate of now + `ahead` seconds (the receiver's real clock).
std::string httpDate(int ahead) {
  std::time_t t = std::time(nullptr) + ahead;
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S GMT", &tm);
  return buf;
}

}  // namespace

TEST_CASE("a 503 with Retry-After: 2 is not tried again for 2 s; a date works, garbage is ignored",
          "[delivery][retry_after]") {
  Hub hub;
  SECTION("seconds") {
    auto gap = hub.gapAfter("2", "ra-seconds");
    CHECK(gap >= 2000ms);
  }
  SECTION("an HTTP date 4 s ahead (whole seconds: more than 2 s after the first attempt)") {
    auto gap = hub.gapAfter(httpDate(4), "ra-date");
    CHECK(gap >= 2000ms);
  }
  SECTION("garbage: the hub's own backoff") {
    auto gap = hub.gapAfter("in a while", "ra-garbage");
    CHECK(gap < 1500ms);
  }
}
