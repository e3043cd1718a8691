// HmacPersonKeyer: the hub's PersonKeyer, HMAC-SHA256 under a secret key read from a file
// (store.key_file) that is kept outside the database. Without the key, a stolen database does
// not give the ID numbers and phones back by enumeration (an 18-digit ID has few unknown digits
// once township and birth year are guessed; a plain hash of it falls in seconds).
// Immutable after load; any thread.
#pragma once

#include <string>
#include <string_view>

#include "hub/core/person_keys.h"
#include "hub/core/status.h"

namespace xj::security {

class HmacPersonKeyer final : public PersonKeyer {
 public:
  static constexpr size_t kMinKeyBytes = 32;

  // Reads the key file: at least kMinKeyBytes bytes (scripts/run writes 32 random bytes), not
  // readable or writable by group or others. Any other state is an error naming the file and
  // what is wrong with it, never the key.
  static Result<HmacPersonKeyer> load(const std::string& path);
  // A key that lives only in this process: for dry runs (xianjie routes test) that store nothing.
  static HmacPersonKeyer ephemeral();

  std::string idKey(std::string_view id_number) const override;
  std::string phoneKey(std::string_view phone_digits) const override;
  // A value that identifies the key without revealing it: stored in the database, so that the
  // hub refuses to start with a different key than the one its stored keys were made with.
  std::string fingerprint() const;
  // A separate key for another use of the same secret, named by `label` (the access record's
  // chain: "access-log-chain"), so that the person-key secret itself is used for one thing only
  // and a key made for one use never works for another.
  std::string derivedKey(std::string_view label) const;

 private:
  explicit HmacPersonKeyer(std::string key) : key_(std::move(key)) {}
  std::string mac(std::string_view domain, std::string_view value) const;
  std::string key_;
};

}  // namespace xj::security
