#include "hub/core/township.h"

namespace xj {

const Township* TownshipDirectory::find(std::string_view key) const {
  for (const auto& t : townships_) {
    if (t.code == key || t.name == key) return &t;
  }
  // The older listing numbers the same units 451229100..115 in the order of the 2023 list, and
  // names 北景 as a 乡 (it became a 镇): accept both on input, store the 2023 code.
  if (key.size() == 9 && key.substr(0, 7) == "4512291") {
    int n = (key[7] - '0') * 10 + (key[8] - '0');
    if (key[7] >= '0' && key[7] <= '9' && key[8] >= '0' && key[8] <= '9' && n < static_cast<int>(townships_.size()))
      return &townships_[static_cast<size_t>(n)];
  }
  if (key == "北景乡") return find("北景镇");
  return nullptr;
}

}  // namespace xj
