#pragma once

#include <string_view>

#include "core/domain/decimal.hpp"
#include "core/util/error.hpp"

namespace b2b {

/// Parses a decimal as 1C, Bitrix and hand-made CommerceML documents write it (commerceml.md §6
/// quirk 19). Accepted:
///   - surrounding whitespace (ASCII, NBSP C2 A0, narrow NBSP E2 80 AF, thin space E2 80 89);
///   - an optional leading '-' or '+';
///   - thousands separators between digit groups: space, NBSP, narrow NBSP or thin space, with
///     groups of exactly 3 digits after the first ("96 287", "1 234 567"; "1 23" is rejected so two
///     numbers are never glued into one);
///   - ',' or '.' as the decimal separator ("1 234,50", "1234.5000");
///   - more than 4 fractional digits only when the extra ones are zeros ("1.000000");
///   - ".5" (= 0.5: unambiguous, and spreadsheet-made documents write it); "5." is rejected.
/// Not accepted: exponents, "1,234.50" (two separators), currency text (see ParseDecimalLenient).
///
/// Errors are Permanent and read `invalid decimal "<input>": <reason>`, reasons: "empty",
/// "not a number", "unexpected \"<rest>\"", "more than one decimal separator",
/// "misplaced digit group separator", "no digits after the decimal separator",
/// "more than 4 fractional digits", "out of range".
Result<Decimal> ParseDecimal(std::string_view text);

/// Like ParseDecimal but ignores trailing text after the number, for CommerceML Представление
/// strings: "12 356 руб. за шт" -> 12356, "1 234,5 RUB" -> 1234.5. The number must come first.
/// Errors name the whole input.
Result<Decimal> ParseDecimalLenient(std::string_view text);

}  // namespace b2b
