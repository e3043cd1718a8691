// AccessChain: the keyed hash that links each access record to the one before it:
// chain(n) = HMAC-SHA256(key, chain(n-1) || canonicalForm(record n)), chain(0) = "". The key is
// derived from the person-key secret (HmacPersonKeyer::derivedKey("access-log-chain")), so
// someone who can write the database but has not the key file cannot make a record that fits.
// Immutable; any thread.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "hub/core/access_record.h"

namespace xj::security {

class AccessChain {
 public:
  static constexpr std::string_view kLabel = "access-log-chain";
  explicit AccessChain(std::string key) : key_(std::move(key)) {}

  // The chain value of `r` following `previous` (the previous record's chain; "" for the first).
  std::string link(std::string_view previous, const AccessRecord& r) const;
  // The keyed hash of a retention anchor's seq and chain (AccessAnchor::mac).
  std::string anchorMac(int64_t seq, std::string_view chain) const;

  // Walks records in stored order: call check() for each; it answers false from the first
  // record that does not fit (edited, inserted, or following a removed one) and keeps the seq
  // of that record in firstBad().
  class Walker {
   public:
    explicit Walker(const AccessChain& chain) : chain_(chain) {}
    // Starts after a retention anchor: the first record must follow on from it. False (and
    // firstBad() the anchor's seq) when its mac does not fit: an anchor moved by hand.
    bool startAfter(const AccessAnchor& anchor);
    bool check(const AccessRecord& r);
    std::optional<int64_t> firstBad() const { return bad_; }
    std::string problem() const { return problem_; }
    int64_t checked() const { return checked_; }

   private:
    const AccessChain& chain_;
    std::string previous_;
    int64_t last_seq_ = 0;
    int64_t checked_ = 0;
    std::optional<int64_t> bad_;
    std::string problem_;
  };

 private:
  std::string key_;
};

}  // namespace xj::security
