#include "routing/rules/id_number.h"

#include <chrono>

namespace xj::rules {

IdNumberCheck checkIdNumber(std::string_view id,
                            std::optional<std::chrono::year_month_day> not_after) {
  IdNumberCheck out;
  if (id.size() != 18) {
    out.error = IdNumberError::kLength;
    return out;
  }
  for (size_t i = 0; i < 17; ++i) {
    if (id[i] < '0' || id[i] > '9') {
      out.error = IdNumberError::kDigits;
      return out;
    }
  }
  char last = id[17] == 'x' ? 'X' : id[17];
  if (!((last >= '0' && last <= '9') || last == 'X')) {
    out.error = IdNumberError::kDigits;
    return out;
  }
  auto num = [&](size_t pos, size_t n) {
    int v = 0;
    for (size_t i = pos; i < pos + n; ++i) v = v * 10 + (id[i] - '0');
    return v;
  };
  std::chrono::year_month_day birth{std::chrono::year{num(6, 4)},
                                    std::chrono::month{static_cast<unsigned>(num(10, 2))},
                                    std::chrono::day{static_cast<unsigned>(num(12, 2))}};
  if (!birth.ok() || num(6, 4) < 1850) {
    out.error = IdNumberError::kBirthDate;
    return out;
  }
  if (not_after && std::chrono::sys_days(birth) > std::chrono::sys_days(*not_after)) {
    out.error = IdNumberError::kBirthAfter;
    return out;
  }
  static constexpr int kWeights[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
  static constexpr char kCheck[] = "10X98765432";
  int sum = 0;
  for (size_t i = 0; i < 17; ++i) sum += (id[i] - '0') * kWeights[i];
  if (kCheck[sum % 11] != last) {
    out.error = IdNumberError::kChecksum;
    return out;
  }
  out.normalised = std::string(id.substr(0, 17)) + last;
  return out;
}

const char* describe(IdNumberError e) {
  switch (e) {
    case IdNumberError::kNone:
      return "valid";
    case IdNumberError::kLength:
      return "must be 18 characters";
    case IdNumberError::kDigits:
      return "must be 17 digits followed by a digit or X";
    case IdNumberError::kBirthDate:
      return "birth date in characters 7-14 is not a real date";
    case IdNumberError::kBirthAfter:
      return "birth date in characters 7-14 is after the date the message was accepted";
    case IdNumberError::kChecksum:
      return "check character does not match (GB 11643)";
  }
  return "invalid";
}

}  // namespace xj::rules
