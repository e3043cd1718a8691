#include "adapters/http/http_util.h"

#include <cctype>

namespace xj::http {

std::string percentDecode(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
      out.push_back(static_cast<char>(std::stoi(s.substr(i + 1, 2), nullptr, 16)));
      i += 2;
    } else if (s[i] == '+') {
      out.push_back(' ');
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

std::map<std::string, std::string> parseQuery(const std::string& target) {
  std::map<std::string, std::string> out;
  size_t q = target.find('?');
  if (q == std::string::npos) return out;
  std::string query = target.substr(q + 1);
  for (size_t pos = 0; pos <= query.size();) {
    size_t amp = query.find('&', pos);
    if (amp == std::string::npos) amp = query.size();
    std::string kv = query.substr(pos, amp - pos);
    if (!kv.empty()) {
      size_t eq = kv.find('=');
      out[percentDecode(kv.substr(0, eq))] =
          eq == std::string::npos ? "" : percentDecode(kv.substr(eq + 1));
    }
    pos = amp + 1;
  }
  return out;
}

std::string pathOf(const std::string& target) { return target.substr(0, target.find('?')); }

bool isJsonContentType(const std::string& ct) {
  std::string media = ct.substr(0, ct.find(';'));
  while (!media.empty() && media.back() == ' ') media.pop_back();
  for (auto& ch : media) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return media == "application/json";
}

std::vector<std::string> splitPath(const std::string& path) {
  std::vector<std::string> out;
  size_t pos = 0;
  while (pos < path.size()) {
    if (path[pos] == '/') {
      ++pos;
      continue;
    }
    size_t e = path.find('/', pos);
    if (e == std::string::npos) e = path.size();
    out.push_back(percentDecode(path.substr(pos, e - pos)));
    pos = e;
  }
  return out;
}

std::optional<rules::Date> parseServedDay(std::string_view key, const std::string& value,
                                          Problems& problems) {
  static const rules::Date first = *rules::parseDate(kFirstServedDay);
  static const rules::Date last = *rules::parseDate(kLastServedDay);
  const std::string range = std::string(kFirstServedDay) + " to " + std::string(kLastServedDay);
  auto d = rules::parseDate(value);
  if (!d) {
    problems.push_back({std::string(key), "must be a date YYYY-MM-DD from " + range});
    return std::nullopt;
  }
  if (*d < first || *d > last) {
    problems.push_back({std::string(key), "must be a day from " + range});
    return std::nullopt;
  }
  return d;
}

DayRange parseDayRange(const std::map<std::string, std::string>& query, Problems& problems) {
  const size_t before = problems.size();
  // China Standard Time is UTC+8: a day starts at 16:00 UTC the day before. Written from the
  // calendar day itself, with no trip through the system clock, so no instant can overflow.
  auto dayStart = [&](const char* key, int plus_days) -> std::string {
    auto it = query.find(key);
    if (it == query.end()) {
      problems.push_back({key, "is required: YYYY-MM-DD"});
      return {};
    }
    auto d = parseServedDay(key, it->second, problems);
    if (!d) return {};
    return rules::formatDate(d->plusDays(plus_days - 1)) + "T16:00:00.000Z";
  };
  DayRange r{dayStart("from", 0), dayStart("to", 1)};
  if (problems.size() == before && r.to <= r.from)
    problems.push_back({"to", "must not be before from"});
  return r;
}

bool parseDecimalId(const std::string& s, int64_t& out) {
  if (s.empty() || s.size() > 18) return false;
  int64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  out = v;
  return true;
}

}  // namespace xj::http
