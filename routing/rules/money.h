// Money and fixed-point helpers of the rules core. All amounts are integer fen (分); ratios from
// the parameter file are held in millionths ("micro") so that every decision is an integer
// comparison (SPEC.md §2: cross-multiplication, never floating division). Header-only, pure.
#pragma once

#include <cstdint>
#include <string>

namespace xj::rules {

using Fen = int64_t;
__extension__ typedef __int128 Wide;  // products of fen x micro x members cannot overflow

inline constexpr int64_t kMicro = 1'000'000;  // 1.0 as a micro ratio
inline constexpr Fen kFenPerYuan = 100;

// a x b / kMicro rounded half away from zero; used only for amounts (e.g. the 20% employment cost),
// never for an eligibility comparison.
inline Fen mulMicroRounded(Fen a, int64_t micro) {
  Wide p = static_cast<Wide>(a) * micro;
  Wide half = kMicro / 2;
  return static_cast<Fen>(p >= 0 ? (p + half) / kMicro : (p - half) / kMicro);
}

// "12345.6" style rendering in yuan: at most two decimals, trailing zeros dropped; for display.
std::string formatYuan(Fen fen);
// Micro ratio rendered as a decimal, e.g. 1500000 -> "1.5".
std::string formatMicro(int64_t micro);

}  // namespace xj::rules
