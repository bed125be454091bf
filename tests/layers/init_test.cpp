// Initializers: fans, bounds, sample mean and standard deviation, seeding.
//
// Expected scales come from the formulas in layers/init.hpp, worked by hand
// for each shape below.
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <stdexcept>

#include <xtensor/xbuilder.hpp>
#include <xtensor/xmath.hpp>
#include <xtensor/xsort.hpp>

#include <tapegrad/core/core.hpp>
#include <tapegrad/layers/init.hpp>

using namespace tapegrad;

namespace {

// The sample mean of n draws with standard deviation s has standard error
// s / sqrt(n); the checks allow 5 standard errors.
constexpr double mean_standard_errors = 5.0;

// The sample standard deviation of n >= 60,000 draws is within 0.3% of the
// true one for a normal and 0.2% for a uniform (one standard error); 2% is
// at least 7 standard errors.
constexpr double stddev_relative_tolerance = 0.02;

// For a normal, P(|x| < std) = 0.6827; the fraction over n = 131,072 draws
// has standard error 0.0013, and 0.01 is about 7 of them.
constexpr double one_sigma_fraction = 0.6827;
constexpr double fraction_tolerance = 0.01;

struct Moments {
  double mean;
  double stddev;
};

template <class T>
Moments moments_of(const Tensor<T>& tensor) {
  const Array<double> values = xt::cast<double>(tensor.value());
  const double mean = xt::mean(values)();
  const double variance = xt::mean(xt::square(values - mean))();
  return {mean, std::sqrt(variance)};
}

template <class T>
double fraction_within(const Tensor<T>& tensor, double bound) {
  std::size_t inside = 0;
  for (T entry : tensor.value()) {
    inside += std::abs(static_cast<double>(entry)) < bound ? 1 : 0;
  }
  return static_cast<double>(inside) / static_cast<double>(tensor.size());
}

template <class T>
void check_uniform(const Tensor<T>& tensor, double bound) {
  const double expected_stddev = bound / std::sqrt(3.0);
  const Moments moments = moments_of(tensor);
  const double mean_margin =
      mean_standard_errors * expected_stddev / std::sqrt(static_cast<double>(tensor.size()));
  CHECK(moments.mean == Approx(0.0).margin(mean_margin));
  CHECK(moments.stddev == Approx(expected_stddev).epsilon(stddev_relative_tolerance));
  // Rounding a draw to T may move it past the bound by one ulp.
  const double rounded_bound = bound * (1.0 + std::numeric_limits<T>::epsilon());
  CHECK(static_cast<double>(xt::amax(tensor.value())()) <= rounded_bound);
  CHECK(static_cast<double>(xt::amin(tensor.value())()) >= -rounded_bound);
  // Over 60,000 draws or more, a draw within 1% of each bound is all but
  // certain (a miss has probability below e^-300), which shows the scale.
  CHECK(static_cast<double>(xt::amax(tensor.value())()) > 0.99 * bound);
  CHECK(static_cast<double>(xt::amin(tensor.value())()) < -0.99 * bound);
}

template <class T>
void check_normal(const Tensor<T>& tensor, double expected_stddev) {
  const Moments moments = moments_of(tensor);
  const double mean_margin =
      mean_standard_errors * expected_stddev / std::sqrt(static_cast<double>(tensor.size()));
  CHECK(moments.mean == Approx(0.0).margin(mean_margin));
  CHECK(moments.stddev == Approx(expected_stddev).epsilon(stddev_relative_tolerance));
  CHECK(fraction_within(tensor, expected_stddev) ==
        Approx(one_sigma_fraction).margin(fraction_tolerance));
}

}  // namespace

TEST_CASE("fans of dense and convolution weights", "[layers][init]") {
  // Dense [out, in] = [3, 5]: fan_in 5, fan_out 3.
  const init::Fans dense = init::compute_fans({3, 5});
  CHECK(dense.fan_in == 5);
  CHECK(dense.fan_out == 3);
  // Convolution [16, 8, 3, 3]: receptive field 9, fan_in 8 * 9 = 72, fan_out 16 * 9 = 144.
  const init::Fans convolution = init::compute_fans({16, 8, 3, 3});
  CHECK(convolution.fan_in == 72);
  CHECK(convolution.fan_out == 144);
}

TEST_CASE("fans reject vectors and empty shapes", "[layers][init]") {
  CHECK_THROWS_AS(init::compute_fans({7}), std::invalid_argument);
  CHECK_THROWS_AS(init::compute_fans({}), std::invalid_argument);
  CHECK_THROWS_AS(init::compute_fans({0, 4}), std::invalid_argument);
  Tensor<float> bias = zeros<float>({4});
  Generator generator(1);
  CHECK_THROWS_WITH(init::kaiming_uniform(bias, generator),
                    Catch::Contains("kaiming_uniform") && Catch::Contains("[4]"));
}

TEMPLATE_TEST_CASE("xavier uniform bound and spread", "[layers][init]", float, double) {
  // [200, 300]: a = sqrt(6 / (300 + 200)) = 0.10954.
  using T = TestType;
  Tensor<T> weight = zeros<T>({200, 300});
  Generator generator(1);

  init::xavier_uniform(weight, generator);

  check_uniform(weight, std::sqrt(6.0 / 500.0));
}

TEMPLATE_TEST_CASE("xavier normal spread", "[layers][init]", float, double) {
  // [256, 512]: std = sqrt(2 / (512 + 256)) = 0.051031.
  using T = TestType;
  Tensor<T> weight = zeros<T>({256, 512});
  Generator generator(2);

  init::xavier_normal(weight, generator);

  check_normal(weight, std::sqrt(2.0 / 768.0));
}

TEMPLATE_TEST_CASE("kaiming uniform bound and spread", "[layers][init]", float, double) {
  // [256, 512], ReLU gain sqrt(2): a = sqrt(2) * sqrt(3 / 512) = sqrt(6 / 512) = 0.10825.
  using T = TestType;
  Tensor<T> weight = zeros<T>({256, 512});
  Generator generator(3);

  init::kaiming_uniform(weight, generator);

  check_uniform(weight, std::sqrt(6.0 / 512.0));
}

TEMPLATE_TEST_CASE("kaiming normal spread", "[layers][init]", float, double) {
  // [256, 512], ReLU gain sqrt(2): std = sqrt(2) / sqrt(512) = 0.0625.
  using T = TestType;
  Tensor<T> weight = zeros<T>({256, 512});
  Generator generator(4);

  init::kaiming_normal(weight, generator);

  check_normal(weight, 0.0625);
}

TEST_CASE("kaiming fan_out mode and gain", "[layers][init]") {
  // [256, 512] with fan_out = 256 and gain 1: the normal's std is 1 / sqrt(256) = 0.0625,
  // the uniform's bound sqrt(3 / 256) = 0.10825.
  Tensor<double> normal_weight = zeros<double>({256, 512});
  Tensor<double> uniform_weight = zeros<double>({256, 512});
  Generator generator(5);

  init::kaiming_normal(normal_weight, generator, 1.0, init::FanMode::fan_out);
  init::kaiming_uniform(uniform_weight, generator, 1.0, init::FanMode::fan_out);

  check_normal(normal_weight, 1.0 / 16.0);
  check_uniform(uniform_weight, std::sqrt(3.0 / 256.0));
}

TEST_CASE("xavier gain scales the bound", "[layers][init]") {
  // Gain 5/3 (tanh's in PyTorch) on [200, 300]: a = 5/3 * sqrt(6 / 500) = 0.18257.
  Tensor<double> weight = zeros<double>({200, 300});
  Generator generator(6);

  init::xavier_uniform(weight, generator, 5.0 / 3.0);

  check_uniform(weight, 5.0 / 3.0 * std::sqrt(6.0 / 500.0));
}

TEST_CASE("leaky relu gain formula", "[layers][init]") {
  // sqrt(2 / (1 + 0.01^2)) = sqrt(2 / 1.0001) = 1.4141428; slope 0 gives sqrt(2).
  CHECK(init::leaky_relu_gain(0.01) == Approx(1.4141428).epsilon(1e-7));
  CHECK(init::leaky_relu_gain(0.0) == Approx(init::relu_gain));
}

TEST_CASE("initializers reject negative gain", "[layers][init]") {
  Tensor<float> weight = zeros<float>({2, 2});
  Generator generator(1);

  CHECK_THROWS_AS(init::xavier_normal(weight, generator, -1.0), std::invalid_argument);
  CHECK_THROWS_AS(init::kaiming_normal(weight, generator, std::nan("")), std::invalid_argument);
}

TEST_CASE("initializer seed reproduces values", "[layers][init]") {
  Tensor<float> first = zeros<float>({8, 4});
  Tensor<float> same = zeros<float>({8, 4});
  Tensor<float> other = zeros<float>({8, 4});
  Generator first_generator(9);
  Generator same_generator(9);
  Generator other_generator(10);

  init::kaiming_normal(first, first_generator);
  init::kaiming_normal(same, same_generator);
  init::kaiming_normal(other, other_generator);

  CHECK(first.value() == same.value());
  CHECK(first.value() != other.value());
}

TEST_CASE("zeros and constant fill any rank", "[layers][init]") {
  Tensor<float> bias = ones<float>({3});
  Tensor<double> weight = zeros<double>({2, 2});

  init::zeros(bias);
  init::constant(weight, 0.25);

  CHECK(bias.value() == Array<float>{0, 0, 0});
  CHECK(weight.value() == Array<double>{{0.25, 0.25}, {0.25, 0.25}});
}

TEST_CASE("initializer keeps parameter a leaf", "[layers][init]") {
  Tensor<float> weight = parameter<float>(xt::zeros<float>({3, 3}));
  Generator generator(1);

  init::xavier_uniform(weight, generator);

  CHECK(weight.requires_grad());
  CHECK(weight.is_leaf());
  CHECK(weight.shape() == Shape{3, 3});
}
