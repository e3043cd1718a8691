#include "adapters/http/csv_cell.h"

#include <catch2/catch.hpp>

using xj::http::CsvQuoting;
using xj::http::csvTextCell;

TEST_CASE("a CSV text cell that could start a formula gets a single quote first", "[csv]") {
  CHECK(csvTextCell("=1+2") == "'=1+2");
  CHECK(csvTextCell("+86 139") == "'+86 139");
  CHECK(csvTextCell("-1") == "'-1");
  CHECK(csvTextCell("@SUM(A1)") == "'@SUM(A1)");
  CHECK(csvTextCell("\t=1") == "'\t=1");
  CHECK(csvTextCell("\r=1") == "\"'\r=1\"");  // CR also needs the quotes of RFC 4180
  CHECK(csvTextCell(R"j(=HYPERLINK("http://x","y"))j") == R"j("'=HYPERLINK(""http://x"",""y"")")j");
  CHECK(csvTextCell(R"j(=HYPERLINK("http://x","y")=1)j", CsvQuoting::kAlways) ==
        R"j("'=HYPERLINK(""http://x"",""y"")=1")j");
}

TEST_CASE("a CSV text cell keeps RFC 4180 quoting and leaves plain text alone", "[csv]") {
  CHECK(csvTextCell("") == "");
  CHECK(csvTextCell("", CsvQuoting::kAlways) == "\"\"");
  CHECK(csvTextCell("江南乡") == "江南乡");
  CHECK(csvTextCell("Jiangnan Township") == "Jiangnan Township");
  CHECK(csvTextCell("capacity=1", CsvQuoting::kAlways) == "\"capacity=1\"");
  CHECK(csvTextCell("a,b") == "\"a,b\"");
  CHECK(csvTextCell("say \"hi\"") == "\"say \"\"hi\"\"\"");
  CHECK(csvTextCell("two\nlines") == "\"two\nlines\"");
  // Only the first character counts: a sign inside the text is text.
  CHECK(csvTextCell("a=b") == "a=b");
  CHECK(csvTextCell("x-1") == "x-1");
}
