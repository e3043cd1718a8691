// xianjie eval FILE.json [--as-of DATE] [--explain] [--no-trace]: evaluates one household (a case
// file or a bare household) against the standards and prints the decision JSON (or the bilingual
// explanation) to stdout. Exit codes: 0 decided; 2 bad input or usage (every problem on stderr as
// JSON); 1 the config or the standards directory could not be loaded.
#include <fstream>
#include <iostream>
#include <sstream>
#include <string_view>

#include "adapters/household/decision_json.h"
#include "adapters/household/evaluate.h"
#include "config/standards.h"
#include "hub/cli/cli.h"

namespace xj::cli {
namespace {

constexpr const char* kUsage =
    "usage: xianjie eval FILE.json [--as-of YYYY-MM-DD] [--explain] [--no-trace]\n";

// argv excludes the words "xianjie eval"; the standards come from the config's standards_dir.
int runEval(int argc, char** argv, const std::string& standards_dir) {
  std::string file;
  household::EvalRequest request;
  for (int i = 0; i < argc; ++i) {
    std::string_view a = argv[i];
    if (a == "--explain") {
      request.explain = true;
    } else if (a == "--no-trace") {
      request.trace = false;
    } else if (a == "--as-of" && i + 1 < argc) {
      request.as_of_override = argv[++i];
    } else if (a.rfind("--as-of=", 0) == 0) {
      request.as_of_override = std::string(a.substr(8));
    } else if (a == "-h" || a == "--help") {
      std::cout << kUsage;
      return 0;
    } else if (!a.empty() && a[0] != '-' && file.empty()) {
      file = a;
    } else {
      std::cerr << kUsage;
      return 2;
    }
  }
  if (file.empty()) {
    std::cerr << kUsage;
    return 2;
  }
  Problems problems;
  auto standards = household::loadStandards(standards_dir, problems);
  if (!standards.isOk()) {
    std::cerr << "eval: cannot load standards from " << standards_dir << "\n"
              << household::problemsToJson(problems) << "\n";
    return 1;
  }
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    std::cerr << "eval: cannot read " << file << "\n";
    return 2;
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  std::string out =
      household::evaluateHouseholdJson(ss.str(), *standards.value(), problems, request);
  if (out.empty()) {
    std::cerr << household::problemsToJson(problems) << "\n";
    return 2;
  }
  std::cout << out;
  if (out.back() != '\n') std::cout << '\n';
  return 0;
}

}  // namespace

int evalCommand(int argc, char** argv) {
  HubConfig config;
  std::vector<char*> rest;
  if (!configFromArgs(argc, argv, 2, config, rest)) return 1;
  return runEval(static_cast<int>(rest.size()), rest.data(), config.standards_dir);
}

}  // namespace xj::cli
