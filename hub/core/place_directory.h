// PlaceDirectory: the places a caller can live in, as the console's pickers show them: the 16
// townships of Dahua county (their codes and Chinese names from the standards' township list,
// hub/core/township.h) with an English name each, and the villages and communities (村/社区)
// under each township. Loaded from config/villages.jsonc (hub config key `villages_path`) by
// config/villages_config.h at start-up, validated as a whole; then read-only (any thread).
//
// A picker helps only: the envelope's `subject.village` stays free text, so a village missing
// here never stops a call from being logged.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace xj {

struct Village {
  std::string code;  // 12-digit statistical code: the township's 9 digits + 3
  std::string name_zh;
  std::string name_en;
};

struct PlaceTownship {
  std::string code;  // 2023 statistical code, e.g. "451229205"
  std::string name_zh;
  std::string name_en;
  std::vector<Village> villages;
};

struct PlaceDirectory {
  // True while the shipped village list is the example one: the county replaces it with its own
  // list of village and community committees (README, "Console").
  bool villages_are_examples = false;
  std::vector<PlaceTownship> townships;  // in the order of the standards' township list

  const PlaceTownship* find(std::string_view code) const {
    for (const auto& t : townships)
      if (t.code == code) return &t;
    return nullptr;
  }
};

}  // namespace xj
