#include "hub/security/principal.h"

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

}  // namespace xj
