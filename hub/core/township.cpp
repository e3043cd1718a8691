#include "hub/core/township.h"

namespace xj {

const Township* TownshipDirectory::find(std::string_view key) const {
  for (const auto& t : townships_)
    if (t.code == key || t.name == key) return &t;
  // The older listing numbers the same 16 units 451229100..115 in the order of the 2023 codes:
  // accept it on input, store the 2023 code.
  if (key.size() == 9 && key.substr(0, 7) == "4512291" && key[7] >= '0' && key[7] <= '9' &&
      key[8] >= '0' && key[8] <= '9') {
    size_t k = static_cast<size_t>((key[7] - '0') * 10 + (key[8] - '0'));
    if (k < townships_.size() && townships_.size() == 16) return &townships_[k];
  }
  // 乡 and 镇 spellings of the same unit (北景乡 became 北景镇).
  static constexpr std::string_view kXiang = "乡", kZhen = "镇";
  for (const auto& t : townships_) {
    std::string_view n = t.name;
    if (n.size() != key.size() || n.size() < 3) continue;
    std::string_view stem = n.substr(0, n.size() - 3), tail = n.substr(n.size() - 3);
    std::string_view kstem = key.substr(0, key.size() - 3), ktail = key.substr(key.size() - 3);
    if (stem == kstem && (tail == kXiang || tail == kZhen) && (ktail == kXiang || ktail == kZhen))
      return &t;
  }
  return nullptr;
}

}  // namespace xj
