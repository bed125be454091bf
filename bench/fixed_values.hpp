// Deterministic benchmark inputs that tapegrad_bench and torch_bench both
// build, so the two programs work on identical numbers.
#pragma once

#include <cstddef>
#include <cstdint>

namespace bench {

/// Fills `data[0 .. count)` with values in [-1, 1) from a linear congruential
/// generator seeded with `seed` (the constants are Numerical Recipes').
inline void fill_fixed_values(float* data, std::size_t count, std::uint32_t seed) {
  std::uint32_t state = seed;
  for (std::size_t index = 0; index < count; ++index) {
    state = state * 1664525u + 1013904223u;
    data[index] = static_cast<float>(state >> 8) * 0x1.0p-23f - 1.0f;
  }
}

}  // namespace bench
