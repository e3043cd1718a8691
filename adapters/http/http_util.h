// Small helpers for the API handlers: query strings, content types, paths. Pure; any thread.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hub/core/problem.h"
#include "routing/rules/date.h"

namespace xj::http {

// "a=1&b=x%20y" -> {a: "1", b: "x y"}; later duplicates win.
std::map<std::string, std::string> parseQuery(const std::string& target);
std::string pathOf(const std::string& target);
bool isJsonContentType(const std::string& content_type);
// "/v1/queues/x/items/7/claim" -> {"v1", "queues", "x", "items", "7", "claim"} (decoded).
std::vector<std::string> splitPath(const std::string& path);
std::string percentDecode(const std::string& s);
// An id or count from a path segment or query value: 1 to 18 ASCII digits (never negative, never
// overflowing int64); false for anything else, `out` then untouched.
bool parseDecimalId(const std::string& s, int64_t& out);

// The days the API answers about (a report's period, an eligibility as_of): the hub, its
// standards and its calendar know this century only, and every instant of these days fits the
// system clock's 64-bit nanoseconds (1677-09-21 .. 2262-04-11), so nothing downstream overflows.
// README "Reports" names the same range.
inline constexpr std::string_view kFirstServedDay = "2000-01-01";
inline constexpr std::string_view kLastServedDay = "2099-12-31";
// The one check of a day taken from a query parameter: YYYY-MM-DD, a real day, within the served
// days. Else nullopt, and a problem on `key` naming the format and the range.
std::optional<rules::Date> parseServedDay(std::string_view key, const std::string& value,
                                          Problems& problems);

// A report's period from the query: `from` and `to` are days (YYYY-MM-DD, China Standard Time),
// both included; as RFC 3339 instants (UTC), [start of from, start of the day after to).
struct DayRange {
  std::string from;  // RFC 3339
  std::string to;    // RFC 3339, exclusive
};
// Every problem of `from`/`to` is added to `problems`; the range is valid only when none was.
DayRange parseDayRange(const std::map<std::string, std::string>& query, Problems& problems);

}  // namespace xj::http
