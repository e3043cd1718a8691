// One cell of a CSV the hub produces (the reports' text/csv): every writer puts its text cells
// through csvTextCell, so no cell can open a formula in a spreadsheet. Pure; any thread.
#pragma once

#include <string>
#include <string_view>

namespace xj::http {

enum class CsvQuoting {
  kWhenNeeded,  // RFC 4180: quoted only when the cell holds a comma, a quote, CR or LF
  kAlways,      // always quoted (columns of free text, so their shape never changes)
};

// A text cell. One that begins with '=', '+', '-', '@', tab or carriage return is what a
// spreadsheet runs as a formula (or, after a tab or CR, may strip to one): it gets a single quote
// first (OWASP, "CSV Injection"). Then RFC 4180: quotes doubled, the cell quoted as asked or when
// needed. Numbers the hub formats itself (counts, hours, rates) are written as they are, not
// through here, so a negative figure stays a number.
std::string csvTextCell(std::string_view text, CsvQuoting quoting = CsvQuoting::kWhenNeeded);

}  // namespace xj::http
