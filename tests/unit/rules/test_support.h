// Shared helpers of rules_test: the standards loaded once from XJ_RULES_DATA_DIR (tests/data/rules,
// the in-repo copy of the specification made by scripts/sync-rules, never the daemon's config
// copy) and small file helpers. Test thread only.
#pragma once

#include <string>
#include <vector>

#include "config/standards.h"

namespace xj::testing {

std::string sharedRulesDir();
std::string readFile(const std::string& path);
const household::Standards& sharedStandards();
std::vector<std::string> caseFiles();  // sorted paths of cases/*.json

}  // namespace xj::testing
