// Shared helpers of rules_test: the standards loaded once from XJ_SHARED_RULES_DIR (the shared
// folder, read at run time, never the config copy) and small file helpers. Test thread only.
#pragma once

#include <string>
#include <vector>

#include "adapters/household/standards.h"

namespace xj::testing {

std::string sharedRulesDir();
std::string readFile(const std::string& path);
const household::Standards& sharedStandards();
std::vector<std::string> caseFiles();  // sorted paths of cases/*.json

}  // namespace xj::testing
