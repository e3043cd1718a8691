// TokenTable: API tokens in the hub's SQLite file (hashes only). Used by the admin CLI and by the
// daemon's token refresher; each TokenTable owns its own connection and one thread uses it.
//
// The person a token was made for (tokens.person) is stored as text, not sealed like the
// personal columns (sealed_columns.h): the table is the hub's directory of logins, opened by the
// CLI with no key-encryption key (`token create` before the hub ever ran and made a data key,
// `token list`, `mqtt-acl`), and it names the partner's own worker to the county that issued
// the login, not a person the county serves. The copy each action keeps on the exchange's
// timeline, where the history builds up, is sealed.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "hub/core/status.h"
#include "hub/security/principal.h"

namespace xj::storage {

class TokenTable {
 public:
  // Opens (and migrates, so the CLI works before the daemon ever ran) the database at `path`.
  static Result<std::unique_ptr<TokenTable>> open(const std::string& path);
  ~TokenTable();

  Status insert(const TokenRecord& record);
  Result<std::vector<TokenRecord>> list();
  // kNotFound when no such token.
  Status revoke(const std::string& token_id, const std::string& revoked_at);
  // Sets the token's end to `expires_at` unless it already ends earlier (a rotation's overlap).
  // kNotFound when no such unrevoked token.
  Status endBy(const std::string& token_id, const std::string& expires_at);
  // Changes whenever another connection commits: lets the refresher skip unchanged tables.
  int64_t dataVersion();

 private:
  struct Impl;
  explicit TokenTable(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace xj::storage
