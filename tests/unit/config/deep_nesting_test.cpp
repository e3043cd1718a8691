// Config files nested 200,000 levels deep (400 kB of brackets) are refused with an error,
// not a stack overflow: every loader parses without recursing per level, and a parameter's
// value, which the standards loader copies recursively, may nest only a few levels.
#include <catch2/catch.hpp>

#include <string>

#include "config/calendar_import.h"
#include "config/hub_config.h"
#include "config/partners_config.h"
#include "config/routes_config.h"
#include "config/standards.h"
#include "config/villages_config.h"
#include "tests/unit/rules/test_support.h"

using namespace xj;

namespace {

constexpr size_t kLevels = 200'000;

// {"KEY": [[[...]]]} with `levels` brackets.
std::string nestedUnder(const std::string& key, size_t levels) {
  return "{\"" + key + "\": " + std::string(levels, '[') + std::string(levels, ']') + "}";
}

const TownshipDirectory& townships() { return xj::testing::sharedStandards().townships; }

}  // namespace

TEST_CASE("a config nested 200,000 levels deep is an error, not a stack overflow",
          "[config][nesting]") {
  Problems ps;
  CHECK_FALSE(parseHubConfig(nestedUnder("http", kLevels), ps).isOk());
  CHECK_FALSE(parseRoutes(nestedUnder("rules", kLevels), townships(), ps).isOk());
  CHECK_FALSE(parsePartners(nestedUnder("partners", kLevels), townships(), ps).isOk());
  CHECK_FALSE(parseVillages(nestedUnder("townships", kLevels), townships(), ps).isOk());
  CHECK_FALSE(household::parseHolidaysJson(nestedUnder("years", kLevels), ps).isOk());
  CHECK_FALSE(household::parseTownshipsJson(nestedUnder("townships", kLevels), ps).isOk());
  CHECK_FALSE(household::parseArrangement(nestedUnder("days", kLevels), ps).isOk());
  // Unclosed, too: the parser gives up at the end of the text, whatever the depth.
  CHECK_FALSE(parseRoutes("{\"rules\": " + std::string(kLevels, '['), townships(), ps).isOk());
}

TEST_CASE("a parameter value nested deeper than 16 levels is refused at its path",
          "[config][nesting]") {
  for (size_t levels : {size_t{17}, kLevels}) {
    Problems ps;
    std::string doc = R"({"x": {"values": {"2024-01-01": {"value": )" + std::string(levels, '[') +
                      std::string(levels, ']') + "}}}}";
    CHECK_FALSE(household::parseParametersJson(doc, ps).isOk());
    bool named = false;
    for (const auto& p : ps)
      named = named || (p.path == "/x/values/2024-01-01/value" &&
                        p.problem == "nested deeper than 16 levels");
    INFO(levels << " levels");
    CHECK(named);
  }
  // 16 levels are read (and then refused by the parameter's own rules, not for the depth).
  Problems ps;
  std::string doc = R"({"x": {"values": {"2024-01-01": {"value": )" + std::string(16, '[') +
                    std::string(16, ']') + "}}}}";
  CHECK_FALSE(household::parseParametersJson(doc, ps).isOk());
  for (const auto& p : ps) CHECK(p.problem.find("nested deeper") == std::string::npos);
}
