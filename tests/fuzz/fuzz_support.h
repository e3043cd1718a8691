// What the fuzz targets share: the standards (townships, rules, calendar) of the in-repo rules
// data, loaded once per process, and the input as a string. Fuzz builds only; libFuzzer calls the
// targets on one thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "config/standards.h"

namespace xj::fuzz {

// tests/data/rules' standards; aborts (a finding) if they do not load, since every target
// would then test nothing.
const household::Standards& standards();

inline std::string text(const uint8_t* data, size_t size) {
  return std::string(reinterpret_cast<const char*>(data), size);
}

}  // namespace xj::fuzz
