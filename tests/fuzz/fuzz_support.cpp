#include "tests/fuzz/fuzz_support.h"

#include <cstdio>
#include <cstdlib>
#include <memory>

namespace xj::fuzz {

const household::Standards& standards() {
  static const std::shared_ptr<const household::Standards> kStandards = [] {
    Problems problems;
    auto s = household::loadStandards(XJ_RULES_DATA_DIR, problems);
    if (!s.isOk()) {
      std::fprintf(stderr, "fuzz: cannot load the standards of %s\n", XJ_RULES_DATA_DIR);
      std::abort();
    }
    return s.value();
  }();
  return *kStandards;
}

}  // namespace xj::fuzz
