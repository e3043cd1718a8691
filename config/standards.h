// Standards: everything the rules core needs from config, loaded once at start-up from a
// directory (config/standards/ in the daemon; tests/data/rules in tests): the effective-dated
// parameters (parameters.json), the working-day calendar (holidays-*.json) and the townships
// (dahua-townships.json). Immutable after loading; share one instance read-only across threads
// (e.g. as std::shared_ptr<const Standards>). The names stay in namespace household: these are the
// household rules' standards, whichever layer loads them.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "hub/core/problem.h"
#include "hub/core/status.h"
#include "hub/core/township.h"
#include "routing/rules/calendar.h"
#include "routing/rules/parameters.h"

namespace xj::household {

using TownshipInfo = Township;  // 2023 NBS statistical code, name, pilot

struct Standards {
  rules::RuleSet rules;
  rules::WorkCalendar calendar;
  TownshipDirectory townships;

  // The 2023 code, the older 451229100-115 numbering or the name in either spelling.
  const TownshipInfo* findTownship(std::string_view code_or_name) const {
    return townships.find(code_or_name);
  }
};

// Reads the three kinds of files from `dir`, reporting EVERY problem (path prefixed with the
// file name, e.g. "parameters.json/dibao.standard.rural_annual/values/2025-01-01/value").
Result<std::shared_ptr<const Standards>> loadStandards(const std::string& dir, Problems& problems);

// The same from bytes (for tests and for callers with their own file handling).
Result<rules::RuleSet> parseParametersJson(std::string_view json, Problems& problems);
Result<std::vector<rules::CalendarYearData>> parseHolidaysJson(std::string_view json,
                                                               Problems& problems);
Result<std::vector<TownshipInfo>> parseTownshipsJson(std::string_view json, Problems& problems);

}  // namespace xj::household
