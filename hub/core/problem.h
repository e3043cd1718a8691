// Problem: one thing wrong with an input, named by its JSON path (RFC 6901 pointer style,
// "" for the whole document). Validators collect every problem instead of stopping at the first,
// so a sender can fix everything in one round trip. Never put personal data in `problem`.
#pragma once

#include <string>
#include <vector>

namespace xj {

struct Problem {
  std::string path;
  std::string problem;
};

using Problems = std::vector<Problem>;

}  // namespace xj
