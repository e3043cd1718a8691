// SIGKILL at a random moment while clients post: after a restart every id that got a 202 is
// stored exactly once, and none that got an error or no answer is half-stored.
#include <catch2/catch.hpp>

#include <atomic>
#include <mutex>
#include <random>
#include <set>
#include <thread>

#include "tests/integration/messages.h"
#include "tests/support/daemon.h"
#include "tests/support/http_client.h"
#include "tests/support/test_env.h"

using namespace xj::test;

TEST_CASE("SIGKILL mid-burst loses nothing that got a 202", "[crash]") {
  Daemon d;
  std::string t = d.token("hotline-1", "hotline");
  std::mt19937 rng(testSeed("SIGKILL moments"));
  std::set<std::string> acknowledged, unanswered;
  int round_count = 3;
  for (int round = 0; round < round_count; ++round) {
    d.start();
    std::atomic<bool> stop{false};
    std::mutex mu;
    std::vector<std::thread> clients;
    for (int c = 0; c < 4; ++c) {
      clients.emplace_back([&, c] {
        HttpConnection conn(d.port());
        for (int i = 0; !stop.load(); ++i) {
          std::string id =
              "r" + std::to_string(round) + "-c" + std::to_string(c) + "-" + std::to_string(i);
          auto r = conn.request("POST", "/v1/tickets", ticketJson(id, "hotline-1"),
                                {{"Authorization", "Bearer " + t}}, 3000);
          std::lock_guard lock(mu);
          if (r.status == 202) {
            acknowledged.insert(id);
          } else {
            unanswered.insert(id);
            break;  // the daemon is gone
          }
        }
      });
    }
    std::uniform_int_distribution<int> when(300, 2500);
    std::this_thread::sleep_for(std::chrono::milliseconds(when(rng)));
    d.kill9();
    stop.store(true);
    for (auto& th : clients) th.join();
  }
  d.start();
  INFO("acknowledged " << acknowledged.size() << ", unanswered " << unanswered.size());
  REQUIRE(acknowledged.size() > 100);
  auto stored = d.sql("SELECT message_id FROM messages");
  std::set<std::string> stored_ids;
  for (size_t pos = 0; pos < stored.size();) {
    size_t e = stored.find('\n', pos);
    stored_ids.insert(stored.substr(pos, e - pos));
    pos = e + 1;
  }
  // Nothing is stored that no client sent (the primary key already rules out a second row).
  size_t unknown = 0;
  for (const auto& id : stored_ids)
    if (!acknowledged.count(id) && !unanswered.count(id)) ++unknown;
  CHECK(unknown == 0);
  size_t missing = 0;
  for (const auto& id : acknowledged)
    if (!stored_ids.count(id)) ++missing;
  CHECK(missing == 0);
  // Anything stored was either acknowledged or in flight when the process died; a resend of
  // an in-flight one is answered as a duplicate (complete) or accepted now (absent before).
  for (const auto& id : unanswered) {
    auto r = httpRequest(d.port(), "POST", "/v1/tickets", ticketJson(id, "hotline-1"),
                         {{"Authorization", "Bearer " + t}});
    CHECK((r.status == 200 || r.status == 202));
    CHECK(r.status == (stored_ids.count(id) ? 200 : 202));
  }
  CHECK(d.sql("PRAGMA integrity_check") == "ok\n");
}
