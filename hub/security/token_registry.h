// TokenRegistry: verifies bearer tokens against an in-memory copy of the token table.
//
// Token format: "xjt_<id>_<secret>", id 12 hex characters (public, logged), secret 64 hex
// characters (never stored: only sha256(secret)). Lookup is by id; the secret's hash is compared
// in constant time, so timing tells an attacker nothing about how close a guess was.
//
// Threads: verify() from any I/O thread (shared lock, no I/O); replace() from the refresher
// thread that re-reads the store, so tokens made by the CLI take effect within a second.
// hasActive() answers for MQTT, where the broker authenticated the publisher by a password
// snapshot: the hub itself refuses an organisation whose tokens of that role are all revoked,
// as soon as HTTP refuses them (the same registry, the same refresh).
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <set>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "hub/security/principal.h"

namespace xj::security {

struct NewToken {
  std::string token;   // shown once to the operator
  TokenRecord record;  // what is stored
};

// Makes a fresh token for `principal` (its token_id is filled in).
NewToken makeToken(Principal principal, std::string created_at);

// Why verify() refused a bearer (the 401's description; never which part of a guess was right).
// kRateLimited is the HTTP layer's (a valid token over its request rate), kept here so that one
// value says why a request's authentication failed.
enum class TokenRefusal { kNone, kInvalid, kExpired, kRateLimited };

class TokenRegistry {
 public:
  using TimePoint = std::chrono::system_clock::time_point;
  // `now` is the hub's clock (time is input: tests set it). A token past its expires_at is
  // refused as kExpired, exactly like a revoked one otherwise.
  std::optional<Principal> verify(std::string_view bearer, TimePoint now,
                                  TokenRefusal* why = nullptr) const;
  // Whether `org` holds at least one unrevoked, unexpired token of `role`.
  bool hasActive(std::string_view org, Role role, TimePoint now) const;
  // The principal of an unrevoked, unexpired token, by its public id (reassigning an item to it).
  std::optional<Principal> active(std::string_view token_id, TimePoint now) const;
  // Unrevoked tokens that end after `now` but within `window` (the expiry warning), and the
  // ids of those, for the log.
  std::vector<std::string> expiringWithin(TimePoint now, std::chrono::seconds window) const;
  // When the token ends (TimePoint::max(): never, or unknown id).
  TimePoint endsAt(std::string_view token_id) const;
  void replace(const std::vector<TokenRecord>& records);
  size_t size() const;

 private:
  struct Entry {
    TokenRecord record;
    TimePoint expires = TimePoint::max();  // parsed expires_at; max: never
  };
  bool live(const Entry& e, TimePoint now) const { return !e.record.revoked && now < e.expires; }

  mutable std::shared_mutex mu_;
  std::unordered_map<std::string, Entry> by_id_;
  // (org, role) -> the latest end among its unrevoked tokens
  std::map<std::pair<std::string, Role>, TimePoint, std::less<>> active_;
};

}  // namespace xj::security
