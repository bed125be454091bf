// Checks shared by the bad-input tests: an error that names its op and shapes,
// and comparisons where NaN must meet NaN.
#pragma once

#include <cmath>
#include <initializer_list>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include <tapegrad/core/array.hpp>

namespace tapegrad::testing {

inline constexpr double inf = std::numeric_limits<double>::infinity();
inline constexpr double quiet_nan = std::numeric_limits<double>::quiet_NaN();

/// Relative tolerance for finite values computed in float; double results in
/// these tests are exact or within a few ulps of it.
inline constexpr double finite_tolerance = 1e-6;

/// Checks that `call` raises std::invalid_argument whose message contains
/// every one of `parts` (the op name and the shapes involved, say).
template <class F>
void check_rejects(F&& call, std::initializer_list<std::string> parts) {
  try {
    call();
  } catch (const std::invalid_argument& error) {
    const std::string message = error.what();
    for (const std::string& part : parts) {
      CHECK_THAT(message, Catch::Contains(part));
    }
    return;
  } catch (const std::exception& error) {
    FAIL("expected std::invalid_argument, got another exception: " << error.what());
    return;
  }
  FAIL("expected std::invalid_argument, but nothing was raised");
}

/// Checks `actual` against `expected` element by element: NaN only where
/// NaN is expected, infinities of the right sign, finite values within
/// finite_tolerance. The shapes must match.
template <class T>
void check_values(const Array<T>& actual, const Shape& shape, std::vector<double> expected) {
  REQUIRE(to_shape(actual.shape()) == shape);
  REQUIRE(actual.size() == expected.size());
  for (std::size_t index = 0; index < expected.size(); ++index) {
    const double value = static_cast<double>(actual.flat(index));
    INFO("flat index " << index << ": got " << value << ", expected " << expected[index]);
    if (std::isnan(expected[index])) {
      CHECK(std::isnan(value));
    } else if (std::isinf(expected[index])) {
      CHECK(value == expected[index]);
    } else {
      CHECK(value == Approx(expected[index]).epsilon(finite_tolerance).margin(finite_tolerance));
    }
  }
}

/// `check_values` for a 1-D result.
template <class T>
void check_values(const Array<T>& actual, std::vector<double> expected) {
  const Shape shape{expected.size()};
  check_values(actual, shape, std::move(expected));
}

}  // namespace tapegrad::testing
