// Tests of sum, mean and max: hand values (exact in binary floating point
// unless check_close is used), keepdims shapes, ties, NaN, axis errors and
// zero-size tensors. PyTorch 1.13 references are quoted where they decide a
// convention.
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <numeric>
#include <stdexcept>
#include <utility>
#include <vector>

#include <xtensor/xbuilder.hpp>
#include <xtensor/xview.hpp>

#include <tapegrad/core/core.hpp>

#include "close_to.hpp"

using namespace tapegrad;
using tapegrad::testing::check_close;

namespace {

// [[1, 2, 3], [4, 5, 6]], shape [2, 3].
template <class T>
Tensor<T> two_by_three() {
  return parameter<T>({{1, 2, 3}, {4, 5, 6}});
}

// 0, 1, ..., 23 in shape [2, 3, 4].
template <class T>
Tensor<T> iota_2_3_4() {
  Array<T> values = xt::arange<T>(24);
  values.reshape({2, 3, 4});
  return parameter<T>(values);
}

// Returns a parameter of `shape` holding multiples of 0.25 around 0 in a
// shuffled order, so no two entries tie and every gap between entries is far
// wider than the finite-difference step: max stays differentiable.
template <class T>
Tensor<T> shuffled_distinct(const Shape& shape, Generator& generator) {
  Array<T> values = xt::empty<T>(shape);
  const std::size_t count = values.size();
  std::vector<std::size_t> order(count);
  std::iota(order.begin(), order.end(), std::size_t{0});
  for (std::size_t i = count; i > 1; --i) {
    std::swap(order[i - 1], order[generator.below(i)]);
  }
  for (std::size_t i = 0; i < count; ++i) {
    values.flat(i) = static_cast<T>(0.25 * (static_cast<double>(order[i]) - count / 2.0));
  }
  return parameter<T>(values);
}

}  // namespace

TEMPLATE_TEST_CASE("sum over all hand values", "[core][reduce]", float, double) {
  using T = TestType;
  Tensor<T> x = two_by_three<T>();
  Tensor<T> total = sum(x);
  // 1 + 2 + 3 + 4 + 5 + 6 = 21
  CHECK(total.dim() == 0);
  CHECK(total.item() == T(21));
  backward(total, Tensor<T>(Array<T>(T(3))));
  CHECK(x.grad() == Array<T>{{3, 3, 3}, {3, 3, 3}});
}

TEMPLATE_TEST_CASE("sum over axis hand values", "[core][reduce]", float, double) {
  using T = TestType;
  Tensor<T> x = two_by_three<T>();

  Tensor<T> columns = sum(x, 0);
  // column sums [1 + 4, 2 + 5, 3 + 6]
  CHECK(columns.value() == Array<T>{5, 7, 9});
  backward(columns, Tensor<T>{1, 2, 3});
  CHECK(x.grad() == Array<T>{{1, 2, 3}, {1, 2, 3}});

  x.zero_grad();
  Tensor<T> rows = sum(x, -1);
  // row sums [1 + 2 + 3, 4 + 5 + 6]; axis -1 is axis 1
  CHECK(rows.value() == Array<T>{6, 15});
  backward(rows, Tensor<T>{10, 20});
  CHECK(x.grad() == Array<T>{{10, 10, 10}, {20, 20, 20}});
}

TEMPLATE_TEST_CASE("sum keepdims shapes", "[core][reduce]", float, double) {
  using T = TestType;
  Tensor<T> x = iota_2_3_4<T>();

  CHECK(to_shape(sum(x, 0).shape()) == Shape{3, 4});
  CHECK(to_shape(sum(x, 0, KeepDims::yes).shape()) == Shape{1, 3, 4});
  CHECK(to_shape(sum(x, -1, KeepDims::yes).shape()) == Shape{2, 3, 1});
  CHECK(to_shape(mean(x, 2).shape()) == Shape{2, 3});
  CHECK(to_shape(max(x, -2, KeepDims::yes).shape()) == Shape{2, 1, 4});
  Tape<T>::current().clear();

  Tensor<T> middle = sum(x, 1, KeepDims::yes);
  // [0 + 4 + 8, 1 + 5 + 9, ...] and [12 + 16 + 20, ...]
  CHECK(middle.value() == Array<T>{{{12, 15, 18, 21}}, {{48, 51, 54, 57}}});
  Array<T> grad_out = {{{1, 2, 3, 4}}, {{5, 6, 7, 8}}};
  backward(middle, Tensor<T>(grad_out));
  // Each slice along axis 1 receives the upstream value of its column.
  Array<T> expected = xt::concatenate(xt::xtuple(grad_out, grad_out, grad_out), 1);
  CHECK(x.grad() == expected);
}

TEMPLATE_TEST_CASE("mean hand values", "[core][reduce]", float, double) {
  using T = TestType;
  Tensor<T> x = two_by_three<T>();

  Tensor<T> average = mean(x);
  // 21 / 6 = 3.5; each entry's gradient is 1 / 6
  CHECK(average.item() == T(3.5));
  backward(average);
  check_close(x.grad(), Array<double>(Shape{2, 3}, 1.0 / 6));

  x.zero_grad();
  Tensor<T> columns = mean(x, 0, KeepDims::yes);
  // [(1 + 4) / 2, (2 + 5) / 2, (3 + 6) / 2]; each entry gets grad_out / 2
  CHECK(columns.value() == Array<T>{{2.5, 3.5, 4.5}});
  backward(columns, Tensor<T>{{2, 4, -6}});
  CHECK(x.grad() == Array<T>{{1, 2, -3}, {1, 2, -3}});

  x.zero_grad();
  Tensor<T> rows = mean(x, 1);
  // [6 / 3, 15 / 3]; each entry gets grad_out / 3
  CHECK(rows.value() == Array<T>{2, 5});
  backward(rows, Tensor<T>{3, 6});
  CHECK(x.grad() == Array<T>{{1, 1, 1}, {2, 2, 2}});
}

TEMPLATE_TEST_CASE("max ties split gradient", "[core][reduce]", float, double) {
  // torch.amax(x, 1).backward(torch.tensor([1., 6.])) for
  // x = [[1., 3., 3.], [2., 2., 2.]] gives x.grad = [[0, .5, .5], [2, 2, 2]];
  // torch.amax(x).backward() gives [[0, .5, .5], [0, 0, 0]].
  using T = TestType;
  Tensor<T> x = parameter<T>({{1, 3, 3}, {2, 2, 2}});

  Tensor<T> row_max = max(x, 1);
  CHECK(row_max.value() == Array<T>{3, 2});
  backward(row_max, Tensor<T>{1, 6});
  CHECK(x.grad() == Array<T>{{0, 0.5, 0.5}, {2, 2, 2}});

  x.zero_grad();
  Tensor<T> overall = max(x);
  CHECK(overall.dim() == 0);
  CHECK(overall.item() == T(3));
  backward(overall);
  CHECK(x.grad() == Array<T>{{0, 0.5, 0.5}, {0, 0, 0}});
}

TEMPLATE_TEST_CASE("max three-way tie over all", "[core][reduce]", float, double) {
  // torch.amax on [[1., 3., 3.], [3., 2., 2.]] gives 1/3 to each 3.
  using T = TestType;
  Tensor<T> x = parameter<T>({{1, 3, 3}, {3, 2, 2}});
  backward(max(x));
  check_close(x.grad(), Array<double>{{0, 1.0 / 3, 1.0 / 3}, {1.0 / 3, 0, 0}});
}

TEMPLATE_TEST_CASE("max over axis 0 keepdims", "[core][reduce]", float, double) {
  using T = TestType;
  Tensor<T> x = parameter<T>({{1, 7, 3}, {4, 5, 3}});
  Tensor<T> column_max = max(x, 0, KeepDims::yes);
  // [max(1, 4), max(7, 5), max(3, 3)]; the tie at column 2 splits 8 into 4 + 4
  CHECK(column_max.value() == Array<T>{{4, 7, 3}});
  backward(column_max, Tensor<T>{{2, 6, 8}});
  CHECK(x.grad() == Array<T>{{0, 6, 4}, {2, 0, 4}});
}

TEMPLATE_TEST_CASE("max with NaN and infinities", "[core][reduce]", float, double) {
  // torch.amax(x, 1) on [[1., nan, 3.], [4., 5., 6.]] gives [nan, 6.] and
  // gradient [[nan, nan, nan], [0., 0., 1.]]; torch.amax([inf, inf, 3.])
  // gives inf with gradient [.5, .5, 0.].
  using T = TestType;
  const T nan = std::numeric_limits<T>::quiet_NaN();
  const T inf = std::numeric_limits<T>::infinity();

  Tensor<T> x = parameter<T>({{1, nan, 3}, {4, 5, 6}});
  Tensor<T> row_max = max(x, 1);
  CHECK(std::isnan(row_max.value()(0)));
  CHECK(row_max.value()(1) == T(6));
  backward(row_max, Tensor<T>{1, 1});
  for (std::size_t column = 0; column < 3; ++column) {
    CHECK(std::isnan(x.grad()(0, column)));
  }
  const Array<T> second_row = xt::view(x.grad(), 1);
  CHECK(second_row == Array<T>{0, 0, 1});

  Tensor<T> y = parameter<T>({inf, inf, 3});
  Tensor<T> overall = max(y);
  CHECK(overall.item() == inf);
  backward(overall);
  CHECK(y.grad() == Array<T>{0.5, 0.5, 0});

  Tensor<T> z = parameter<T>({-inf, -inf});
  Tensor<T> lowest = max(z);
  CHECK(lowest.item() == -inf);
  backward(lowest);
  CHECK(z.grad() == Array<T>{0.5, 0.5});
}

TEMPLATE_TEST_CASE("reduction axis out of range", "[core][reduce]", float, double) {
  // torch.sum(torch.zeros(2, 3), 2) raises "Dimension out of range (expected
  // to be in range of [-2, 1], but got 2)".
  using T = TestType;
  Tensor<T> x = two_by_three<T>();

  CHECK_THROWS_AS(sum(x, 2), std::invalid_argument);
  CHECK_THROWS_WITH(sum(x, 2), Catch::Contains("sum: axis 2") && Catch::Contains("[2, 3]") &&
                                   Catch::Contains("[-2, 1]"));
  CHECK_THROWS_WITH(mean(x, -3), Catch::Contains("mean: axis -3") && Catch::Contains("[2, 3]"));
  CHECK_THROWS_WITH(max(x, 5, KeepDims::yes),
                    Catch::Contains("max: axis 5") && Catch::Contains("[2, 3]"));
  CHECK(Tape<T>::current().size() == 0);
}

TEMPLATE_TEST_CASE("reduction of 0-D over axis", "[core][reduce]", float, double) {
  // torch.sum(torch.tensor(5.), 0) and dim=-1 return 5; dim=1 raises.
  using T = TestType;
  Tensor<T> s = parameter<T>(Array<T>(T(5)));

  Tensor<T> summed = sum(s, 0, KeepDims::yes);
  CHECK(summed.dim() == 0);
  CHECK(summed.item() == T(5));
  CHECK(mean(s, -1).item() == T(5));
  Tensor<T> maximum = max(s, 0);
  CHECK(maximum.item() == T(5));
  backward(maximum);
  CHECK(s.grad()() == T(1));

  CHECK_THROWS_WITH(sum(s, 1), Catch::Contains("sum: axis 1") && Catch::Contains("0-D"));
  CHECK_THROWS_WITH(max(s, -2), Catch::Contains("max: axis -2"));
  Tape<T>::current().clear();
}

TEMPLATE_TEST_CASE("reductions of zero-size tensors", "[core][reduce]", float, double) {
  // PyTorch 1.13 on torch.zeros(0, 3): sum -> 0, mean -> nan, amax raises;
  // over dim 0: zeros(3), nan * 3, amax raises; over dim 1: empty [0].
  using T = TestType;
  Tensor<T> x = parameter<T>(Array<T>(xt::zeros<T>({0, 3})));

  Tensor<T> total = sum(x);
  CHECK(total.item() == T(0));
  backward(total);
  CHECK(to_shape(x.grad().shape()) == Shape{0, 3});

  Tensor<T> average = mean(x);
  CHECK(std::isnan(average.item()));
  backward(average);
  CHECK(to_shape(x.grad().shape()) == Shape{0, 3});

  CHECK_THROWS_WITH(max(x), Catch::Contains("max") && Catch::Contains("[0, 3]") &&
                                Catch::Contains("no elements"));

  CHECK(sum(x, 0).value() == Array<T>{0, 0, 0});
  Tensor<T> column_means = mean(x, 0);
  CHECK(to_shape(column_means.shape()) == Shape{3});
  for (T value : column_means.value()) {
    CHECK(std::isnan(value));
  }
  CHECK_THROWS_WITH(max(x, 0), Catch::Contains("max: axis 0") && Catch::Contains("[0, 3]") &&
                                   Catch::Contains("extent 0"));

  Tensor<T> row_max = max(x, 1, KeepDims::yes);
  CHECK(to_shape(row_max.shape()) == Shape{0, 1});
  CHECK(to_shape(sum(x, 1).shape()) == Shape{0});
  CHECK(to_shape(mean(x, -1).shape()) == Shape{0});
  backward(row_max, Tensor<T>(Array<T>(xt::zeros<T>({0, 1}))));
  CHECK(to_shape(x.grad().shape()) == Shape{0, 3});
  Tape<T>::current().clear();
}

TEMPLATE_TEST_CASE("reduction finite differences", "[core][reduce][gradcheck]", float, double) {
  // Every axis of every shape, both keepdims modes. For float inputs the
  // numeric side runs in double on the same generic lambdas.
  using T = TestType;
  Generator generator(41);
  for (const Shape& shape : {Shape{4}, Shape{2, 3}, Shape{3, 1, 2}, Shape{2, 3, 4}}) {
    Tensor<T> x = shuffled_distinct<T>(shape, generator);
    INFO("x shape " << format_shape(shape));
    REQUIRE(check_gradients([](const auto& in) { return sum(in[0]); }, {x}));
    REQUIRE(check_gradients([](const auto& in) { return mean(in[0]); }, {x}));
    REQUIRE(check_gradients([](const auto& in) { return max(in[0]); }, {x}));

    const auto rank = static_cast<std::int64_t>(shape.size());
    for (std::int64_t axis = -rank; axis < rank; ++axis) {
      for (KeepDims keepdims : {KeepDims::no, KeepDims::yes}) {
        INFO("axis " << axis << ", keepdims " << (keepdims == KeepDims::yes ? "yes" : "no"));
        REQUIRE(check_gradients(
            [axis, keepdims](const auto& in) { return sum(in[0], axis, keepdims); }, {x}));
        REQUIRE(check_gradients(
            [axis, keepdims](const auto& in) { return mean(in[0], axis, keepdims); }, {x}));
        REQUIRE(check_gradients(
            [axis, keepdims](const auto& in) { return max(in[0], axis, keepdims); }, {x}));
      }
    }
  }
}

TEMPLATE_TEST_CASE("reduction of 0-D finite differences", "[core][reduce][gradcheck]", float,
                   double) {
  using T = TestType;
  Tensor<T> s = parameter<T>(Array<T>(T(-0.75)));
  REQUIRE(check_gradients([](const auto& in) { return sum(in[0]); }, {s}));
  REQUIRE(check_gradients([](const auto& in) { return mean(in[0], -1); }, {s}));
  REQUIRE(check_gradients([](const auto& in) { return max(in[0], 0, KeepDims::yes); }, {s}));
}

TEMPLATE_TEST_CASE("reductions composed with reuse", "[core][reduce][gradcheck]", float,
                   double) {
  // The shift x - max(x, -1, keepdims) that stable softmax uses: x reaches the
  // output directly and through max, and the keepdims result broadcasts back.
  using T = TestType;
  Generator generator(42);
  Tensor<T> x = shuffled_distinct<T>({3, 4}, generator);
  auto shifted = [](const auto& in) {
    const auto& u = in[0];
    return mean(sum((u - max(u, -1, KeepDims::yes)) * u, 0)) + max(mean(u, 1));
  };
  REQUIRE(check_gradients(shifted, {x}));
}
