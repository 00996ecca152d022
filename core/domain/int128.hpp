#pragma once

namespace b2b {

/// A 128-bit signed integer for exact intermediate results of decimal arithmetic (the product of
/// two raw Decimal values needs up to 126 bits). `__extension__` keeps -Wpedantic quiet: g++ and
/// clang both provide the type on every 64-bit target we build for.
__extension__ typedef __int128 Int128;

}  // namespace b2b
