// The router's path matching, apart from the router (api.h) so that it can be tested and fuzzed
// without the server: an OpenAPI path template ("/v1/queues/{queue}/items") against a request
// path split into decoded segments (http_util.h splitPath), and the {name} segments it binds.
// Pure; any thread.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace xj::http {

// The {name} segments of the route row a request matched, percent-decoded: for
// /v1/queues/{queue}/items/{item}, "queue" and "item". Filled by the router.
class PathParams {
 public:
  void add(std::string_view name, std::string value) {
    values_.emplace_back(name, std::move(value));
  }
  // The segment's value; empty when the row has no such parameter.
  const std::string& operator[](std::string_view name) const;
  const std::vector<std::pair<std::string_view, std::string>>& all() const { return values_; }

 private:
  std::vector<std::pair<std::string_view, std::string>> values_;  // names point into the table
};

// Does `segments` (a decoded request path) fit the template? "{name}" takes one non-empty
// segment, added to `params` when given (the name points into `tmpl`, which must outlive them).
bool matchesRoute(std::string_view tmpl, const std::vector<std::string>& segments,
                  PathParams* params);

}  // namespace xj::http
