#include "hub/security/person_keys.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "hub/security/crypto.h"

namespace xj::security {

Result<HmacPersonKeyer> HmacPersonKeyer::load(const std::string& path) {
  const std::string what = "store.key_file " + path + ": ";
  if (path.empty()) return Status::invalid("store.key_file is not set");
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) {
    int e = errno;
    return Status::invalid(
        what + std::strerror(e) +
        (e == ENOENT ? " (make one: umask 077; head -c 32 /dev/urandom > FILE)" : ""));
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return Status::invalid(what + "not a regular file");
  }
  if (st.st_mode & (S_IRWXG | S_IRWXO)) {
    ::close(fd);
    return Status::invalid(what + "readable or writable by group or others (chmod 600 it)");
  }
  std::string key;
  char buf[256];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int e = errno;
      ::close(fd);
      return Status::invalid(what + std::strerror(e));
    }
    if (n == 0) break;
    key.append(buf, static_cast<size_t>(n));
    if (key.size() > 4096) break;
  }
  ::close(fd);
  if (key.size() < kMinKeyBytes)
    return Status::invalid(what + "too short (" + std::to_string(key.size()) + " bytes; at least " +
                           std::to_string(kMinKeyBytes) + " random bytes are needed)");
  return HmacPersonKeyer(std::move(key));
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

}  // namespace xj::security
