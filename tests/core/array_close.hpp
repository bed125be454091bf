// Test helper: entrywise comparison of a computed array with expected values.
#pragma once

#include <cmath>
#include <cstddef>
#include <sstream>
#include <type_traits>

#include <catch2/catch.hpp>
#include <xtensor/xio.hpp>

#include <tapegrad/core/array.hpp>

namespace tapegrad::test {

/// Tolerance for agreement with values that PyTorch computed in float64:
/// float keeps about 7 significant digits and double about 16.
template <class T>
constexpr double torch_tolerance = std::is_same_v<T, float> ? 1e-5 : 1e-12;

/// Checks that `actual` has the shape of `expected` and that every entry
/// equals its expected value (infinities included) or satisfies
/// |actual - expected| <= tolerance * (1 + |expected|). NaN matches nothing.
/// On failure it reports the first entry out of tolerance and prints both arrays.
template <class T>
void check_close(const Array<T>& actual, const Array<double>& expected, double tolerance) {
  INFO("actual:\n" << actual << "\nexpected:\n" << expected);
  REQUIRE(to_shape(actual.shape()) == to_shape(expected.shape()));
  std::size_t mismatches = 0;
  std::ostringstream first_mismatch;
  for (std::size_t index = 0; index < actual.size(); ++index) {
    const double got = static_cast<double>(actual.flat(index));
    const double want = expected.flat(index);
    const bool close = got == want || std::abs(got - want) <= tolerance * (1.0 + std::abs(want));
    if (!close) {
      if (mismatches == 0) {
        first_mismatch << "flat index " << index << ": got " << got << ", expected " << want;
      }
      ++mismatches;
    }
  }
  INFO("first entry out of tolerance " << tolerance << ": " << first_mismatch.str());
  CHECK(mismatches == 0);
}

}  // namespace tapegrad::test
