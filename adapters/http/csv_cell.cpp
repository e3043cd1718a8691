#include "adapters/http/csv_cell.h"

namespace xj::http {

std::string csvTextCell(std::string_view text, CsvQuoting quoting) {
  std::string cell;
  cell.reserve(text.size() + 3);
  if (!text.empty()) {
    const char first = text.front();
    if (first == '=' || first == '+' || first == '-' || first == '@' || first == '\t' ||
        first == '\r')
      cell.push_back('\'');
  }
  bool needs_quotes = quoting == CsvQuoting::kAlways;
  for (char c : text) {
    if (c == '"') {
      cell += "\"\"";
      needs_quotes = true;
    } else {
      if (c == ',' || c == '\r' || c == '\n') needs_quotes = true;
      cell.push_back(c);
    }
  }
  return needs_quotes ? "\"" + cell + "\"" : cell;
}

}  // namespace xj::http
