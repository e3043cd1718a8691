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

// Values with spaces, quotes or '=' are quoted so that a line stays machine-splittable.
void appendValue(std::string& out, std::string_view v) {
  bool plain = !v.empty();
  for (char c : v) {
    if (c == ' ' || c == '"' || c == '=' || c == '\n' || c == '\\' ||
        static_cast<unsigned char>(c) < 0x20) {
      plain = false;
      break;
    }
  }
  if (plain) {
    out.append(v);
    return;
  }
  out.push_back('"');
  for (char c : v) {
    if (c == '"' || c == '\\') out.push_back('\\');
    if (c == '\n') {
      out.append("\\n");
      continue;
    }
    out.push_back(c);
  }
  out.push_back('"');
}
}  // namespace

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
