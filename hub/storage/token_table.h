// TokenTable: API tokens in the hub's SQLite file (hashes only). Used by the admin CLI and by the
// daemon's token refresher; each TokenTable owns its own connection and one thread uses it.
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
