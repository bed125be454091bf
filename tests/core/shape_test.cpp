// Shape ops: reshape, flatten, concat, slice and select_rows.
//
// Shape ops only move values, so every expected value is written by hand from
// the input values, and every expected gradient is the upstream gradient moved
// back to where each value came from. All values are small integers or
// halves, exact in float and double, so the checks are exact.
#include <catch2/catch.hpp>

#include <cstdint>
#include <initializer_list>
#include <stdexcept>
#include <vector>

#include <xtensor/xbuilder.hpp>

#include <tapegrad/core/core.hpp>

using namespace tapegrad;

namespace {

// Returns `values` as a column [n, 1]. Braces such as {{1}, {2}} cannot be
// used, because xtensor also reads them as the 1-D array {1, 2}.
template <class T>
Array<T> column(std::initializer_list<T> values) {
  Array<T> result = Array<T>(values);
  result.reshape({values.size(), 1});
  return result;
}

}  // namespace

TEMPLATE_TEST_CASE("reshape infers one extent", "[core][shape]", float, double) {
  using T = TestType;
  Tensor<T> x = parameter<T>({{1, 2, 3}, {4, 5, 6}});

  Tensor<T> y = reshape(x, {3, -1});
  REQUIRE(y.value() == Array<T>{{1, 2}, {3, 4}, {5, 6}});

  // The gradient is the upstream gradient read in the input's shape.
  backward(y, Tensor<T>{{10, 20}, {30, 40}, {50, 60}});
  CHECK(x.grad() == Array<T>{{10, 20, 30}, {40, 50, 60}});
}

TEMPLATE_TEST_CASE("reshape to and from 0-D", "[core][shape]", float, double) {
  using T = TestType;
  Tensor<T> x = parameter<T>(Array<T>(T(7)));

  Tensor<T> column = reshape(x, {1, 1});
  REQUIRE(to_shape(column.shape()) == Shape{1, 1});

  Tensor<T> scalar = reshape(column, {});
  REQUIRE(scalar.dim() == 0);
  REQUIRE(scalar.item() == 7);

  backward(scalar);
  CHECK(x.grad() == Array<T>(T(1)));
}

TEMPLATE_TEST_CASE("reshape rejects invalid shapes", "[core][shape]", float, double) {
  using T = TestType;
  Tensor<T> x = parameter<T>({{1, 2, 3}, {4, 5, 6}});

  REQUIRE_THROWS_MATCHES(
      reshape(x, {4, -1}), std::invalid_argument,
      Catch::Message("reshape: cannot reshape a tensor of shape [2, 3] (6 elements) into "
                     "[4, -1]; the new shape must hold the same number of elements"));
  REQUIRE_THROWS_MATCHES(
      reshape(x, {7}), std::invalid_argument,
      Catch::Message("reshape: cannot reshape a tensor of shape [2, 3] (6 elements) into "
                     "[7]; the new shape must hold the same number of elements"));
  REQUIRE_THROWS_MATCHES(
      reshape(x, {-1, -1}), std::invalid_argument,
      Catch::Message("reshape: shape [-1, -1] has more than one -1 extent; at most one can be "
                     "inferred"));
  REQUIRE_THROWS_MATCHES(
      reshape(x, {-2, -3}), std::invalid_argument,
      Catch::Message("reshape: shape [-2, -3] has the invalid extent -2; extents must be >= 0, "
                     "or -1 for the one inferred extent"));
  REQUIRE_THROWS_MATCHES(
      reshape(x, {0, -1}), std::invalid_argument,
      Catch::Message("reshape: cannot reshape a tensor of shape [2, 3] (6 elements) into "
                     "[0, -1]; the new shape must hold the same number of elements"));

  Tensor<T> empty = parameter<T>(xt::zeros<T>({0, 3}));
  REQUIRE_THROWS_MATCHES(
      reshape(empty, {0, -1}), std::invalid_argument,
      Catch::Message("reshape: cannot infer the -1 extent of [0, -1] for a tensor of shape "
                     "[0, 3] (0 elements), because any extent fits; give every extent"));
  CHECK(to_shape(reshape(empty, {-1, 3}).shape()) == Shape{0, 3});
  CHECK(to_shape(reshape(empty, {3, 1, 0}).shape()) == Shape{3, 1, 0});
}

TEMPLATE_TEST_CASE("flatten from each start axis", "[core][shape]", float, double) {
  using T = TestType;
  Tensor<T> x = parameter<T>(Array<T>(xt::arange<T>(12)));
  x.mutable_value().reshape({2, 2, 3});

  CHECK(to_shape(flatten(x).shape()) == Shape{2, 6});
  CHECK(to_shape(flatten(x, 0).shape()) == Shape{12});
  CHECK(to_shape(flatten(x, -1).shape()) == Shape{2, 2, 3});
  CHECK(to_shape(flatten(x, -2).shape()) == Shape{2, 6});

  Tensor<T> flat = flatten(x);
  CHECK(flat.value() == Array<T>{{0, 1, 2, 3, 4, 5}, {6, 7, 8, 9, 10, 11}});

  // The upstream gradient 100 + i at flat position i comes back in [2, 2, 3].
  Array<T> upstream = xt::arange<T>(12) + T(100);
  upstream.reshape({2, 6});
  backward(flat, Tensor<T>(upstream));
  CHECK(x.grad() ==
        Array<T>{{{100, 101, 102}, {103, 104, 105}}, {{106, 107, 108}, {109, 110, 111}}});
}

TEMPLATE_TEST_CASE("flatten of 0-D and bad axes", "[core][shape]", float, double) {
  using T = TestType;
  Tensor<T> scalar = parameter<T>(Array<T>(T(3)));
  CHECK(flatten(scalar, 0).value() == Array<T>{3});
  CHECK(flatten(scalar, -1).value() == Array<T>{3});
  REQUIRE_THROWS_MATCHES(
      flatten(scalar), std::invalid_argument,
      Catch::Message("flatten: start_axis 1 is out of range for a 0-D tensor (shape []); pass 0"));

  Tensor<T> x = parameter<T>({1, 2, 3});
  REQUIRE_THROWS_MATCHES(
      flatten(x), std::invalid_argument,
      Catch::Message("flatten: axis 1 is out of range for shape [3]; pass an axis in [-1, 0]"));
}

TEMPLATE_TEST_CASE("concat of three along axis 1", "[core][shape]", float, double) {
  // Three inputs, so the third is stored in NodeExtra::more_inputs.
  using T = TestType;
  Tensor<T> a = parameter<T>(column<T>({1, 2}));
  Tensor<T> b = parameter<T>({{3, 4}, {5, 6}});
  Tensor<T> c = parameter<T>({{7, 8, 9}, {10, 11, 12}});

  Tensor<T> joined = concat({a, b, c}, 1);
  REQUIRE(joined.value() == Array<T>{{1, 3, 4, 7, 8, 9}, {2, 5, 6, 10, 11, 12}});

  backward(joined, Tensor<T>{{-1, -2, -3, -4, -5, -6}, {-7, -8, -9, -10, -11, -12}});
  CHECK(a.grad() == column<T>({-1, -7}));
  CHECK(b.grad() == Array<T>{{-2, -3}, {-8, -9}});
  CHECK(c.grad() == Array<T>{{-4, -5, -6}, {-10, -11, -12}});
}

TEMPLATE_TEST_CASE("concat along axis 0 and -1", "[core][shape]", float, double) {
  using T = TestType;
  Tensor<T> a = parameter<T>({{1, 2}});
  Tensor<T> b = constant<T>({{3, 4}, {5, 6}});

  Tensor<T> rows = concat({a, b});
  REQUIRE(rows.value() == Array<T>{{1, 2}, {3, 4}, {5, 6}});
  backward(rows, Tensor<T>{{1, 2}, {3, 4}, {5, 6}});
  CHECK(a.grad() == Array<T>{{1, 2}});
  CHECK_FALSE(b.has_grad());

  Tensor<T> columns = concat({b, b}, -1);
  CHECK(columns.value() == Array<T>{{3, 4, 3, 4}, {5, 6, 5, 6}});
}

TEMPLATE_TEST_CASE("concat of a reused input", "[core][shape]", float, double) {
  // concat([x, y, x, x]) sends three blocks of the upstream gradient to x.
  using T = TestType;
  Tensor<T> x = parameter<T>({1, 2});
  Tensor<T> y = parameter<T>({3});

  Tensor<T> joined = concat({x, y, x, x});
  REQUIRE(joined.value() == Array<T>{1, 2, 3, 1, 2, 1, 2});

  backward(joined, Tensor<T>{1, 10, 100, 1000, 10000, 0.5, 0.25});
  // x: [1 + 1000 + 0.5, 10 + 10000 + 0.25]
  CHECK(x.grad() == Array<T>{1001.5, 10010.25});
  CHECK(y.grad() == Array<T>{100});
}

TEMPLATE_TEST_CASE("concat rejects bad inputs", "[core][shape]", float, double) {
  using T = TestType;
  Tensor<T> a = parameter<T>({{1, 2, 3}, {4, 5, 6}});
  Tensor<T> b = parameter<T>({{1, 2}, {3, 4}});
  Tensor<T> c = parameter<T>({1, 2});

  REQUIRE_THROWS_MATCHES(concat<T>({}), std::invalid_argument,
                         Catch::Message("concat: got no tensors; pass at least one"));
  REQUIRE_THROWS_MATCHES(
      concat({a, b}), std::invalid_argument,
      Catch::Message("concat: input 1 has shape [2, 2] but input 0 has shape [2, 3]; every "
                     "extent except axis 0 must match"));
  REQUIRE_THROWS_MATCHES(
      concat({a, a, c}, 1), std::invalid_argument,
      Catch::Message("concat: input 2 has shape [2] but input 0 has shape [2, 3]; every "
                     "extent except axis 1 must match"));
  REQUIRE_THROWS_MATCHES(
      concat({a, b}, 2), std::invalid_argument,
      Catch::Message("concat: axis 2 is out of range for shape [2, 3]; pass an axis in "
                     "[-2, 1]"));
  Tensor<T> scalar = parameter<T>(Array<T>(T(1)));
  REQUIRE_THROWS_MATCHES(
      concat({scalar, scalar}), std::invalid_argument,
      Catch::Message("concat: cannot join 0-D tensors (input 0 has shape []); reshape them to "
                     "[1] first"));
}

TEMPLATE_TEST_CASE("slice along the middle axis", "[core][shape]", float, double) {
  using T = TestType;
  Tensor<T> x = parameter<T>({{{1, 2}, {3, 4}, {5, 6}}, {{7, 8}, {9, 10}, {11, 12}}});

  Tensor<T> middle = slice(x, 1, 1, 3);
  REQUIRE(middle.value() == Array<T>{{{3, 4}, {5, 6}}, {{9, 10}, {11, 12}}});

  // Entries outside the slice get gradient 0.
  backward(middle, Tensor<T>{{{1, 2}, {3, 4}}, {{5, 6}, {7, 8}}});
  CHECK(x.grad() == Array<T>{{{0, 0}, {1, 2}, {3, 4}}, {{0, 0}, {5, 6}, {7, 8}}});
}

TEMPLATE_TEST_CASE("slice with negative axis and empty range", "[core][shape]", float, double) {
  using T = TestType;
  Tensor<T> x = parameter<T>({{1, 2, 3}, {4, 5, 6}});

  Tensor<T> last_column = slice(x, -1, 2, 3);
  REQUIRE(last_column.value() == column<T>({3, 6}));
  Tensor<T> first_row = slice(x, 0, 0, 1);
  REQUIRE(first_row.value() == Array<T>{{1, 2, 3}});

  Tensor<T> nothing = slice(x, 1, 1, 1);
  CHECK(to_shape(nothing.shape()) == Shape{2, 0});

  // Two overlapping slices of x add their gradients on the shared entry (0, 2).
  // last_column [2, 1] + first_row [1, 3] broadcasts to [2, 3]; with upstream ones,
  // last_column gets [[3], [3]] and first_row gets [[2, 2, 2]], so
  // x.grad = [[0, 0, 3], [0, 0, 3]] + [[2, 2, 2], [0, 0, 0]].
  backward(last_column + first_row, ones<T>({2, 3}));
  CHECK(x.grad() == Array<T>{{2, 2, 5}, {0, 0, 3}});
}

TEMPLATE_TEST_CASE("slice rejects bad ranges", "[core][shape]", float, double) {
  using T = TestType;
  Tensor<T> x = parameter<T>({{1, 2, 3}, {4, 5, 6}});

  REQUIRE_THROWS_MATCHES(
      slice(x, 1, 2, 4), std::invalid_argument,
      Catch::Message("slice: range [2, 4) is invalid for axis 1 of shape [2, 3]; need "
                     "start <= stop <= 3"));
  REQUIRE_THROWS_MATCHES(
      slice(x, -2, 2, 1), std::invalid_argument,
      Catch::Message("slice: range [2, 1) is invalid for axis 0 of shape [2, 3]; need "
                     "start <= stop <= 2"));
  REQUIRE_THROWS_MATCHES(
      slice(x, -3, 0, 1), std::invalid_argument,
      Catch::Message("slice: axis -3 is out of range for shape [2, 3]; pass an axis in "
                     "[-2, 1]"));
}

TEMPLATE_TEST_CASE("select_rows sums repeated rows", "[core][shape]", float, double) {
  using T = TestType;
  Tensor<T> x = parameter<T>({{1, 2}, {3, 4}, {5, 6}});
  const std::vector<std::size_t> rows = {2, 0, 2};

  Tensor<T> picked = select_rows(x, rows);
  REQUIRE(picked.value() == Array<T>{{5, 6}, {1, 2}, {5, 6}});

  // Row 2 was read twice: its gradient is [1 + 100, 2 + 200]. Row 1 was never read.
  backward(picked, Tensor<T>{{1, 2}, {10, 20}, {100, 200}});
  CHECK(x.grad() == Array<T>{{10, 20}, {0, 0}, {101, 202}});
}

TEMPLATE_TEST_CASE("select_rows of 1-D and 3-D", "[core][shape]", float, double) {
  using T = TestType;
  Tensor<T> vector = parameter<T>({7, 8, 9});
  const std::vector<std::size_t> rows = {1, 1};
  Tensor<T> picked = select_rows(vector, rows);
  REQUIRE(picked.value() == Array<T>{8, 8});
  backward(picked, Tensor<T>{0.5, 0.25});
  CHECK(vector.grad() == Array<T>{0, 0.75, 0});

  Tensor<T> cube = constant<T>({{{1, 2}, {3, 4}}, {{5, 6}, {7, 8}}});
  const std::vector<std::size_t> second = {1};
  CHECK(select_rows(cube, second).value() == Array<T>{{{5, 6}, {7, 8}}});

  const std::vector<std::size_t> none;
  CHECK(to_shape(select_rows(cube, none).shape()) == Shape{0, 2, 2});
}

TEMPLATE_TEST_CASE("select_rows rejects bad indices", "[core][shape]", float, double) {
  using T = TestType;
  Tensor<T> x = parameter<T>({{1, 2}, {3, 4}, {5, 6}});
  const std::vector<std::size_t> rows = {0, 3};
  REQUIRE_THROWS_MATCHES(
      select_rows(x, rows), std::invalid_argument,
      Catch::Message("select_rows: row index 3 at position 1 is out of range for shape [3, 2]; "
                     "indices must be in [0, 3)"));

  Tensor<T> scalar = parameter<T>(Array<T>(T(1)));
  const std::vector<std::size_t> first = {0};
  REQUIRE_THROWS_MATCHES(
      select_rows(scalar, first), std::invalid_argument,
      Catch::Message("select_rows: needs a tensor with at least one dimension, got shape []"));
}

namespace {

// Returns a leaf that requires grad, with standard normal entries.
Tensor<double> random_parameter(const Shape& shape, Generator& generator) {
  return parameter<double>(normal<double>(shape, 0.0, 1.0, generator).value());
}

}  // namespace

TEST_CASE("reshape and flatten finite differences", "[core][shape][gradcheck]") {
  Generator generator(11);
  for (const Shape& shape : {Shape{6}, Shape{2, 3}, Shape{2, 3, 4}}) {
    INFO("x shape " << format_shape(shape));
    Tensor<double> x = random_parameter(shape, generator);
    REQUIRE(check_gradients([](const auto& in) { return reshape(in[0], {-1, 2}); }, {x}));
    REQUIRE(check_gradients([](const auto& in) { return flatten(in[0], 0); }, {x}));
    REQUIRE(check_gradients([](const auto& in) { return flatten(in[0], -1); }, {x}));
  }
}

TEST_CASE("concat finite differences", "[core][shape][gradcheck]") {
  Generator generator(12);
  Tensor<double> a = random_parameter({2, 1}, generator);
  Tensor<double> b = random_parameter({2, 3}, generator);
  Tensor<double> c = random_parameter({2, 2}, generator);
  REQUIRE(check_gradients(
      [](const auto& in) {
        return concat({in[0], in[1], in[2]}, 1);
      },
      {a, b, c}));
  // The first input appears twice, so its gradient sums two blocks.
  REQUIRE(check_gradients(
      [](const auto& in) {
        return concat({in[0], in[1], in[0]}, -1);
      },
      {a, b}));

  Tensor<double> top = random_parameter({1, 3}, generator);
  Tensor<double> bottom = random_parameter({3, 3}, generator);
  REQUIRE(check_gradients([](const auto& in) { return concat({in[0], in[1]}); }, {top, bottom}));

  Tensor<double> front = random_parameter({2, 1, 3}, generator);
  Tensor<double> back = random_parameter({2, 2, 3}, generator);
  REQUIRE(check_gradients([](const auto& in) { return concat({in[0], in[1]}, 1); }, {front, back}));
}

TEST_CASE("slice finite differences", "[core][shape][gradcheck]") {
  Generator generator(13);
  Tensor<double> x = random_parameter({3, 4, 2}, generator);
  REQUIRE(check_gradients([](const auto& in) { return slice(in[0], 1, 1, 3); }, {x}));
  REQUIRE(check_gradients([](const auto& in) { return slice(in[0], -1, 0, 1); }, {x}));
  REQUIRE(check_gradients([](const auto& in) { return slice(in[0], 0, 2, 3); }, {x}));

  Tensor<double> vector = random_parameter({5}, generator);
  REQUIRE(check_gradients([](const auto& in) { return slice(in[0], 0, 1, 4); }, {vector}));
}

TEST_CASE("select_rows finite differences", "[core][shape][gradcheck]") {
  Generator generator(14);
  const std::vector<std::size_t> rows = {3, 0, 3, 1};
  Tensor<double> matrix = random_parameter({4, 3}, generator);
  REQUIRE(check_gradients([&rows](const auto& in) { return select_rows(in[0], rows); }, {matrix}));

  const std::vector<std::size_t> repeated = {4, 4};
  Tensor<double> vector = random_parameter({5}, generator);
  REQUIRE(check_gradients([&repeated](const auto& in) { return select_rows(in[0], repeated); },
                          {vector}));

  const std::vector<std::size_t> reversed = {2, 0};
  Tensor<double> cube = random_parameter({3, 2, 2}, generator);
  REQUIRE(check_gradients([&reversed](const auto& in) { return select_rows(in[0], reversed); },
                          {cube}));
}
