#include "hub/security/token_registry.h"

#include <mutex>

#include "hub/security/crypto.h"

namespace xj::security {

NewToken makeToken(Principal principal, std::string created_at) {
  principal.token_id = randomHex(6);
  std::string secret = randomHex(32);
  NewToken out;
  out.token = "xjt_" + principal.token_id + "_" + secret;
  out.record.principal = std::move(principal);
  out.record.secret_hash = sha256Hex(secret);
  out.record.created_at = std::move(created_at);
  return out;
}

std::optional<Principal> TokenRegistry::verify(std::string_view bearer) const {
  // xjt_ + 12 + _ + 64
  if (bearer.size() != 4 + 12 + 1 + 64 || bearer.substr(0, 4) != "xjt_" || bearer[16] != '_')
    return std::nullopt;
  std::string id(bearer.substr(4, 12));
  std::string hash = sha256Hex(bearer.substr(17));
  std::shared_lock lock(mu_);
  auto it = by_id_.find(id);
  if (it == by_id_.end() || it->second.revoked) return std::nullopt;
  if (!constantTimeEqual(hash, it->second.secret_hash)) return std::nullopt;
  return it->second.principal;
}

bool TokenRegistry::hasActive(std::string_view org, Role role) const {
  std::shared_lock lock(mu_);
  return active_.count(std::pair<std::string, Role>(std::string(org), role)) > 0;
}

std::optional<Principal> TokenRegistry::active(std::string_view token_id) const {
  std::shared_lock lock(mu_);
  auto it = by_id_.find(std::string(token_id));
  if (it == by_id_.end() || it->second.revoked) return std::nullopt;
  return it->second.principal;
}

void TokenRegistry::replace(const std::vector<TokenRecord>& records) {
  std::unordered_map<std::string, TokenRecord> next;
  std::set<std::pair<std::string, Role>, std::less<>> active;
  for (const auto& r : records) {
    next[r.principal.token_id] = r;
    if (!r.revoked) active.emplace(r.principal.org, r.principal.role);
  }
  std::unique_lock lock(mu_);
  by_id_.swap(next);
  active_.swap(active);
}

size_t TokenRegistry::size() const {
  std::shared_lock lock(mu_);
  return by_id_.size();
}

}  // namespace xj::security
