// Resident ID number (居民身份证号码) validation by GB 11643-1999, shared by every adapter.
// Pure function; any thread.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace xj::rules {

enum class IdNumberError {
  kNone,
  kLength,      // not 18 characters
  kDigits,      // first 17 not digits, or the 18th not a digit or X
  kBirthDate,   // characters 7-14 are not a real date
  kBirthAfter,  // characters 7-14 are a date after `not_after` (the acceptance date)
  kChecksum,    // ISO 7064 MOD 11-2 check character does not match
};

struct IdNumberCheck {
  IdNumberError error = IdNumberError::kNone;
  std::string normalised;  // upper-case X; empty unless valid
  bool ok() const { return error == IdNumberError::kNone; }
};

// Validates in the order of SPEC.md §9: length, digits, birth date, checksum. A lower-case x is
// accepted and normalised to X. Any address code is accepted (people move; the code does not).
// With `not_after` (the acceptance date, from the hub's clock, never the system's), a birth date
// after it is an error too: nobody not yet born has an ID number.
IdNumberCheck checkIdNumber(std::string_view id,
                            std::optional<std::chrono::year_month_day> not_after = std::nullopt);

// A short English description of the error, without the number itself.
const char* describe(IdNumberError e);

}  // namespace xj::rules
