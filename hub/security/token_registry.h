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

class TokenRegistry {
 public:
  std::optional<Principal> verify(std::string_view bearer) const;
  // Whether `org` holds at least one unrevoked token of `role`.
  bool hasActive(std::string_view org, Role role) const;
  // The principal of an unrevoked token, by its public id (reassigning an item to it).
  std::optional<Principal> active(std::string_view token_id) const;
  void replace(const std::vector<TokenRecord>& records);
  size_t size() const;

 private:
  mutable std::shared_mutex mu_;
  std::unordered_map<std::string, TokenRecord> by_id_;
  std::set<std::pair<std::string, Role>, std::less<>> active_;  // (org, role) with a live token
};

}  // namespace xj::security
