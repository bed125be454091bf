// Tests of the elementwise unary ops: values and gradients against PyTorch or
// hand computation, stability at ±1000, and the documented kinks.
//
// The PyTorch references come from /usr/bin/python3 (torch 1.13) in float64:
//   import torch; F = torch.nn.functional
//   x = torch.tensor([-2., -0.5, 0.5, 3.], dtype=torch.float64, requires_grad=True)
//   g = torch.tensor([1., 2., -1., 0.5], dtype=torch.float64)
//   y = torch.tanh(x); y.backward(g)  # likewise exp, sigmoid, F.softplus
//   print([f"{v:.17g}" for v in y.tolist()], [f"{v:.17g}" for v in x.grad.tolist()])
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>

#include <xtensor/xbuilder.hpp>

#include <tapegrad/core/core.hpp>

#include "close_to.hpp"

using namespace tapegrad;
using tapegrad::testing::check_close;

namespace {

// Inputs and upstream gradient shared by the PyTorch references above.
template <class T>
Tensor<T> smooth_input() {
  return parameter<T>({-2, -0.5, 0.5, 3});
}
template <class T>
Tensor<T> smooth_grad_out() {
  return Tensor<T>{1, 2, -1, 0.5};
}

// Signs of the entries `away_from_zero` draws.
enum class Signs { mixed, positive };

// Returns a parameter of `shape` with magnitudes uniform in [0.2, 2), each
// negative with probability 1/2 for Signs::mixed. Every entry stays 0.2 from
// the kinks of abs, relu and leaky_relu and from the domain edge of log and
// sqrt, far beyond the finite-difference step.
template <class T>
Tensor<T> away_from_zero(const Shape& shape, Signs signs, Generator& generator) {
  Array<T> values = xt::empty<T>(shape);
  for (T& value : values) {
    value = static_cast<T>(generator.uniform(0.2, 2.0));
    if (signs == Signs::mixed && generator.uniform() < 0.5) {
      value = -value;
    }
  }
  return parameter<T>(values);
}

template <class T>
bool all_finite(const Array<T>& values) {
  for (T value : values) {
    if (!std::isfinite(value)) {
      return false;
    }
  }
  return true;
}

}  // namespace

TEMPLATE_TEST_CASE("exp matches PyTorch", "[core][unary]", float, double) {
  using T = TestType;
  Tensor<T> x = smooth_input<T>();
  Tensor<T> y = tapegrad::exp(x);
  backward(y, smooth_grad_out<T>());
  check_close(y.value(), Array<double>{0.1353352832366127, 0.60653065971263342,
                                       1.6487212707001282, 20.085536923187668});
  check_close(x.grad(), Array<double>{0.1353352832366127, 1.2130613194252668,
                                      -1.6487212707001282, 10.042768461593834});
}

TEMPLATE_TEST_CASE("tanh matches PyTorch", "[core][unary]", float, double) {
  using T = TestType;
  Tensor<T> x = smooth_input<T>();
  Tensor<T> y = tapegrad::tanh(x);
  backward(y, smooth_grad_out<T>());
  check_close(y.value(), Array<double>{-0.9640275800758169, -0.46211715726000974,
                                       0.46211715726000974, 0.99505475368673046});
  check_close(x.grad(), Array<double>{0.070650824853164429, 1.5728954659318548,
                                      -0.7864477329659274, 0.0049330185827200831});
}

TEMPLATE_TEST_CASE("sigmoid matches PyTorch", "[core][unary]", float, double) {
  using T = TestType;
  Tensor<T> x = smooth_input<T>();
  Tensor<T> y = sigmoid(x);
  backward(y, smooth_grad_out<T>());
  check_close(y.value(), Array<double>{0.11920292202211755, 0.37754066879814541,
                                       0.62245933120185459, 0.95257412682243336});
  check_close(x.grad(), Array<double>{0.10499358540350651, 0.47000742440318899,
                                      -0.23500371220159449, 0.022588329865455999});
}

TEMPLATE_TEST_CASE("softplus matches PyTorch", "[core][unary]", float, double) {
  using T = TestType;
  Tensor<T> x = smooth_input<T>();
  Tensor<T> y = softplus(x);
  backward(y, smooth_grad_out<T>());
  check_close(y.value(), Array<double>{0.12692801104297249, 0.47407698418010669,
                                       0.97407698418010669, 3.0485873515737421});
  check_close(x.grad(), Array<double>{0.11920292202211755, 0.75508133759629092,
                                      -0.62245933120185459, 0.47628706341121663});
}

TEMPLATE_TEST_CASE("log hand values", "[core][unary]", float, double) {
  using T = TestType;
  Tensor<T> x = parameter<T>({0.25, 1, 4});
  Tensor<T> y = tapegrad::log(x);
  backward(y, Tensor<T>{1, 2, -1});
  // log(1/4) = -2 log 2 = -1.3862943611198906 (PyTorch float64 agrees)
  check_close(y.value(), Array<double>{-1.3862943611198906, 0, 1.3862943611198906});
  // grad_out / x = [1 / 0.25, 2 / 1, -1 / 4]
  check_close(x.grad(), Array<double>{4, 2, -0.25});
}

TEMPLATE_TEST_CASE("sqrt hand values", "[core][unary]", float, double) {
  using T = TestType;
  Tensor<T> x = parameter<T>({0.25, 1, 4});
  Tensor<T> y = tapegrad::sqrt(x);
  backward(y, Tensor<T>{1, 2, -1});
  CHECK(y.value() == Array<T>{0.5, 1, 2});
  // grad_out / (2 sqrt(x)) = [1 / 1, 2 / 2, -1 / 4]
  CHECK(x.grad() == Array<T>{1, 1, -0.25});
}

TEMPLATE_TEST_CASE("abs kink at zero", "[core][unary]", float, double) {
  using T = TestType;
  Tensor<T> x = parameter<T>({-2, 0, 3});
  Tensor<T> y = tapegrad::abs(x);
  backward(y, Tensor<T>{5, 5, 5});
  CHECK(y.value() == Array<T>{2, 0, 3});
  // 5 * sign(x), with sign(0) = 0 as torch.abs gives
  CHECK(x.grad() == Array<T>{-5, 0, 5});
}

TEMPLATE_TEST_CASE("relu kink at zero", "[core][unary]", float, double) {
  using T = TestType;
  Tensor<T> x = parameter<T>({-1, 0, 2});
  Tensor<T> y = relu(x);
  backward(y, Tensor<T>{5, 5, 5});
  CHECK(y.value() == Array<T>{0, 0, 2});
  // relu'(0) = 0, as torch.relu gives
  CHECK(x.grad() == Array<T>{0, 0, 5});
}

TEMPLATE_TEST_CASE("leaky_relu kink at zero", "[core][unary]", float, double) {
  // torch.nn.functional.leaky_relu(x, 0.25) on [-2., 0., 3.] in float64 gives
  // gradients [0.25, 0.25, 1.]: the slope at 0 (default slope 0.01 likewise).
  using T = TestType;
  Tensor<T> x = parameter<T>({-2, 0, 3});
  Tensor<T> y = leaky_relu(x, 0.25);
  backward(y, Tensor<T>{4, 4, 4});
  CHECK(y.value() == Array<T>{-0.5, 0, 3});
  CHECK(x.grad() == Array<T>{1, 1, 4});

  Tensor<T> z = parameter<T>({-2, 0, 3});
  Tensor<T> default_slope = leaky_relu(z);
  backward(default_slope, Tensor<T>{1, 1, 1});
  check_close(default_slope.value(), Array<double>{-0.02, 0, 3});
  check_close(z.grad(), Array<double>{0.01, 0.01, 1});
}

TEMPLATE_TEST_CASE("saturating ops stable at 1000", "[core][unary]", float, double) {
  // Exact limits: tanh(±1000) = ±1 and sigmoid(±1000) = 0 or 1 in any
  // precision, so the gradients 1 - y^2 and y (1 - y) are exactly 0;
  // softplus(1000) = 1000 + log(1 + e^-1000) rounds to 1000, gradient 1.
  using T = TestType;
  const Array<T> extremes{-1000, 1000};

  Tensor<T> x_tanh = parameter<T>(extremes);
  Tensor<T> y_tanh = tapegrad::tanh(x_tanh);
  backward(sum(y_tanh));
  CHECK(y_tanh.value() == Array<T>{-1, 1});
  CHECK(x_tanh.grad() == Array<T>{0, 0});

  Tensor<T> x_sigmoid = parameter<T>(extremes);
  Tensor<T> y_sigmoid = sigmoid(x_sigmoid);
  backward(sum(y_sigmoid));
  CHECK(y_sigmoid.value() == Array<T>{0, 1});
  CHECK(x_sigmoid.grad() == Array<T>{0, 0});

  Tensor<T> x_softplus = parameter<T>(extremes);
  Tensor<T> y_softplus = softplus(x_softplus);
  backward(sum(y_softplus));
  CHECK(y_softplus.value() == Array<T>{0, 1000});
  CHECK(x_softplus.grad() == Array<T>{0, 1});
}

TEMPLATE_TEST_CASE("saturating ops finite in between", "[core][unary]", float, double) {
  // Inputs where a naive e^-x or e^x overflows float (|x| > 88.7) or double
  // (|x| > 709.8) still give finite values and gradients.
  using T = TestType;
  const Array<T> large{-800, -100, -90, 90, 100, 800};
  for (auto op : {&tapegrad::tanh<T>, &sigmoid<T>, &softplus<T>}) {
    Tensor<T> x = parameter<T>(large);
    Tensor<T> y = op(x, SourceLocation::current());
    backward(sum(y));
    CHECK(all_finite(y.value()));
    CHECK(all_finite(x.grad()));
  }
}

TEMPLATE_TEST_CASE("exp at extremes", "[core][unary]", float, double) {
  // e^-1000 underflows to 0 and e^1000 overflows to inf, as std::exp does.
  using T = TestType;
  const T inf = std::numeric_limits<T>::infinity();
  Tensor<T> x = parameter<T>({-1000, 1000});
  Tensor<T> y = tapegrad::exp(x);
  backward(sum(y));
  CHECK(y.value() == Array<T>{0, inf});
  CHECK(x.grad() == Array<T>{0, inf});
}

TEMPLATE_TEST_CASE("log and sqrt at zero", "[core][unary]", float, double) {
  // torch.log(0) = -inf with gradient inf; torch.sqrt(0) = 0 with gradient inf;
  // torch.log(-1) = nan.
  using T = TestType;
  const T inf = std::numeric_limits<T>::infinity();

  Tensor<T> x_log = parameter<T>({0, -1});
  Tensor<T> y_log = tapegrad::log(x_log);
  backward(sum(y_log));
  CHECK(y_log.value()(0) == -inf);
  CHECK(std::isnan(y_log.value()(1)));
  CHECK(x_log.grad()(0) == inf);
  CHECK(x_log.grad()(1) == T(-1));

  Tensor<T> x_sqrt = parameter<T>(Array<T>(T(0)));
  Tensor<T> y_sqrt = tapegrad::sqrt(x_sqrt);
  backward(y_sqrt);
  CHECK(y_sqrt.item() == T(0));
  CHECK(x_sqrt.grad()() == inf);
}

TEMPLATE_TEST_CASE("unary ops keep shape", "[core][unary]", float, double) {
  using T = TestType;
  Tensor<T> scalar = parameter<T>(Array<T>(T(0.5)));
  Tensor<T> matrix = parameter<T>(Array<T>(Shape{2, 3, 1}, T(0.5)));
  for (auto op : {&tapegrad::exp<T>, &tapegrad::log<T>, &tapegrad::sqrt<T>, &tapegrad::abs<T>,
                  &tapegrad::tanh<T>, &sigmoid<T>, &relu<T>, &softplus<T>}) {
    CHECK(op(scalar, SourceLocation::current()).dim() == 0);
    CHECK(to_shape(op(matrix, SourceLocation::current()).shape()) == Shape{2, 3, 1});
  }
  CHECK(to_shape(leaky_relu(matrix).shape()) == Shape{2, 3, 1});
  Tape<T>::current().clear();
}

TEMPLATE_TEST_CASE("unary ops on constants record nothing", "[core][unary]", float, double) {
  using T = TestType;
  const std::size_t before = Tape<T>::current().size();
  Tensor<T> x = constant<T>({1, 2});
  CHECK_FALSE(tapegrad::exp(x).requires_grad());
  CHECK_FALSE(sigmoid(x).requires_grad());
  CHECK_FALSE(leaky_relu(x).requires_grad());
  CHECK(Tape<T>::current().size() == before);
}

TEMPLATE_TEST_CASE("unary finite differences", "[core][unary][gradcheck]", float, double) {
  // For float inputs the checker evaluates the generic lambdas in double for
  // the numeric side, so only the analytic gradient is in float.
  using T = TestType;
  Generator generator(31);
  for (const Shape& shape : {Shape{}, Shape{5}, Shape{2, 3}, Shape{2, 1, 3}}) {
    INFO("x shape " << format_shape(shape));
    Tensor<T> mixed = away_from_zero<T>(shape, Signs::mixed, generator);
    Tensor<T> positive = away_from_zero<T>(shape, Signs::positive, generator);

    REQUIRE(check_gradients([](const auto& in) { return tapegrad::exp(in[0]); }, {mixed}));
    REQUIRE(check_gradients([](const auto& in) { return tapegrad::log(in[0]); }, {positive}));
    REQUIRE(check_gradients([](const auto& in) { return tapegrad::sqrt(in[0]); }, {positive}));
    REQUIRE(check_gradients([](const auto& in) { return tapegrad::abs(in[0]); }, {mixed}));
    REQUIRE(check_gradients([](const auto& in) { return tapegrad::tanh(in[0]); }, {mixed}));
    REQUIRE(check_gradients([](const auto& in) { return sigmoid(in[0]); }, {mixed}));
    REQUIRE(check_gradients([](const auto& in) { return relu(in[0]); }, {mixed}));
    REQUIRE(check_gradients([](const auto& in) { return leaky_relu(in[0], 0.2); }, {mixed}));
    REQUIRE(check_gradients([](const auto& in) { return softplus(in[0]); }, {mixed}));
  }
}

TEST_CASE("saturating ops finite differences wide", "[core][unary][gradcheck]") {
  // Inputs with standard deviation 15 reach the flat tails, where the
  // gradients 1 - y^2 and y (1 - y) are tiny differences of rounded outputs.
  Generator generator(32);
  Tensor<double> x = parameter<double>(normal<double>({4, 5}, 0.0, 15.0, generator).value());
  REQUIRE(check_gradients([](const auto& in) { return tapegrad::tanh(in[0]); }, {x}));
  REQUIRE(check_gradients([](const auto& in) { return sigmoid(in[0]); }, {x}));
  REQUIRE(check_gradients([](const auto& in) { return softplus(in[0]); }, {x}));
}

TEMPLATE_TEST_CASE("unary ops composed with reuse", "[core][unary][gradcheck]", float, double) {
  // x feeds several ops, so its gradient is the sum over every path.
  using T = TestType;
  Generator generator(33);
  Tensor<T> x = away_from_zero<T>({3, 4}, Signs::positive, generator);
  auto composed = [](const auto& in) {
    const auto& u = in[0];
    return u * tapegrad::tanh(u) + sigmoid(u) * softplus(u) -
           tapegrad::log(tapegrad::sqrt(u) + tapegrad::exp(-u));
  };
  REQUIRE(check_gradients(composed, {x}));
}
