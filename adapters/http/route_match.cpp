#include "adapters/http/route_match.h"

namespace xj::http {

const std::string& PathParams::operator[](std::string_view name) const {
  static const std::string kNone;
  for (const auto& [n, v] : values_)
    if (n == name) return v;
  return kNone;
}

bool matchesRoute(std::string_view tmpl, const std::vector<std::string>& segments,
                  PathParams* params) {
  size_t i = 0, pos = 0;
  while (pos < tmpl.size()) {
    if (tmpl[pos] == '/') {
      ++pos;
      continue;
    }
    size_t e = tmpl.find('/', pos);
    if (e == std::string_view::npos) e = tmpl.size();
    std::string_view part = tmpl.substr(pos, e - pos);
    if (i >= segments.size() || segments[i].empty()) return false;
    if (part.front() != '{' && part != segments[i]) return false;
    if (part.front() == '{' && params) params->add(part.substr(1, part.size() - 2), segments[i]);
    ++i;
    pos = e;
  }
  return i == segments.size();
}

}  // namespace xj::http
