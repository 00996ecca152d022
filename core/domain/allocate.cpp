#include "core/domain/allocate.hpp"

#include <algorithm>
#include <numeric>
#include <string>

#include "core/domain/int128.hpp"
#include "core/domain/rounding.hpp"

namespace b2b {
namespace {

Status CheckDigits(int digits) {
    if (digits < 0 || digits > Decimal::kScale) {
        return Error::Permanent("allocate: " + std::to_string(digits) + " fractional digits requested, allowed 0..4");
    }
    return {};
}

/// `total` in minor units of 10^-digits, or an error if it is not a whole number of them.
Result<std::int64_t> MinorUnits(Decimal total, int digits) {
    std::int64_t const step = Pow10(Decimal::kScale - digits);
    if (total.raw() % step != 0) {
        return Error::Permanent("cannot split " + total.ToString() + " into units of " +
                                Decimal::FromRaw(step).ToString() + "; round it first");
    }
    return total.raw() / step;
}

Decimal FromUnits(Int128 units, int digits) {
    // |units| <= |total units|, so the raw value is within range.
    return Decimal::FromRaw(static_cast<std::int64_t>(units * Pow10(Decimal::kScale - digits)));
}

}  // namespace

Result<std::vector<Decimal>> Allocate(Decimal total, std::size_t parts, int digits) {
    if (auto s = CheckDigits(digits); !s) {
        return s.error();
    }
    if (parts == 0) {
        return Error::Permanent("cannot split " + total.ToString() + " into 0 parts");
    }
    auto units = MinorUnits(total, digits);
    if (!units) {
        return units.error();
    }
    Int128 const n = static_cast<Int128>(parts);
    Int128 const base = *units / n;        // toward zero
    Int128 const remainder = *units % n;   // same sign as total
    Int128 const extra_count = remainder < 0 ? -remainder : remainder;
    Int128 const step = remainder < 0 ? -1 : 1;
    std::vector<Decimal> out;
    out.reserve(parts);
    for (std::size_t i = 0; i < parts; ++i) {
        out.push_back(FromUnits(base + (static_cast<Int128>(i) < extra_count ? step : 0), digits));
    }
    return out;
}

Result<std::vector<Decimal>> AllocateByWeights(Decimal total, std::span<Decimal const> weights, int digits) {
    if (auto s = CheckDigits(digits); !s) {
        return s.error();
    }
    if (weights.empty()) {
        return Error::Permanent("cannot split " + total.ToString() + " over no weights");
    }
    Int128 weight_sum = 0;
    for (std::size_t i = 0; i < weights.size(); ++i) {
        if (weights[i].IsNegative()) {
            return Error::Permanent("cannot split " + total.ToString() + ": weight " + std::to_string(i) + " is negative (" +
                                    weights[i].ToString() + ")");
        }
        weight_sum += weights[i].raw();
    }
    if (weight_sum == 0) {
        return Error::Permanent("cannot split " + total.ToString() + ": all weights are zero");
    }
    auto units = MinorUnits(total, digits);
    if (!units) {
        return units.error();
    }
    // Work on the magnitude and restore the sign at the end, so negative totals mirror positive ones.
    bool const negative = *units < 0;
    Int128 const magnitude = negative ? -static_cast<Int128>(*units) : static_cast<Int128>(*units);
    std::vector<Int128> shares(weights.size());
    std::vector<Int128> remainders(weights.size());
    Int128 given = 0;
    for (std::size_t i = 0; i < weights.size(); ++i) {
        Int128 const exact = magnitude * weights[i].raw();  // < 2^63 * 2^63
        shares[i] = exact / weight_sum;
        remainders[i] = exact % weight_sum;
        given += shares[i];
    }
    Int128 leftover = magnitude - given;  // < number of weights
    std::vector<std::size_t> order(weights.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return remainders[a] > remainders[b]; });
    for (std::size_t i = 0; leftover > 0 && i < order.size(); ++i, --leftover) {
        ++shares[order[i]];
    }
    std::vector<Decimal> out;
    out.reserve(weights.size());
    for (Int128 share : shares) {
        out.push_back(FromUnits(negative ? -share : share, digits));
    }
    return out;
}

Result<Decimal> PercentOf(Decimal amount, Decimal percent, int digits, Rounding rounding) {
    if (auto s = CheckDigits(digits); !s) {
        return s.error();
    }
    // amount.raw * percent.raw is in units of 10^-8 percent, i.e. 10^-10 of the amount; the share in
    // units of 10^-digits is that divided by 10^(10 - digits).
    Int128 const exact = static_cast<Int128>(amount.raw()) * percent.raw();
    Int128 const units = DivideRounded(exact, static_cast<Int128>(Pow10(10 - digits)), rounding);
    Int128 const raw = units * Pow10(Decimal::kScale - digits);
    if (!FitsDecimalRaw(raw)) {
        return Error::Permanent("decimal overflow: " + percent.ToString() + "% of " + amount.ToString());
    }
    return Decimal::FromRaw(static_cast<std::int64_t>(raw));
}

Result<Decimal> ApplyDiscountPercent(Decimal amount, Decimal percent, int digits, Rounding rounding) {
    if (percent.IsNegative() || percent > Decimal::FromRaw(100 * Decimal::kOne)) {
        return Error::Permanent("discount of " + percent.ToString() + "% is outside 0..100");
    }
    auto discount = PercentOf(amount, percent, digits, rounding);
    if (!discount) {
        return discount.error();
    }
    return Sub(amount, *discount);
}

}  // namespace b2b
