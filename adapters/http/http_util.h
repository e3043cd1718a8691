// Small helpers for the API handlers: query strings, content types, paths. Pure; any thread.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace xj::http {

// "a=1&b=x%20y" -> {a: "1", b: "x y"}; later duplicates win.
std::map<std::string, std::string> parseQuery(const std::string& target);
std::string pathOf(const std::string& target);
bool isJsonContentType(const std::string& content_type);
// "/v1/queues/x/items/7/claim" -> {"v1", "queues", "x", "items", "7", "claim"} (decoded).
std::vector<std::string> splitPath(const std::string& path);
std::string percentDecode(const std::string& s);

}  // namespace xj::http
