#include "tests/unit/rules/test_support.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace xj::testing {

std::string sharedRulesDir() { return XJ_RULES_DATA_DIR; }

std::string readFile(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) throw std::runtime_error("cannot read " + path);
  std::ostringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

const household::Standards& sharedStandards() {
  static const std::shared_ptr<const household::Standards> kStandards = [] {
    Problems problems;
    auto s = household::loadStandards(sharedRulesDir(), problems);
    if (!s.isOk())
      throw std::runtime_error("cannot load shared standards: " + s.status().message());
    return s.value();
  }();
  return *kStandards;
}

std::vector<std::string> caseFiles() {
  std::vector<std::string> out;
  for (const auto& e : std::filesystem::directory_iterator(sharedRulesDir() + "/cases"))
    if (e.path().extension() == ".json") out.push_back(e.path().string());
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace xj::testing
