#include "hub/security/person_keys.h"

#include "hub/core/secret_file.h"
#include "hub/security/crypto.h"

namespace xj::security {

Result<HmacPersonKeyer> HmacPersonKeyer::load(const std::string& path) {
  auto key = readSecretFile("store.key_file", path, 4097,
                            " (make one: umask 077; head -c 32 /dev/urandom > FILE)");
  if (!key.isOk()) return key.status();
  if (key.value().size() < kMinKeyBytes)
    return Status::invalid("store.key_file " + path + ": too short (" +
                           std::to_string(key.value().size()) + " bytes; at least " +
                           std::to_string(kMinKeyBytes) + " random bytes are needed)");
  return HmacPersonKeyer(std::move(key.value()));
}

HmacPersonKeyer HmacPersonKeyer::ephemeral() { return HmacPersonKeyer(randomHex(kMinKeyBytes)); }

std::string HmacPersonKeyer::mac(std::string_view domain, std::string_view value) const {
  std::string data;
  data.reserve(domain.size() + value.size());
  data.append(domain).append(value);
  return hmacSha256Hex(key_, data);
}

// The domain prefixes keep the three uses apart: a phone's key never equals an ID's.
std::string HmacPersonKeyer::idKey(std::string_view id) const { return mac("id:", id); }
std::string HmacPersonKeyer::phoneKey(std::string_view d) const { return mac("phone:", d); }
std::string HmacPersonKeyer::fingerprint() const { return mac("key-check:", "xianjie"); }
std::string HmacPersonKeyer::derivedKey(std::string_view label) const {
  return mac("derive:", label);
}

}  // namespace xj::security
