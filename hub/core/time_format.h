// RFC 3339 timestamps and ISO dates. Pure functions; any thread.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace xj {

// "2026-11-28T16:37:42.123Z" (UTC, milliseconds).
std::string formatRfc3339(std::chrono::system_clock::time_point t);

// Accepts RFC 3339 date-time: YYYY-MM-DDTHH:MM:SS[.frac](Z|+hh:mm|-hh:mm), 'T'/'t'/' ' separator.
// Checks that the calendar date and the time are real (no Feb 30, no hour 24, leap second 60
// accepted per RFC 3339). Returns nullopt on anything else, and for an instant the system clock
// cannot hold (before 1677-09-22 or after 2262-04-10, UTC).
std::optional<std::chrono::system_clock::time_point> parseRfc3339(std::string_view s);

// "YYYY-MM-DD" with a real calendar date.
std::optional<std::chrono::year_month_day> parseIsoDate(std::string_view s);

}  // namespace xj
