// Activation layers: each applies its op, passes the gradient back and
// prints its name. The ops themselves are tested in tests/core.
#include <catch2/catch.hpp>

#include <cmath>
#include <stdexcept>

#include <tapegrad/core/core.hpp>
#include <tapegrad/layers/activation.hpp>

using namespace tapegrad;

namespace {

// Sigmoid and tanh values below are exact in real arithmetic; float rounding
// of log(3) and log(2) stays within a few ulps.
constexpr double value_tolerance = 1e-6;

}  // namespace

TEMPLATE_TEST_CASE("relu layer values and gradient", "[layers][activation]", float, double) {
  // relu([-1, 0, 2]) = [0, 0, 2]; the gradient is 1 only where x > 0 (0 at the kink).
  using T = TestType;
  ReLU<T> layer;
  Tensor<T> x = parameter<T>({-1, 0, 2});

  Tensor<T> y = layer(x);
  backward(y, Tensor<T>{1, 1, 1});

  CHECK(y.value() == Array<T>{0, 0, 2});
  CHECK(x.grad() == Array<T>{0, 0, 1});
}

TEMPLATE_TEST_CASE("leaky relu layer uses its slope", "[layers][activation]", float, double) {
  // Slope 0.25 on [-2, 3]: [-0.5, 3], gradient [0.25, 1]; all exact.
  using T = TestType;
  LeakyReLU<T> layer(0.25);
  Tensor<T> x = parameter<T>({-2, 3});

  Tensor<T> y = layer(x);
  backward(y, Tensor<T>{1, 1});

  CHECK(y.value() == Array<T>{-0.5, 3});
  CHECK(x.grad() == Array<T>{0.25, 1});
}

TEMPLATE_TEST_CASE("sigmoid layer values and gradient", "[layers][activation]", float,
                   double) {
  // sigmoid(0) = 1/2 with derivative 1/4; sigmoid(ln 3) = 3 / (3 + 1) = 3/4 with
  // derivative 3/4 * 1/4 = 3/16.
  using T = TestType;
  Sigmoid<T> layer;
  Tensor<T> x = parameter<T>({0, static_cast<T>(std::log(3.0))});

  Tensor<T> y = layer(x);
  backward(y, Tensor<T>{1, 1});

  CHECK(y.value()(0) == Approx(0.5).margin(value_tolerance));
  CHECK(y.value()(1) == Approx(0.75).margin(value_tolerance));
  CHECK(x.grad()(0) == Approx(0.25).margin(value_tolerance));
  CHECK(x.grad()(1) == Approx(0.1875).margin(value_tolerance));
}

TEMPLATE_TEST_CASE("tanh layer values and gradient", "[layers][activation]", float, double) {
  // tanh(0) = 0 with derivative 1; tanh(ln 2) = (2 - 1/2) / (2 + 1/2) = 0.6 with
  // derivative 1 - 0.36 = 0.64.
  using T = TestType;
  Tanh<T> layer;
  Tensor<T> x = parameter<T>({0, static_cast<T>(std::log(2.0))});

  Tensor<T> y = layer(x);
  backward(y, Tensor<T>{1, 1});

  CHECK(y.value()(0) == Approx(0.0).margin(value_tolerance));
  CHECK(y.value()(1) == Approx(0.6).margin(value_tolerance));
  CHECK(x.grad()(0) == Approx(1.0).margin(value_tolerance));
  CHECK(x.grad()(1) == Approx(0.64).margin(value_tolerance));
}

TEST_CASE("activation layers print and have no parameters", "[layers][activation]") {
  CHECK(ReLU<float>().to_string() == "ReLU()");
  CHECK(LeakyReLU<float>().to_string() == "LeakyReLU(slope=0.01)");
  CHECK(LeakyReLU<float>(0.2).to_string() == "LeakyReLU(slope=0.2)");
  CHECK(Sigmoid<float>().to_string() == "Sigmoid()");
  CHECK(Tanh<float>().to_string() == "Tanh()");
  CHECK(ReLU<float>().parameters().empty());
  CHECK(LeakyReLU<double>().parameters().empty());
}

TEST_CASE("leaky relu rejects non-finite slope", "[layers][activation]") {
  CHECK_THROWS_AS(LeakyReLU<float>(std::nan("")), std::invalid_argument);
  CHECK_THROWS_AS(LeakyReLU<float>(INFINITY), std::invalid_argument);
}

TEMPLATE_TEST_CASE("softmax layer values and gradient", "[layers][activation]", float, double) {
  // softmax([0, ln 3]) = [1, 3] / 4 = [0.25, 0.75]. Its backward is
  // dx = y * (g - sum(g * y)); with g = [1, 0], sum(g * y) = 0.25, so
  // dx = [0.25 * 0.75, 0.75 * -0.25] = [0.1875, -0.1875].
  using T = TestType;
  Softmax<T> layer;
  Tensor<T> x = parameter<T>({{0, static_cast<T>(std::log(3.0))}});

  Tensor<T> y = layer(x);
  backward(y, Tensor<T>{{1, 0}});

  CHECK(y.value()(0, 0) == Approx(0.25).margin(value_tolerance));
  CHECK(y.value()(0, 1) == Approx(0.75).margin(value_tolerance));
  CHECK(x.grad()(0, 0) == Approx(0.1875).margin(value_tolerance));
  CHECK(x.grad()(0, 1) == Approx(-0.1875).margin(value_tolerance));
}

TEST_CASE("softmax layer normalizes along its axis", "[layers][activation]") {
  // Along axis 0 the columns of [[0, 0], [ln 3, 0]] become [0.25, 0.75] and [0.5, 0.5].
  Softmax<double> layer(0);

  Tensor<double> y = layer(Tensor<double>{{0, 0}, {std::log(3.0), 0}});

  CHECK(y.value()(0, 0) == Approx(0.25).margin(value_tolerance));
  CHECK(y.value()(1, 0) == Approx(0.75).margin(value_tolerance));
  CHECK(y.value()(0, 1) == Approx(0.5).margin(value_tolerance));
  CHECK(y.value()(1, 1) == Approx(0.5).margin(value_tolerance));
  CHECK(layer.to_string() == "Softmax(axis=0)");
  CHECK(Softmax<float>().to_string() == "Softmax(axis=-1)");
}
