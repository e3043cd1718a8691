// Log facade: one key=value line per event on stderr. Thread-safe (a line is written with one
// write(2), so lines from different threads never interleave).
// Contract: never pass a name, ID number, phone number or payload; log ids and counts.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

namespace xj::log {

enum class Level { kDebug, kInfo, kWarn, kError };

using Field = std::pair<std::string_view, std::string>;

void setLevel(Level level);
// Appends `value` as it appears in a line: bare, or quoted with every control character
// (CR, LF, ESC, DEL, C1) escaped, so that no value can forge a line or drive a terminal.
void appendValue(std::string& out, std::string_view value);
void write(Level level, std::string_view event, std::initializer_list<Field> fields);

inline void debug(std::string_view e, std::initializer_list<Field> f = {}) {
  write(Level::kDebug, e, f);
}
inline void info(std::string_view e, std::initializer_list<Field> f = {}) {
  write(Level::kInfo, e, f);
}
inline void warn(std::string_view e, std::initializer_list<Field> f = {}) {
  write(Level::kWarn, e, f);
}
inline void error(std::string_view e, std::initializer_list<Field> f = {}) {
  write(Level::kError, e, f);
}

}  // namespace xj::log
