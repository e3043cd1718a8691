#include "hub/core/log.h"

#include <unistd.h>

#include <atomic>
#include <chrono>

#include "hub/core/time_format.h"

namespace xj::log {
namespace {
std::atomic<Level> g_level{Level::kInfo};

const char* levelName(Level l) {
  switch (l) {
    case Level::kDebug:
      return "debug";
    case Level::kInfo:
      return "info";
    case Level::kWarn:
      return "warn";
    case Level::kError:
      return "error";
  }
  return "info";
}

}  // namespace

// A value is written bare only if it has no space, '"', '=', '\\' or control character;
// otherwise quoted, with '"' and '\\' escaped and every control character as an escape: \n, \r,
// \t, or \xHH (ESC, DEL, and the UTF-8 C1 controls U+0080-U+009F, which some terminals obey as
// ESC [). A client's bytes in a log line can then neither start a forged line (CR, LF) nor drive
// the terminal of whoever reads the log. UTF-8 text (Chinese) is kept as it is.
void appendValue(std::string& out, std::string_view v) {
  auto control = [&](size_t i) {
    unsigned char c = static_cast<unsigned char>(v[i]);
    if (c < 0x20 || c == 0x7f) return 1;
    if (c == 0xc2 && i + 1 < v.size() && static_cast<unsigned char>(v[i + 1]) >= 0x80 &&
        static_cast<unsigned char>(v[i + 1]) <= 0x9f)
      return 2;  // a C1 control, U+0080-U+009F
    return 0;
  };
  bool plain = !v.empty();
  for (size_t i = 0; i < v.size() && plain; ++i)
    if (v[i] == ' ' || v[i] == '"' || v[i] == '=' || v[i] == '\\' || control(i)) plain = false;
  if (plain) {
    out.append(v);
    return;
  }
  static constexpr char kHex[] = "0123456789abcdef";
  out.push_back('"');
  for (size_t i = 0; i < v.size(); ++i) {
    char c = v[i];
    int n = control(i);
    if (n == 0) {
      if (c == '"' || c == '\\') out.push_back('\\');
      out.push_back(c);
      continue;
    }
    if (c == '\n') {
      out.append("\\n");
    } else if (c == '\r') {
      out.append("\\r");
    } else if (c == '\t') {
      out.append("\\t");
    } else {
      unsigned char b = static_cast<unsigned char>(n == 2 ? v[i + 1] : c);
      out.append(n == 2 ? "\\u00" : "\\x");
      out.push_back(kHex[b >> 4]);
      out.push_back(kHex[b & 15]);
    }
    i += static_cast<size_t>(n - 1);
  }
  out.push_back('"');
}

void setLevel(Level level) { g_level.store(level); }

void write(Level level, std::string_view event, std::initializer_list<Field> fields) {
  if (level < g_level.load(std::memory_order_relaxed)) return;
  std::string line;
  line.reserve(128);
  line += "ts=";
  line += formatRfc3339(std::chrono::system_clock::now());
  line += " level=";
  line += levelName(level);
  line += " event=";
  appendValue(line, event);
  for (const auto& [k, v] : fields) {
    line.push_back(' ');
    line.append(k);
    line.push_back('=');
    appendValue(line, v);
  }
  line.push_back('\n');
  // One write(2) per line: atomic for lines below PIPE_BUF on pipes, and never interleaved
  // mid-line.
  ssize_t ignored = ::write(2, line.data(), line.size());
  (void)ignored;
}

}  // namespace xj::log
