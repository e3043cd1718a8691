#include "hub/security/principal.h"

#include <cstdint>

namespace xj {

std::string_view toString(Role role) {
  switch (role) {
    case Role::kHotline:
      return "hotline";
    case Role::kCharity:
      return "charity";
    case Role::kAgency:
      return "agency";
    case Role::kStaff:
      return "staff";
    case Role::kAdmin:
      return "admin";
  }
  return "hotline";
}

std::optional<Role> parseRole(std::string_view s) {
  if (s == "hotline") return Role::kHotline;
  if (s == "charity") return Role::kCharity;
  if (s == "agency") return Role::kAgency;
  if (s == "staff") return Role::kStaff;
  if (s == "admin") return Role::kAdmin;
  return std::nullopt;
}

std::string personNameProblem(std::string_view name) {
  // Characters, not bytes: a Chinese name is 3 bytes a character. Decoded by hand (std-only).
  size_t chars = 0;
  for (size_t i = 0; i < name.size(); ++chars) {
    const auto c = static_cast<unsigned char>(name[i]);
    const size_t len = c < 0x80           ? 1
                       : (c >> 5) == 0x6  ? 2
                       : (c >> 4) == 0xe  ? 3
                       : (c >> 3) == 0x1e ? 4
                                          : 0;
    if (len == 0 || i + len > name.size()) return "must be valid UTF-8";
    uint32_t cp = len == 1 ? c : c & (0x7f >> len);
    for (size_t k = 1; k < len; ++k) {
      const auto cc = static_cast<unsigned char>(name[i + k]);
      if ((cc & 0xc0) != 0x80) return "must be valid UTF-8";
      cp = (cp << 6) | (cc & 0x3f);
    }
    // C0, DEL and C1 controls, and the line and paragraph separators: a name is one line.
    if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0) || cp == 0x2028 || cp == 0x2029)
      return "must not contain control characters";
    i += len;
  }
  if (chars == 0 || chars > 50) return "must be 1 to 50 characters";
  if (name.front() == ' ' || name.back() == ' ') return "must not begin or end with a space";
  return {};
}

}  // namespace xj
