// The outbox's ordering and retry rules (routing/delivery/outbox_lanes.h), without sockets:
// lanes in order, lanes independent, caps per partner, backoff growth and jitter, dead letters.
#include <catch2/catch.hpp>

#include "routing/delivery/outbox_lanes.h"

using namespace xj;
using namespace xj::routing;

namespace {

OutboxRecord row(int64_t id, const std::string& partner, const std::string& lane) {
  OutboxRecord r;
  r.id = id;
  r.message.partner = partner;
  r.message.lane_key = lane;
  r.message.kind = "exchange.status";
  r.message.idempotency_key = lane + "-" + std::to_string(id);
  r.message.created_at =
      "2026-03-02T08:00:" + std::string(id < 10 ? "0" : "") + std::to_string(id) + "+08:00";
  return r;
}

std::vector<int64_t> ids(const std::vector<OutboxRecord>& rows) {
  std::vector<int64_t> out;
  for (const auto& r : rows) out.push_back(r.id);
  return out;
}

const AttemptResult kOk{AttemptKind::kDelivered, "", 0};
const AttemptResult kDown{AttemptKind::kRetry, "http 503", 0};
const AttemptResult kRefused{AttemptKind::kPermanent, "http 400", 0};

DeliveryPolicy policy() {
  DeliveryPolicy p;
  p.max_attempts = 3;
  p.backoff_initial_ms = 100;
  p.backoff_max_ms = 1000;
  p.max_in_flight = 100;
  p.max_lanes_per_partner = 100;
  return p;
}

}  // namespace

TEST_CASE("HTTP statuses: 2xx delivered, 408/429/5xx retried, the rest permanent", "[delivery]") {
  CHECK(classifyHttpStatus(200) == AttemptKind::kDelivered);
  CHECK(classifyHttpStatus(204) == AttemptKind::kDelivered);
  CHECK(classifyHttpStatus(408) == AttemptKind::kRetry);
  CHECK(classifyHttpStatus(429) == AttemptKind::kRetry);
  CHECK(classifyHttpStatus(500) == AttemptKind::kRetry);
  CHECK(classifyHttpStatus(503) == AttemptKind::kRetry);
  CHECK(classifyHttpStatus(301) == AttemptKind::kPermanent);
  CHECK(classifyHttpStatus(400) == AttemptKind::kPermanent);
  CHECK(classifyHttpStatus(401) == AttemptKind::kPermanent);
  CHECK(classifyHttpStatus(404) == AttemptKind::kPermanent);
}

TEST_CASE("backoff doubles up to the cap, with jitter in the upper half", "[delivery]") {
  DeliveryPolicy p = policy();
  for (uint64_t r : {0ull, 1ull, 12345ull, ~0ull}) {
    CHECK(backoffMs(p, 1, r) >= 50);
    CHECK(backoffMs(p, 1, r) <= 100);
    CHECK(backoffMs(p, 2, r) >= 100);
    CHECK(backoffMs(p, 2, r) <= 200);
    CHECK(backoffMs(p, 3, r) >= 200);
    CHECK(backoffMs(p, 3, r) <= 400);
    CHECK(backoffMs(p, 10, r) >= 500);
    CHECK(backoffMs(p, 10, r) <= 1000);
    CHECK(backoffMs(p, 60, r) <= 1000);  // no overflow for many attempts
  }
  CHECK(backoffMs(p, 3, 0) != backoffMs(p, 3, 7));  // jitter spreads retries
}

TEST_CASE("a lane's rows go one at a time, in id order, even when added out of order",
          "[delivery]") {
  OutboxLanes lanes(policy());
  lanes.add(row(3, "a", "ex-1"), 0);
  lanes.add(row(1, "a", "ex-1"), 0);
  lanes.add(row(2, "a", "ex-1"), 0);
  lanes.add(row(1, "a", "ex-1"), 0);  // a row known already is ignored
  CHECK(lanes.pending() == 3);
  CHECK(ids(lanes.takeReady(0, 10)) == std::vector<int64_t>{1});
  CHECK(lanes.takeReady(0, 10).empty());  // 2 waits for 1
  CHECK(lanes.complete(1, kOk, 1, 1000, "t", 0).state == OutboxState::kDelivered);
  CHECK(ids(lanes.takeReady(1, 10)) == std::vector<int64_t>{2});
  CHECK(lanes.complete(2, kRefused, 2, 1000, "t", 0).state == OutboxState::kDead);
  CHECK(ids(lanes.takeReady(2, 10)) == std::vector<int64_t>{3});  // a dead row lets the next go
}

TEST_CASE("a failing lane waits out its backoff and holds no other lane up", "[delivery]") {
  OutboxLanes lanes(policy());
  lanes.add(row(1, "down", "ex-1"), 0);
  lanes.add(row(2, "down", "ex-1"), 0);
  lanes.add(row(3, "up", "ex-2"), 0);
  lanes.add(row(4, "down", "ex-3"), 0);
  CHECK(ids(lanes.takeReady(0, 10)) == std::vector<int64_t>{1, 3, 4});
  auto o = lanes.complete(1, kDown, 10, 5000, "t", 0);
  CHECK(o.state == OutboxState::kPending);
  CHECK(o.attempts == 1);
  CHECK(o.error == "http 503");
  CHECK(o.next_attempt_ms >= 5050);
  CHECK(o.next_attempt_ms <= 5100);
  CHECK(lanes.complete(3, kOk, 10, 5000, "t", 0).state == OutboxState::kDelivered);
  CHECK(lanes.complete(4, kOk, 10, 5000, "t", 0).state == OutboxState::kDelivered);
  CHECK(lanes.takeReady(10, 10).empty());  // row 2 must not overtake row 1
  REQUIRE(lanes.nextDueMs().has_value());
  CHECK(*lanes.nextDueMs() >= 60);
  CHECK(*lanes.nextDueMs() <= 110);
  lanes.add(row(5, "up", "ex-2"), 20);
  CHECK(ids(lanes.takeReady(20, 10)) == std::vector<int64_t>{5});  // the other partner goes on
  CHECK(ids(lanes.takeReady(200, 10)) == std::vector<int64_t>{1});
}

TEST_CASE("after max_attempts the row is dead and the lane moves on", "[delivery]") {
  OutboxLanes lanes(policy());
  lanes.add(row(1, "down", "ex-1"), 0);
  lanes.add(row(2, "down", "ex-1"), 0);
  int64_t now = 0;
  for (int attempt = 1; attempt <= 3; ++attempt) {
    auto ready = lanes.takeReady(now, 10);
    REQUIRE(ids(ready) == std::vector<int64_t>{1});
    auto o = lanes.complete(1, kDown, now, now, "t", 99);
    CHECK(o.attempts == attempt);
    CHECK(o.state == (attempt < 3 ? OutboxState::kPending : OutboxState::kDead));
    now += 10'000;
  }
  CHECK(ids(lanes.takeReady(now, 10)) == std::vector<int64_t>{2});
  CHECK(lanes.depth()["down"].pending == 1);
}

TEST_CASE("a partner gets at most max_lanes_per_partner slots; others keep theirs", "[delivery]") {
  DeliveryPolicy p = policy();
  p.max_lanes_per_partner = 2;
  p.max_in_flight = 4;
  OutboxLanes lanes(p);
  for (int i = 1; i <= 5; ++i) lanes.add(row(i, "slow", "ex-" + std::to_string(i)), 0);
  lanes.add(row(6, "fast", "ex-6"), 0);
  lanes.add(row(7, "fast", "ex-7"), 0);
  lanes.add(row(8, "fast", "ex-8"), 0);
  CHECK(ids(lanes.takeReady(0, 10)) == std::vector<int64_t>{1, 2, 6, 7});
  CHECK(lanes.inFlight() == 4);
  CHECK(lanes.takeReady(0, 10).empty());  // the total cap
  lanes.complete(6, kOk, 1, 1, "t", 0);
  CHECK(ids(lanes.takeReady(1, 10)) == std::vector<int64_t>{8});  // not slow's 3: slow is at cap
  lanes.complete(1, kOk, 2, 2, "t", 0);
  CHECK(ids(lanes.takeReady(2, 10)) == std::vector<int64_t>{3});  // slow's blocked lane comes back
}

TEST_CASE("depth counts pending rows by partner with the oldest creation time", "[delivery]") {
  OutboxLanes lanes(policy());
  lanes.add(row(4, "a", "x"), 0);
  lanes.add(row(2, "a", "y"), 0);
  lanes.add(row(3, "b", "z"), 0);
  auto d = lanes.depth();
  CHECK(d["a"].pending == 2);
  CHECK(d["a"].oldest_created_at == "2026-03-02T08:00:02+08:00");
  CHECK(d["b"].pending == 1);
  lanes.takeReady(0, 10);
  lanes.complete(3, kOk, 0, 0, "t", 0);
  CHECK(lanes.depth().count("b") == 0);
  CHECK(lanes.pending() == 2);
}

TEST_CASE("forgetting a partner's rows above an id keeps the lanes' order and in-flight rows",
          "[delivery]") {
  OutboxLanes lanes(policy());
  lanes.add(row(1, "a", "x"), 0);
  lanes.add(row(2, "a", "y"), 0);
  lanes.add(row(3, "a", "x"), 0);
  lanes.add(row(5, "a", "z"), 0);
  lanes.add(row(4, "b", "x"), 0);
  CHECK(lanes.rowsOf("a") == 4);
  CHECK(lanes.maxIdOf("a") == 5);
  REQUIRE(ids(lanes.takeReady(0, 1)) == std::vector<int64_t>{1});  // lane a/x in flight
  // Forget a's rows above 1: 2 (y), 3 (x, behind the in-flight head) and 5 (z) go; 1 stays.
  CHECK(lanes.forgetAbove("a", 1) == 5);
  CHECK(lanes.rowsOf("a") == 1);
  CHECK(lanes.rowsOf("b") == 1);  // another partner is untouched
  CHECK_FALSE(lanes.known(2));
  CHECK_FALSE(lanes.known(3));
  CHECK(lanes.known(1));
  // Only b's row is ready; a's lanes y and z are gone, x waits for its head.
  CHECK(ids(lanes.takeReady(0, 10)) == std::vector<int64_t>{4});
  lanes.complete(1, kOk, 0, 0, "t", 0);
  CHECK(lanes.rowsOf("a") == 0);
  CHECK(lanes.takeReady(0, 10).empty());
  // Read back later (in id order), they go in order again.
  lanes.add(row(2, "a", "y"), 0);
  lanes.add(row(3, "a", "x"), 0);
  CHECK(ids(lanes.takeReady(0, 10)) == std::vector<int64_t>{2, 3});
}

TEST_CASE("a forgotten lane waiting for a partner slot does not take the slot from another",
          "[delivery]") {
  DeliveryPolicy p = policy();
  p.max_lanes_per_partner = 1;
  OutboxLanes lanes(p);
  lanes.add(row(1, "a", "x"), 0);
  lanes.add(row(2, "a", "y"), 0);
  lanes.add(row(3, "a", "z"), 0);
  REQUIRE(ids(lanes.takeReady(0, 10)) == std::vector<int64_t>{1});  // y and z blocked
  CHECK(lanes.forgetAbove("a", 2) == 3);                            // z forgotten
  lanes.complete(1, kOk, 0, 0, "t", 0);
  CHECK(ids(lanes.takeReady(0, 10)) == std::vector<int64_t>{2});
}
