// Every route states what it does with personal data, and the statement agrees with this list:
// a new route fails here until it is classified, so a read of personal data cannot go
// unrecorded in the access record because its row forgot (adapters/http/api.cpp records every
// successful kRead and kChange answer in one place).
#include <catch2/catch.hpp>

#include <map>
#include <string>

#include "adapters/http/api.h"

using xj::http::AccessUse;

namespace {

// Why each route is what it is; kept apart from the route table so that a change to either shows.
const std::map<std::string, AccessUse>& expected() {
  static const std::map<std::string, AccessUse> kExpected = {
      // The console's files, the probes, metrics (counts only) and the API document.
      {"GET /", AccessUse::kNone},
      {"GET /console/{file}", AccessUse::kNone},
      {"GET /healthz", AccessUse::kNone},
      {"GET /readyz", AccessUse::kNone},
      {"GET /metrics", AccessUse::kNone},
      {"GET /v1/openapi.json", AccessUse::kNone},
      // A source sending its own message: the stored message records who sent it and when.
      {"POST /v1/tickets", AccessUse::kNone},
      {"POST /v1/referrals", AccessUse::kNone},
      {"POST /v1/notifications", AccessUse::kNone},
      // A message: names, ID numbers, phones, the household.
      {"GET /v1/messages/{id}", AccessUse::kRead},
      // The caller's own household, evaluated and not stored.
      {"POST /v1/eligibility/evaluate", AccessUse::kNone},
      // Counts by queue and state.
      {"GET /v1/queues", AccessUse::kNone},
      // Items with their people (and the text search over the messages).
      {"GET /v1/queues/{queue}/items", AccessUse::kRead},
      // An item with its message, decision, history and exchanges.
      {"GET /v1/queues/{queue}/items/{item}", AccessUse::kRead},
      // Staff actions change a person's case.
      {"POST /v1/queues/{queue}/items/{item}/claim", AccessUse::kChange},
      {"POST /v1/queues/{queue}/items/{item}/release", AccessUse::kChange},
      {"POST /v1/queues/{queue}/items/{item}/transfer", AccessUse::kChange},
      {"POST /v1/queues/{queue}/items/{item}/notes", AccessUse::kChange},
      {"POST /v1/queues/{queue}/items/{item}/progress", AccessUse::kChange},
      {"POST /v1/queues/{queue}/items/{item}/resolve", AccessUse::kChange},
      {"POST /v1/queues/{queue}/items/{item}/reassign", AccessUse::kChange},
      // Item ids and event types only.
      {"GET /v1/queues/{queue}/events", AccessUse::kNone},
      // Outbox rows without their bodies; a replay sends a person's data out again.
      {"GET /v1/outbox", AccessUse::kNone},
      {"POST /v1/outbox/{id}/replay", AccessUse::kChange},
      // A referral out sends a person's data to a partner; exchanges show their person.
      {"POST /v1/exchanges", AccessUse::kChange},
      {"GET /v1/exchanges", AccessUse::kRead},
      // Partners that could take an item: the directory, no person.
      {"GET /v1/exchanges/suggestions", AccessUse::kNone},
      {"GET /v1/exchanges/{id}", AccessUse::kRead},
      {"POST /v1/exchanges/{id}/events", AccessUse::kChange},
      // The exchanges CSV carries the partners' free-text reasons.
      {"GET /v1/reports/exchanges", AccessUse::kRead},
      // The caller, the places and the words.
      {"GET /v1/whoami", AccessUse::kNone},
      {"GET /v1/directory/townships", AccessUse::kNone},
      {"GET /v1/vocabulary", AccessUse::kNone},
      // Which open items a caller's ID number or phone already has.
      {"POST /v1/lookups/repeat-caller", AccessUse::kRead},
      // A source's own messages: ids, states and queues, no personal fields.
      {"GET /v1/messages", AccessUse::kNone},
      // Counts by township.
      {"GET /v1/reports/townships", AccessUse::kNone},
      // Who looked at an item's or exchange's file: itself a read of that file's record.
      {"GET /v1/audit", AccessUse::kRead},
      // Tests only.
      {"POST /v1/admin/faults", AccessUse::kNone},
  };
  return kExpected;
}

}  // namespace

TEST_CASE("every route states its use of personal data, as this list says", "[http][audit]") {
  size_t seen = 0;
  for (const auto& r : xj::http::routeTable()) {
    const std::string key = std::string(r.method) + " " + std::string(r.path);
    INFO(key);
    CHECK(r.access != AccessUse::kUnstated);
    auto it = expected().find(key);
    REQUIRE(it != expected().end());  // a new route: classify it here and in its row
    CHECK(static_cast<int>(r.access) == static_cast<int>(it->second));
    ++seen;
  }
  CHECK(seen == expected().size());  // no route in the list that the router lost
}
