#pragma once

#include <cstdint>

#include "core/domain/decimal.hpp"
#include "core/domain/int128.hpp"

namespace b2b {

/// 10^n for n in 0..18 (callers pass digit counts already checked to be small).
constexpr std::int64_t Pow10(int n) noexcept {
    std::int64_t p = 1;
    for (int i = 0; i < n; ++i) {
        p *= 10;
    }
    return p;
}

/// num / den rounded to an integer per `rounding`. Precondition: den != 0 and |num|, 2|den| fit in
/// Int128 (true for every product of two int64 values). Exposed for the money and allocation code
/// and for tests; it is the one place rounding is decided.
Int128 DivideRounded(Int128 num, Int128 den, Rounding rounding) noexcept;

/// True when `v` is a valid Decimal raw value (|v| <= INT64_MAX).
constexpr bool FitsDecimalRaw(Int128 v) noexcept { return v <= Decimal::kMaxRaw && v >= Decimal::kMinRaw; }

}  // namespace b2b
