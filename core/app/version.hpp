#pragma once

namespace b2b::app {
inline constexpr char kVersion[] = "0.1.0";
}
