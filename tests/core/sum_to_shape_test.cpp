// Tests of sum_to_shape, which sums broadcast gradients back to an operand's
// shape: the one-pass paths (summed axes all leading or all trailing) and the
// general reducer. Every expected value is a hand sum of small integers, exact
// in binary floating point.
#include <catch2/catch.hpp>

#include <algorithm>
#include <initializer_list>

#include <tapegrad/core/accumulate.hpp>
#include <tapegrad/core/core.hpp>

using namespace tapegrad;

namespace {

// [[1, 2, 3], [4, 5, 6]], shape [2, 3].
template <class T>
Array<T> two_by_three() {
  return Array<T>{{1, 2, 3}, {4, 5, 6}};
}

// A column [N, 1] holding `values`.
template <class T>
Array<T> column(std::initializer_list<T> values) {
  Array<T> result = Array<T>::from_shape({values.size(), 1});
  std::copy(values.begin(), values.end(), result.begin());
  return result;
}

}  // namespace

TEMPLATE_TEST_CASE("sum_to_shape drops leading axis", "[core][accumulate]", float, double) {
  using T = TestType;
  // Column sums: [1 + 4, 2 + 5, 3 + 6].
  const Array<T> to_row = sum_to_shape(two_by_three<T>(), Shape{3});
  CHECK(to_row == Array<T>{5, 7, 9});
  const Array<T> to_one_by_three = sum_to_shape(two_by_three<T>(), Shape{1, 3});
  CHECK(to_one_by_three == Array<T>{{5, 7, 9}});
}

TEMPLATE_TEST_CASE("sum_to_shape keeps trailing one", "[core][accumulate]", float, double) {
  using T = TestType;
  // Row sums: [1 + 2 + 3, 4 + 5 + 6].
  const Array<T> to_column = sum_to_shape(two_by_three<T>(), Shape{2, 1});
  CHECK(to_column == column<T>({6, 15}));
}

TEMPLATE_TEST_CASE("sum_to_shape to a scalar", "[core][accumulate]", float, double) {
  using T = TestType;
  // 1 + 2 + ... + 6 = 21.
  const Array<T> to_scalar = sum_to_shape(two_by_three<T>(), Shape{});
  CHECK(to_scalar.dimension() == 0);
  CHECK(to_scalar() == T(21));
  const Array<T> to_one_by_one = sum_to_shape(two_by_three<T>(), Shape{1, 1});
  CHECK(to_one_by_one == column<T>({21}));
}

TEMPLATE_TEST_CASE("sum_to_shape over middle axes", "[core][accumulate]", float, double) {
  using T = TestType;
  // [2, 3, 2] holding 0 .. 11 summed to [3, 1]: row r sums the entries
  // (k, r, j) for k, j in {0, 1}, which are 2r + j + 6k:
  // r = 0: 0 + 1 + 6 + 7 = 14, r = 1: 2 + 3 + 8 + 9 = 22, r = 2: 4 + 5 + 10 + 11 = 30.
  Array<T> grad = Array<T>::from_shape({2, 3, 2});
  for (std::size_t index = 0; index < grad.size(); ++index) {
    grad.flat(index) = static_cast<T>(index);
  }
  const Array<T> to_column = sum_to_shape(grad, Shape{3, 1});
  CHECK(to_column == column<T>({14, 22, 30}));
}

TEMPLATE_TEST_CASE("sum_to_shape of empty gradient", "[core][accumulate]", float, double) {
  using T = TestType;
  // Summing zero rows gives zeros.
  const Array<T> grad = Array<T>::from_shape({0, 3});
  const Array<T> to_row = sum_to_shape(grad, Shape{3});
  CHECK(to_row == Array<T>{0, 0, 0});
}

TEMPLATE_TEST_CASE("bias gradient sums the batch", "[core][accumulate]", float, double) {
  // y = x + b with x [2, 3] and b [3]; d sum(y * w)/db = column sums of w.
  using T = TestType;
  Tensor<T> x = parameter<T>({{0, 0, 0}, {0, 0, 0}});
  Tensor<T> bias = parameter<T>({0, 0, 0});
  const Tensor<T> weights(two_by_three<T>());
  backward(sum((x + bias) * weights));
  CHECK(bias.grad() == Array<T>{5, 7, 9});
  CHECK(x.grad() == two_by_three<T>());
}
