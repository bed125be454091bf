// Tests of the binary elementwise ops and their operators: hand values with
// broadcasting, ties, pow at base 0, scalars on either side, and a gradient
// check of every op over every broadcast pattern.
//
// Values marked "PyTorch" come from /usr/bin/python3 (torch 1.13), float64:
//   a = torch.tensor([2., 3., 0.5], dtype=torch.float64, requires_grad=True)
//   b = torch.tensor([3., 2., -1.], dtype=torch.float64, requires_grad=True)
//   torch.pow(a, b).backward(torch.ones(3, dtype=torch.float64))
//   print([f"{v:.17g}" for v in b.grad.tolist()])
// and likewise for the other pow cases named in the tests.
#include <catch2/catch.hpp>

#include <cmath>
#include <initializer_list>
#include <limits>
#include <string>
#include <vector>

#include <tapegrad/core/core.hpp>

#include "close_to.hpp"

using namespace tapegrad;
using tapegrad::testing::check_close;

namespace {

// Returns a double parameter of `shape` with entries of magnitude in
// [low, high) and, unless `positive`, random sign. Keeping magnitudes away
// from 0 keeps divisors and pow bases well conditioned, and random entries
// make ties in maximum and minimum practically impossible.
Tensor<double> random_parameter(const Shape& shape, Generator& generator, double low = 0.5,
                                double high = 2.0, bool positive = false) {
  Array<double> value = xt::empty<double>(shape);
  for (auto& entry : value) {
    const double magnitude = generator.uniform(low, high);
    entry = positive || generator.below(2) == 0 ? magnitude : -magnitude;
  }
  return parameter(std::move(value));
}

// Returns `values` as a column [n, 1]. A braced {{2}, {-1}} is ambiguous
// between a column and a vector, so columns are built this way.
template <class T>
Array<T> column(std::initializer_list<T> values) {
  Array<T> array(values);
  array.reshape(Shape{values.size(), 1});
  return array;
}

struct BroadcastCase {
  const char* name;
  Shape lhs;
  Shape rhs;
};

// Every broadcast pattern, each also run with the operands swapped.
const std::vector<BroadcastCase> broadcast_cases = {
    {"same shape", {2, 3}, {2, 3}},
    {"vector", {4}, {4}},
    {"0-D scalar", {2, 3}, {}},
    {"both 0-D", {}, {}},
    {"row [1, 3]", {2, 3}, {1, 3}},
    {"column [2, 1]", {2, 3}, {2, 1}},
    {"row and column", {2, 1}, {1, 3}},
    {"leading 1", {1, 2, 3}, {4, 2, 3}},
    {"rank mismatch [3]", {4, 2, 3}, {3}},
    {"rank mismatch [2, 3]", {4, 2, 3}, {2, 3}},
    {"rank mismatch, both stretched", {2, 1, 3}, {4, 1}},
};

}  // namespace

TEMPLATE_TEST_CASE("add broadcasts a row", "[core][elementwise]", float, double) {
  // [[1, 2], [3, 4]] + [10, 20] = [[11, 22], [13, 24]]. The row's gradient is
  // the column sums of G = [[1, 2], [3, 4]]: [4, 6].
  using T = TestType;
  Tensor<T> a = parameter<T>({{1, 2}, {3, 4}});
  Tensor<T> b = parameter<T>({10, 20});
  Tensor<T> y = a + b;
  backward(y, Tensor<T>{{1, 2}, {3, 4}});

  CHECK(y.value() == Array<T>{{11, 22}, {13, 24}});
  CHECK(a.grad() == Array<T>{{1, 2}, {3, 4}});
  CHECK(b.grad() == Array<T>{4, 6});
}

TEMPLATE_TEST_CASE("sub broadcasts a row", "[core][elementwise]", float, double) {
  // [[1, 2], [3, 4]] - [10, 20] = [[-9, -18], [-7, -16]], and d/db = -[4, 6].
  using T = TestType;
  Tensor<T> a = parameter<T>({{1, 2}, {3, 4}});
  Tensor<T> b = parameter<T>({10, 20});
  Tensor<T> y = a - b;
  backward(y, Tensor<T>{{1, 2}, {3, 4}});

  CHECK(y.value() == Array<T>{{-9, -18}, {-7, -16}});
  CHECK(a.grad() == Array<T>{{1, 2}, {3, 4}});
  CHECK(b.grad() == Array<T>{-4, -6});
}

TEMPLATE_TEST_CASE("mul broadcasts a column", "[core][elementwise]", float, double) {
  // [[1, 2], [3, 4]] * [[2], [-1]] = [[2, 4], [-3, -4]]. With G = [[1, 2], [3, 4]]:
  // da = G * b = [[2, 4], [-3, -4]], db = row sums of G * a = [[1 + 4], [9 + 16]].
  using T = TestType;
  Tensor<T> a = parameter<T>({{1, 2}, {3, 4}});
  Tensor<T> b = parameter(column<T>({2, -1}));
  Tensor<T> y = a * b;
  backward(y, Tensor<T>{{1, 2}, {3, 4}});

  CHECK(y.value() == Array<T>{{2, 4}, {-3, -4}});
  CHECK(a.grad() == Array<T>{{2, 4}, {-3, -4}});
  CHECK(b.grad() == column<T>({5, 25}));
}

TEMPLATE_TEST_CASE("div matches hand values", "[core][elementwise]", float, double) {
  // [1, -2, 3] / [2, 4, -0.5] = [0.5, -0.5, -6]. With G = [1, 1, 2]:
  // da = G / b = [0.5, 0.25, -4], db = -G a / b^2 = [-0.25, 0.125, -24].
  using T = TestType;
  Tensor<T> a = parameter<T>({1, -2, 3});
  Tensor<T> b = parameter<T>({2, 4, -0.5});
  Tensor<T> y = a / b;
  backward(y, Tensor<T>{1, 1, 2});

  CHECK(y.value() == Array<T>{0.5, -0.5, -6});
  CHECK(a.grad() == Array<T>{0.5, 0.25, -4});
  CHECK(b.grad() == Array<T>{-0.25, 0.125, -24});
}

TEMPLATE_TEST_CASE("pow matches PyTorch", "[core][elementwise]", float, double) {
  // [2, 3, 0.5] ** [3, 2, -1] = [8, 9, 2]; da = b a^(b - 1) = [12, 6, -4];
  // db = a^b ln a, from PyTorch (see the file header).
  using T = TestType;
  Tensor<T> a = parameter<T>({2, 3, 0.5});
  Tensor<T> b = parameter<T>({3, 2, -1});
  Tensor<T> y = tapegrad::pow(a, b);
  backward(sum(y));

  check_close(y.value(), Array<double>{8, 9, 2});
  check_close(a.grad(), Array<double>{12, 6, -4});
  check_close(b.grad(),
              Array<double>{5.5451774444795623, 9.8875105980129874, -1.3862943611198906});
}

TEMPLATE_TEST_CASE("pow at base 0 matches PyTorch", "[core][elementwise]", float, double) {
  // PyTorch: torch.pow(zeros(4), [2, 1, 0.5, 0]) = [0, 0, 0, 1] with
  // da = [0, 1, inf, 0] and db = [0, 0, 0, 0]: 0 * log(0) is taken as 0, and
  // the exponent 0 gives da = 0, not 0 * 0^-1 = NaN.
  using T = TestType;
  const T inf = std::numeric_limits<T>::infinity();
  Tensor<T> a = parameter<T>({0, 0, 0, 0});
  Tensor<T> b = parameter<T>({2, 1, 0.5, 0});
  Tensor<T> y = tapegrad::pow(a, b);
  backward(sum(y));

  CHECK(y.value() == Array<T>{0, 0, 0, 1});
  CHECK(a.grad() == Array<T>{0, 1, inf, 0});
  CHECK(b.grad() == Array<T>{0, 0, 0, 0});
}

TEMPLATE_TEST_CASE("pow at base 0, negative exponent", "[core][elementwise]", float, double) {
  // PyTorch: 0 ** -1 = inf, da = -1 * 0^-2 = -inf, db = inf * log(0) = -inf.
  // The other exponents follow the same signs: 0^b = inf, b 0^(b - 1) = -inf.
  // Four entries make xtensor take its SIMD path, one entry the scalar path.
  using T = TestType;
  const T inf = std::numeric_limits<T>::infinity();
  Tensor<T> a = parameter<T>({0, 0, 0, 0});
  Tensor<T> b = parameter<T>({-1, -2, -0.5, -3});
  Tensor<T> single_a = parameter<T>({0});
  Tensor<T> single_b = parameter<T>({-1});
  Tensor<T> y = tapegrad::pow(a, b);
  Tensor<T> single = tapegrad::pow(single_a, single_b);
  backward(sum(y) + sum(single));

  CHECK(y.value() == Array<T>{inf, inf, inf, inf});
  CHECK(a.grad() == Array<T>{-inf, -inf, -inf, -inf});
  CHECK(b.grad() == Array<T>{-inf, -inf, -inf, -inf});
  CHECK(single.value() == Array<T>{inf});
  CHECK(single_a.grad() == Array<T>{-inf});
  CHECK(single_b.grad() == Array<T>{-inf});
}

TEMPLATE_TEST_CASE("maximum splits ties in half", "[core][elementwise]", float, double) {
  // max([1, 3, 2], [2, 1, 2]) = [2, 3, 2]. With G = [1, 2, 4] the larger side
  // takes G and the tie at index 2 gives each side 4 / 2 = 2 (torch.maximum
  // does the same).
  using T = TestType;
  Tensor<T> a = parameter<T>({1, 3, 2});
  Tensor<T> b = parameter<T>({2, 1, 2});
  Tensor<T> y = maximum(a, b);
  backward(y, Tensor<T>{1, 2, 4});

  CHECK(y.value() == Array<T>{2, 3, 2});
  CHECK(a.grad() == Array<T>{0, 2, 2});
  CHECK(b.grad() == Array<T>{1, 0, 2});
}

TEMPLATE_TEST_CASE("minimum splits ties in half", "[core][elementwise]", float, double) {
  // min([1, 3, 2], [2, 1, 2]) = [1, 1, 2]. With G = [1, 2, 4], a gets [1, 0, 2].
  using T = TestType;
  Tensor<T> a = parameter<T>({1, 3, 2});
  Tensor<T> b = parameter<T>({2, 1, 2});
  Tensor<T> y = minimum(a, b);
  backward(y, Tensor<T>{1, 2, 4});

  CHECK(y.value() == Array<T>{1, 1, 2});
  CHECK(a.grad() == Array<T>{1, 0, 2});
  CHECK(b.grad() == Array<T>{0, 2, 2});
}

TEMPLATE_TEST_CASE("maximum with a scalar is relu", "[core][elementwise]", float, double) {
  // max([-1, 0, 2], 0) = [0, 0, 2], and the tie at 0 gives x half of G = 3.
  using T = TestType;
  Tensor<T> x = parameter<T>({-1, 0, 2});
  Tensor<T> y = maximum(x, 0.0);
  backward(y, Tensor<T>{5, 3, 7});

  CHECK(y.value() == Array<T>{0, 0, 2});
  CHECK(x.grad() == Array<T>{0, 1.5, 7});
}

TEMPLATE_TEST_CASE("maximum and minimum propagate NaN", "[core][elementwise]", float, double) {
  using T = TestType;
  const T nan = std::numeric_limits<T>::quiet_NaN();
  Tensor<T> a = constant<T>({nan, 1});
  Tensor<T> b = constant<T>({1, nan});

  for (const Tensor<T>& y : {maximum(a, b), minimum(a, b), maximum(b, a), minimum(b, a)}) {
    CHECK(std::isnan(y.value()(0)));
    CHECK(std::isnan(y.value()(1)));
  }
}

TEMPLATE_TEST_CASE("neg flips value and gradient", "[core][elementwise]", float, double) {
  using T = TestType;
  Tensor<T> x = parameter<T>({1, -2});
  Tensor<T> y = -x;
  backward(y, Tensor<T>{3, 5});

  CHECK(y.value() == Array<T>{-1, 2});
  CHECK(x.grad() == Array<T>{-3, -5});
}

TEMPLATE_TEST_CASE("operators take scalars on either side", "[core][elementwise]", float,
                   double) {
  // x = [1, 2, 4], each result summed, so each gradient is d/dx of one entry.
  using T = TestType;
  struct Case {
    std::string name;
    Tensor<T> (*apply)(const Tensor<T>&);
    Array<T> value;
    Array<T> grad;
  };
  const std::vector<Case> cases = {
      {"x + 1", [](const Tensor<T>& x) { return x + 1; }, {2, 3, 5}, {1, 1, 1}},
      {"1 + x", [](const Tensor<T>& x) { return 1 + x; }, {2, 3, 5}, {1, 1, 1}},
      {"x - 1", [](const Tensor<T>& x) { return x - 1.0; }, {0, 1, 3}, {1, 1, 1}},
      {"3 - x", [](const Tensor<T>& x) { return 3.0 - x; }, {2, 1, -1}, {-1, -1, -1}},
      {"x * 2", [](const Tensor<T>& x) { return x * 2; }, {2, 4, 8}, {2, 2, 2}},
      {"2 * x", [](const Tensor<T>& x) { return 2.0f * x; }, {2, 4, 8}, {2, 2, 2}},
      {"x / 2", [](const Tensor<T>& x) { return x / 2.0; }, {0.5, 1, 2}, {0.5, 0.5, 0.5}},
      // d/dx 8 / x = -8 / x^2
      {"8 / x", [](const Tensor<T>& x) { return 8.0 / x; }, {8, 4, 2}, {-8, -2, -0.5}},
      // d/dx x^2 = 2x
      {"pow(x, 2)", [](const Tensor<T>& x) { return tapegrad::pow(x, 2.0); }, {1, 4, 16},
       {2, 4, 8}},
      {"maximum(x, 2)", [](const Tensor<T>& x) { return maximum(x, 2.0); }, {2, 2, 4},
       {0, 0.5, 1}},
      {"minimum(2, x)", [](const Tensor<T>& x) { return minimum(2.0, x); }, {1, 2, 2},
       {1, 0.5, 0}},
      {"add(1, x)", [](const Tensor<T>& x) { return add(1, x); }, {2, 3, 5}, {1, 1, 1}},
      {"mul(x, -1)", [](const Tensor<T>& x) { return mul(x, -1); }, {-1, -2, -4}, {-1, -1, -1}},
  };
  for (const Case& c : cases) {
    INFO(c.name);
    Tensor<T> x = parameter<T>({1, 2, 4});
    Tensor<T> y = c.apply(x);
    backward(sum(y));
    CHECK(y.value() == c.value);
    CHECK(x.grad() == c.grad);
    CHECK(Tape<T>::current().size() == 0);
  }
}

TEST_CASE("pow with a scalar base matches PyTorch", "[core][elementwise]") {
  // PyTorch: torch.pow(2.0, x) for x = [1, 2, 4] is [2, 4, 16], and the
  // gradient of its sum is 2^x ln 2.
  Tensor<double> x = parameter<double>({1, 2, 4});
  Tensor<double> y = tapegrad::pow(2.0, x);
  backward(sum(y));

  check_close(y.value(), Array<double>{2, 4, 16});
  check_close(x.grad(),
              Array<double>{1.3862943611198906, 2.7725887222397811, 11.090354888959125});
}

TEST_CASE("elementwise ops reject bad broadcasts", "[core][elementwise]") {
  Tensor<double> a = zeros<double>({2, 3});
  Tensor<double> b = zeros<double>({4});

  CHECK_THROWS_WITH(add(a, b), "add: shapes cannot be broadcast together: lhs [2, 3], rhs [4]");
  CHECK_THROWS_AS(sub(a, b), std::invalid_argument);
  CHECK_THROWS_AS(mul(b, a), std::invalid_argument);
  CHECK_THROWS_AS(div(a, zeros<double>({3, 3})), std::invalid_argument);
  CHECK_THROWS_WITH(maximum(a, zeros<double>({2, 2})),
                    "maximum: shapes cannot be broadcast together: lhs [2, 3], rhs [2, 2]");
}

TEST_CASE("elementwise gradients pass gradcheck", "[core][elementwise][gradcheck]") {
  struct Op {
    const char* name;
    Tensor<double> (*apply)(const Tensor<double>&, const Tensor<double>&);
    // Whether the lhs and rhs must be positive: pow's base, div's divisor.
    bool positive_lhs;
    bool positive_rhs;
  };
  const std::vector<Op> ops = {
      {"add", [](const Tensor<double>& a, const Tensor<double>& b) { return a + b; }, false,
       false},
      {"sub", [](const Tensor<double>& a, const Tensor<double>& b) { return a - b; }, false,
       false},
      {"mul", [](const Tensor<double>& a, const Tensor<double>& b) { return a * b; }, false,
       false},
      {"div", [](const Tensor<double>& a, const Tensor<double>& b) { return a / b; }, false,
       true},
      {"pow", [](const Tensor<double>& a, const Tensor<double>& b) { return tapegrad::pow(a, b); }, true,
       false},
      {"maximum", [](const Tensor<double>& a, const Tensor<double>& b) { return maximum(a, b); },
       false, false},
      {"minimum", [](const Tensor<double>& a, const Tensor<double>& b) { return minimum(a, b); },
       false, false},
  };
  Generator generator(11);
  for (const Op& op : ops) {
    for (const BroadcastCase& shapes : broadcast_cases) {
      for (const bool swapped : {false, true}) {
        const Shape& lhs_shape = swapped ? shapes.rhs : shapes.lhs;
        const Shape& rhs_shape = swapped ? shapes.lhs : shapes.rhs;
        INFO(op.name << " " << shapes.name << ": lhs " << format_shape(lhs_shape) << ", rhs "
                     << format_shape(rhs_shape));
        Tensor<double> lhs =
            random_parameter(lhs_shape, generator, 0.5, 2.0, op.positive_lhs);
        Tensor<double> rhs =
            random_parameter(rhs_shape, generator, 0.5, 2.0, op.positive_rhs);

        const auto report = check_gradients(
            [&op](const std::vector<Tensor<double>>& in) { return op.apply(in[0], in[1]); },
            {lhs, rhs});
        CHECK(report);
      }
    }
  }
}

TEST_CASE("neg passes gradcheck", "[core][elementwise][gradcheck]") {
  Generator generator(12);
  for (const Shape& shape : {Shape{}, Shape{3}, Shape{2, 3}, Shape{2, 1, 3}}) {
    INFO("shape " << format_shape(shape));
    Tensor<double> x = random_parameter(shape, generator);
    CHECK(check_gradients([](const auto& in) { return -in[0]; }, {x}));
  }
}
