// tapegrad arrays filled by bench::fill_fixed_values.
#pragma once

#include <tapegrad/core/array.hpp>

#include "fixed_values.hpp"

namespace bench {

inline tapegrad::Array<float> fixed_array(const tapegrad::Shape& shape, std::uint32_t seed) {
  tapegrad::Array<float> values = tapegrad::Array<float>::from_shape(shape);
  fill_fixed_values(values.data(), values.size(), seed);
  return values;
}

}  // namespace bench
