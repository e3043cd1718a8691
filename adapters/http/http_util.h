// Small helpers for the API handlers: query strings, content types, paths. Pure; any thread.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "hub/core/problem.h"

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

// A report's period from the query: `from` and `to` are days (YYYY-MM-DD, China Standard Time),
// both included; as RFC 3339 instants (UTC), [start of from, start of the day after to).
struct DayRange {
  std::string from;  // RFC 3339
  std::string to;    // RFC 3339, exclusive
};
// Every problem of `from`/`to` is added to `problems`; the range is valid only when none was.
DayRange parseDayRange(const std::map<std::string, std::string>& query, Problems& problems);

}  // namespace xj::http
