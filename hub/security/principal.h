// Principal: who a bearer token speaks for. Plain value; any thread.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace xj {

enum class Role { kHotline, kCharity, kAgency, kStaff, kAdmin };

std::string_view toString(Role role);
std::optional<Role> parseRole(std::string_view s);

struct Principal {
  std::string token_id;  // public part of the token, safe to log
  std::string org;       // organisation id; must equal a message's `source`
  Role role = Role::kHotline;
  std::vector<std::string> townships;  // staff scope; empty = county-wide
  // The person the token was made for (`token create --name`): a partner's worker or a
  // caseworker, so that each action is recorded with who did it. Empty: an organisation's token.
  // Personal data: shown to its own organisation and the county's staff, never logged.
  std::string person;
};

// Why `name` cannot be a token's person (1 to 50 characters, no control characters, valid
// UTF-8); empty when it can.
std::string personNameProblem(std::string_view name);

// A token as stored: only the hash of the secret is kept.
struct TokenRecord {
  Principal principal;
  std::string secret_hash;  // sha256 hex of the secret part
  std::string created_at;
  bool revoked = false;
  // RFC 3339 UTC; empty: the token does not end. Set at creation (--expires-in-days) or by a
  // rotation, which gives the old token an overlap before it ends.
  std::string expires_at;
};

}  // namespace xj
