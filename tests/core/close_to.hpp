// Elementwise comparison of a tapegrad array with expected values computed
// in double, one Catch2 check per element so a failure names its index.
#pragma once

#include <cstddef>
#include <type_traits>

#include <catch2/catch.hpp>

#include <tapegrad/core/array.hpp>

namespace tapegrad::testing {

/// Relative tolerance against a double reference: about 8 float ulps (float
/// epsilon is 1.2e-7), or about 45 double ulps. It is also the absolute margin
/// for expected values near 0.
template <class T>
constexpr double kRelativeTolerance = std::is_same_v<T, float> ? 1e-6 : 1e-14;

/// Checks that `actual` has the shape of `expected` and that every element
/// agrees within kRelativeTolerance<T>.
template <class T>
void check_close(const Array<T>& actual, const Array<double>& expected) {
  REQUIRE(to_shape(actual.shape()) == to_shape(expected.shape()));
  for (std::size_t index = 0; index < actual.size(); ++index) {
    INFO("flat index " << index);
    CHECK(static_cast<double>(actual.flat(index)) ==
          Approx(expected.flat(index)).epsilon(kRelativeTolerance<T>).margin(kRelativeTolerance<T>));
  }
}

}  // namespace tapegrad::testing
