// PersonKeyer: turns an ID number or a phone into the key under which the hub links messages
// about the same person (repeat calls, risk alerts, carried pre-screens). The keys are stored;
// the ID numbers and phones they come from are personal data, so an implementation must be a
// keyed one-way function whose key is kept outside the database (hub/security/person_keys.h:
// HMAC-SHA256 with the key file named by store.key_file). Immutable; any thread.
#pragma once

#include <string>
#include <string_view>

namespace xj {

class PersonKeyer {
 public:
  virtual ~PersonKeyer() = default;
  // The key of an 18-character ID number (as normalised by the envelope), lower-case hex.
  virtual std::string idKey(std::string_view id_number) const = 0;
  // The key of a phone's digits, lower-case hex; never equal to an ID number's key.
  virtual std::string phoneKey(std::string_view phone_digits) const = 0;
};

}  // namespace xj
