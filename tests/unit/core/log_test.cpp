// The log escaper: no value can end a line, forge the next one or reach the terminal
// of whoever reads the log as a control sequence.
#include <catch2/catch.hpp>

#include <string>

#include "hub/core/log.h"

namespace {
std::string shown(std::string_view v) {
  std::string out;
  xj::log::appendValue(out, v);
  return out;
}
}  // namespace

TEST_CASE("log values: CR, LF, ESC, DEL and C1 controls are escaped, text is kept", "[log]") {
  CHECK(shown("plain") == "plain");
  CHECK(shown("衔接") == "衔接");  // UTF-8 text stays readable
  CHECK(shown("a b") == "\"a b\"");
  CHECK(shown("x\r\nts=forged level=error") == "\"x\\r\\nts=forged level=error\"");
  CHECK(shown("\x1b[31mred") == "\"\\x1b[31mred\"");
  CHECK(shown("del\x7f") == "\"del\\x7f\"");
  CHECK(shown("tab\t") == "\"tab\\t\"");
  CHECK(shown("csi\xc2\x9b"
              "2J") == "\"csi\\u009b2J\"");  // U+009B: a one-character ESC [
  CHECK(shown("q\"\\") == "\"q\\\"\\\\\"");
  CHECK(shown("") == "\"\"");
  for (int c = 0; c < 0x20; ++c) {
    std::string out = shown(std::string("v") + static_cast<char>(c));
    for (char ch : out) CHECK(static_cast<unsigned char>(ch) >= 0x20);
  }
}
