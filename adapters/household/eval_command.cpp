#include "adapters/household/eval_command.h"

#include <fstream>
#include <iostream>
#include <sstream>
#include <string_view>

#include "adapters/household/decision_json.h"
#include "adapters/household/evaluate.h"
#include "adapters/household/standards.h"

namespace xj::household {

namespace {
constexpr const char* kUsage =
    "usage: xianjie eval FILE.json [--as-of YYYY-MM-DD] [--explain] [--no-trace]\n";
}

int runEvalCommand(int argc, char** argv, const std::string& standards_dir) {
  std::string file;
  EvalRequest request;
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
  auto standards = loadStandards(standards_dir, problems);
  if (!standards.isOk()) {
    std::cerr << "eval: cannot load standards from " << standards_dir << "\n"
              << problemsToJson(problems) << "\n";
    return 1;
  }
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    std::cerr << "eval: cannot read " << file << "\n";
    return 2;
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  std::string out = evaluateHouseholdJson(ss.str(), *standards.value(), problems, request);
  if (out.empty()) {
    std::cerr << problemsToJson(problems) << "\n";
    return 2;
  }
  std::cout << out;
  if (out.back() != '\n') std::cout << '\n';
  return 0;
}

}  // namespace xj::household
