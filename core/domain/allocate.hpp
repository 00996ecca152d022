#pragma once

#include <cstddef>
#include <span>
#include <vector>

#include "core/domain/decimal.hpp"
#include "core/util/error.hpp"

namespace b2b {

/// Splits `total` into `parts` amounts in minor units of 10^-digits (digits 0..4) whose sum is
/// exactly `total`; the parts differ by at most one minor unit, and the earlier parts get the
/// extra units ("100.00 / 3" -> 33.34, 33.33, 33.33). Negative totals split symmetrically.
/// Permanent errors: parts == 0, digits outside 0..4, `total` not a whole number of minor units
/// (round it first: a split must never invent or lose money).
Result<std::vector<Decimal>> Allocate(Decimal total, std::size_t parts, int digits);

/// Splits `total` in proportion to `weights` (e.g. an order discount over line sums) using the
/// largest-remainder method: every part is the exact share rounded down to a minor unit, then the
/// leftover units go one each to the parts with the largest remainders (earlier index on ties).
/// The parts sum exactly to `total` and each differs from its exact share by less than one minor
/// unit; a zero weight always gets zero. Permanent errors: empty or negative weights, all weights
/// zero, digits outside 0..4, `total` not a whole number of minor units.
Result<std::vector<Decimal>> AllocateByWeights(Decimal total, std::span<Decimal const> weights, int digits);

/// `percent`% of `amount`, rounded to `digits` (0..4): PercentOf(1999.99, 15, 2) == 300.00.
/// Permanent error on overflow or bad digits.
Result<Decimal> PercentOf(Decimal amount, Decimal percent, int digits,
                          Rounding rounding = Rounding::kHalfAwayFromZero);

/// `amount` minus `percent`% of it, the discount rounded to `digits` first (as 1C computes a line's
/// СуммаСкидки, then the sum): ApplyDiscountPercent(1999.99, 15, 2) == 1699.99. Permanent error
/// when percent is outside 0..100, on overflow or bad digits.
Result<Decimal> ApplyDiscountPercent(Decimal amount, Decimal percent, int digits,
                                     Rounding rounding = Rounding::kHalfAwayFromZero);

}  // namespace b2b
