#include "hub/security/token_registry.h"

#include <mutex>

#include "hub/core/time_format.h"
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

std::optional<Principal> TokenRegistry::verify(std::string_view bearer, TimePoint now,
                                               TokenRefusal* why) const {
  if (why) *why = TokenRefusal::kInvalid;
  // xjt_ + 12 + _ + 64
  if (bearer.size() != 4 + 12 + 1 + 64 || bearer.substr(0, 4) != "xjt_" || bearer[16] != '_')
    return std::nullopt;
  std::string id(bearer.substr(4, 12));
  std::string hash = sha256Hex(bearer.substr(17));
  std::shared_lock lock(mu_);
  auto it = by_id_.find(id);
  if (it == by_id_.end() || it->second.record.revoked) return std::nullopt;
  if (!constantTimeEqual(hash, it->second.record.secret_hash)) return std::nullopt;
  // Said only to the holder of the right secret: a guesser learns nothing about expiry.
  if (now >= it->second.expires) {
    if (why) *why = TokenRefusal::kExpired;
    return std::nullopt;
  }
  if (why) *why = TokenRefusal::kNone;
  return it->second.record.principal;
}

bool TokenRegistry::hasActive(std::string_view org, Role role, TimePoint now) const {
  std::shared_lock lock(mu_);
  auto it = active_.find(std::pair<std::string, Role>(std::string(org), role));
  return it != active_.end() && now < it->second;
}

std::optional<Principal> TokenRegistry::active(std::string_view token_id, TimePoint now) const {
  std::shared_lock lock(mu_);
  auto it = by_id_.find(std::string(token_id));
  if (it == by_id_.end() || !live(it->second, now)) return std::nullopt;
  return it->second.record.principal;
}

std::vector<std::string> TokenRegistry::expiringWithin(TimePoint now,
                                                       std::chrono::seconds window) const {
  std::vector<std::string> ids;
  std::shared_lock lock(mu_);
  for (const auto& [id, e] : by_id_)
    if (live(e, now) && e.expires != TimePoint::max() && e.expires - now <= window)
      ids.push_back(id);
  return ids;
}

TokenRegistry::TimePoint TokenRegistry::endsAt(std::string_view token_id) const {
  std::shared_lock lock(mu_);
  auto it = by_id_.find(std::string(token_id));
  return it == by_id_.end() ? TimePoint::max() : it->second.expires;
}

void TokenRegistry::replace(const std::vector<TokenRecord>& records) {
  std::unordered_map<std::string, Entry> next;
  std::map<std::pair<std::string, Role>, TimePoint, std::less<>> active;
  for (const auto& r : records) {
    Entry e{r, TimePoint::max()};
    if (!r.expires_at.empty()) {
      // A value the store holds but that does not parse ends the token at once: a token
      // whose end cannot be read is not one to honour for ever.
      auto t = parseRfc3339(r.expires_at);
      e.expires = t ? *t : TimePoint::min();
    }
    if (!r.revoked) {
      auto& latest = active.try_emplace({r.principal.org, r.principal.role}, TimePoint::min())
                         .first->second;
      latest = std::max(latest, e.expires);
    }
    next[r.principal.token_id] = std::move(e);
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
