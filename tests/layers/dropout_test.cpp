// Dropout: train/eval switching, drop statistics, seeding, the gradient mask
// and the checks on p.
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <stdexcept>

#include <xtensor/xbuilder.hpp>
#include <xtensor/xmath.hpp>
#include <xtensor/xoperation.hpp>

#include <tapegrad/core/core.hpp>
#include <tapegrad/layers/dropout.hpp>

using namespace tapegrad;

namespace {

constexpr std::size_t sample_size = 100000;

// Each entry is dropped with probability p independently, so the dropped
// fraction has standard deviation sqrt(p (1 - p) / n) = 0.00145 for p = 0.3
// and n = 100,000; 0.01 is about 7 standard deviations.
constexpr double fraction_tolerance = 0.01;

// An output entry is 0 or 1 / (1 - p), with variance p / (1 - p) = 0.43 for
// p = 0.3, so the mean of n entries has standard deviation 0.0021; 0.015 is
// about 7 standard deviations.
constexpr double mean_tolerance = 0.015;

template <class T>
double dropped_fraction(const Array<T>& output) {
  std::size_t zeros = 0;
  for (T entry : output) {
    zeros += entry == T(0) ? 1 : 0;
  }
  return static_cast<double>(zeros) / static_cast<double>(output.size());
}

}  // namespace

TEMPLATE_TEST_CASE("dropout statistics match p", "[layers][dropout]", float, double) {
  using T = TestType;
  Dropout<T> dropout(0.3, 17);
  const T kept_value = static_cast<T>(1.0 / 0.7);

  Tensor<T> output = dropout.forward(ones<T>({sample_size}));

  CHECK(dropped_fraction(output.value()) == Approx(0.3).margin(fraction_tolerance));
  CHECK(xt::mean(output.value())() == Approx(1.0).margin(mean_tolerance));
  // Survivors carry exactly the inverted scale 1 / (1 - p).
  std::size_t other_values = 0;
  for (T entry : output.value()) {
    other_values += entry != T(0) && entry != kept_value ? 1 : 0;
  }
  CHECK(other_values == 0);
}

TEST_CASE("dropout active only in training", "[layers][dropout]") {
  Dropout<float> dropout(0.5, 1);
  Tensor<float> input = ones<float>({1000});

  dropout.eval();
  Tensor<float> evaluated = dropout.forward(input);
  CHECK(evaluated.value() == input.value());

  dropout.train();
  Tensor<float> trained = dropout.forward(input);
  CHECK(trained.value() != input.value());
  CHECK(dropped_fraction(trained.value()) > 0.0);
}

TEST_CASE("dropout seed reproduces masks", "[layers][dropout]") {
  Dropout<double> first(0.5, 7);
  Dropout<double> same(0.5, 7);
  Dropout<double> other(0.5, 8);
  Tensor<double> input = ones<double>({200});

  const Array<double> first_mask = first.forward(input).value();
  CHECK(same.forward(input).value() == first_mask);
  CHECK(other.forward(input).value() != first_mask);
  // The generator advances, so the next call draws a new mask.
  CHECK(first.forward(input).value() != first_mask);
}

TEMPLATE_TEST_CASE("dropout gradient is the mask", "[layers][dropout]", float, double) {
  // y = x * m, so dL/dx = grad_out * m. With x = 1 and grad_out = 1 the
  // gradient equals the output: 0 where dropped, 1 / (1 - p) elsewhere.
  using T = TestType;
  Dropout<T> dropout(0.5, 3);
  Tensor<T> x = parameter<T>(xt::ones<T>({64}));

  Tensor<T> output = dropout.forward(x);
  backward(output, ones<T>({64}));

  CHECK(x.grad() == output.value());
}

TEST_CASE("dropout p of 0 and 1", "[layers][dropout]") {
  Tensor<float> input{1, -2, 3};

  CHECK(Dropout<float>(0.0).forward(input).value() == input.value());
  CHECK(Dropout<float>(1.0).forward(input).value() == Array<float>{0, 0, 0});
}

TEST_CASE("dropout rejects p outside 0 to 1", "[layers][dropout]") {
  CHECK_THROWS_AS(Dropout<float>(-0.1), std::invalid_argument);
  CHECK_THROWS_AS(Dropout<float>(1.5), std::invalid_argument);
  CHECK_THROWS_AS(Dropout<float>(std::numeric_limits<double>::quiet_NaN()),
                  std::invalid_argument);
  CHECK_THROWS_WITH(Dropout<float>(2.0), Catch::Contains("got 2"));
}

TEST_CASE("dropout prints its probability", "[layers][dropout]") {
  CHECK(Dropout<float>().to_string() == "Dropout(p=0.5)");
  CHECK(Dropout<float>(0.125).to_string() == "Dropout(p=0.125)");
}
