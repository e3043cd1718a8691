// TownshipDirectory: the 16 township-level units of Dahua county (SPEC.md §9), loaded once at
// start-up with the standards (config/standards.h) and then read-only (any thread).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace xj {

struct Township {
  std::string code;  // 2023 NBS statistical code, e.g. "451229205"
  std::string name;  // e.g. "江南乡"
  bool pilot = false;
};

class TownshipDirectory {
 public:
  TownshipDirectory() = default;
  explicit TownshipDirectory(std::vector<Township> townships) : townships_(std::move(townships)) {}

  // Accepts the 2023 code, the older 451229100-115 numbering (in 2023-code order), or the name
  // in either spelling (北景镇 / 北景乡). Returns nullptr when unknown.
  const Township* find(std::string_view code_or_name) const;
  const std::vector<Township>& all() const { return townships_; }

 private:
  std::vector<Township> townships_;
};

}  // namespace xj
