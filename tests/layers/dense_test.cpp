// Dense: the worked example through the layer, input checks, printing and the
// default initialization.
//
// Worked example, x = [2, 3], W = [[1, 2], [0, -1]], b = [1, -1]:
//   y = W x + b = [1*2 + 2*3 + 1, 0*2 - 1*3 - 1] = [9, -4], relu(y) = [9, 0].
// With dL/dy' = [0.5, -0.2] after relu, the relu mask [1, 0] gives
// dL/dy = [0.5, 0], so by hand:
//   dL/dx = W^T [0.5, 0] = [0.5, 1.0]
//   dL/dW = [0.5, 0]^T [2, 3] = [[1, 1.5], [0, 0]]
//   dL/db = [0.5, 0]
// Every number is exact in binary floating point, so the checks are exact.
#include <catch2/catch.hpp>

#include <cmath>
#include <sstream>
#include <stdexcept>
#include <string>

#include <xtensor/xsort.hpp>

#include <tapegrad/core/core.hpp>
#include <tapegrad/layers/dense.hpp>

using namespace tapegrad;

namespace {

template <class T>
void set_worked_example(Dense<T>& layer) {
  layer.weight().mutable_value() = Array<T>{{1, 2}, {0, -1}};
  layer.bias().mutable_value() = Array<T>{1, -1};
}

// Returns the message of the std::invalid_argument that `call` raises.
template <class F>
std::string invalid_argument_message(F&& call) {
  try {
    call();
  } catch (const std::invalid_argument& error) {
    return error.what();
  }
  FAIL("no std::invalid_argument was raised");
  return "";
}

}  // namespace

TEMPLATE_TEST_CASE("dense layer reproduces worked example", "[layers][dense]", float, double) {
  using T = TestType;
  Dense<T> layer(2, 2, Activation::relu);
  set_worked_example(layer);
  Tensor<T> x = parameter<T>({2, 3});

  Tensor<T> output = layer.forward(x);
  REQUIRE(output.value() == Array<T>{9, 0});

  backward(output, Tensor<T>{T(0.5), T(-0.2)});

  CHECK(x.grad() == Array<T>{0.5, 1.0});
  CHECK(layer.weight().grad() == Array<T>{{1, 1.5}, {0, 0}});
  CHECK(layer.bias().grad() == Array<T>{0.5, 0});
  CHECK(Tape<T>::current().size() == 0);
}

TEMPLATE_TEST_CASE("dense layer pre-activation is W x + b", "[layers][dense]", float, double) {
  // Without the activation the output is y itself: [9, -4].
  using T = TestType;
  Dense<T> layer(2, 2);
  set_worked_example(layer);

  Tensor<T> y = layer(Tensor<T>{2, 3});

  CHECK(y.value() == Array<T>{9, -4});
}

TEMPLATE_TEST_CASE("dense layer worked example as batch", "[layers][dense]", float, double) {
  // The same numbers on a batch of one, [1, 2]: Y = X W^T + b.
  using T = TestType;
  Dense<T> layer(2, 2, Activation::relu);
  set_worked_example(layer);
  Tensor<T> x = parameter<T>({{2, 3}});

  Tensor<T> output = layer.forward(x);
  REQUIRE(output.value() == Array<T>{{9, 0}});

  backward(output, Tensor<T>{{T(0.5), T(-0.2)}});

  CHECK(x.grad() == Array<T>{{0.5, 1.0}});
  CHECK(layer.weight().grad() == Array<T>{{1, 1.5}, {0, 0}});
  CHECK(layer.bias().grad() == Array<T>{0.5, 0});
}

TEMPLATE_TEST_CASE("dense batch sums parameter gradients", "[layers][dense]", float, double) {
  // Two rows, x1 = [2, 3] and x2 = [1, 0], through W, b of the worked example:
  //   y1 = [9, -4] -> relu [9, 0];  y2 = [1*1 + 2*0 + 1, 0 - 0 - 1] = [2, -1] -> [2, 0].
  // Upstream gradients g1 = [0.5, -0.2], g2 = [1, 1], masked to [0.5, 0] and [1, 0]:
  //   dL/dW = [0.5, 0]^T [2, 3] + [1, 0]^T [1, 0] = [[1 + 1, 1.5 + 0], [0, 0]] = [[2, 1.5], [0, 0]]
  //   dL/db = [0.5 + 1, 0] = [1.5, 0]
  //   dL/dX = [[0.5, 1.0], [1 * 1 + 0 * 0, 1 * 2 + 0 * -1]] = [[0.5, 1], [1, 2]]
  using T = TestType;
  Dense<T> layer(2, 2, Activation::relu);
  set_worked_example(layer);
  Tensor<T> x = parameter<T>({{2, 3}, {1, 0}});

  Tensor<T> output = layer.forward(x);
  REQUIRE(output.value() == Array<T>{{9, 0}, {2, 0}});

  backward(output, Tensor<T>{{T(0.5), T(-0.2)}, {T(1), T(1)}});

  CHECK(x.grad() == Array<T>{{0.5, 1}, {1, 2}});
  CHECK(layer.weight().grad() == Array<T>{{2, 1.5}, {0, 0}});
  CHECK(layer.bias().grad() == Array<T>{1.5, 0});
}

TEST_CASE("dense rejects wrong input width", "[layers][dense]") {
  Dense<float> layer(2, 3, Activation::relu);

  const std::string vector_message =
      invalid_argument_message([&] { layer.forward(Tensor<float>{1, 2, 3}); });
  CHECK_THAT(vector_message, Catch::Contains("Dense(in=2, out=3, activation=relu)"));
  CHECK_THAT(vector_message, Catch::Contains("got [3]"));
  CHECK_THAT(vector_message, Catch::Contains("[3, 2]"));

  const std::string batch_message =
      invalid_argument_message([&] { layer.forward(zeros<float>({4, 5})); });
  CHECK_THAT(batch_message, Catch::Contains("got [4, 5]"));
  CHECK_THAT(batch_message, Catch::Contains("[N, 2]"));
}

TEST_CASE("dense rejects inputs of rank 0 or 3", "[layers][dense]") {
  Dense<double> layer(2, 2);

  CHECK_THROWS_AS(layer.forward(zeros<double>({})), std::invalid_argument);
  CHECK_THROWS_AS(layer.forward(zeros<double>({1, 1, 2})), std::invalid_argument);
}

TEST_CASE("dense rejects zero widths", "[layers][dense]") {
  CHECK_THROWS_AS(Dense<float>(0, 3), std::invalid_argument);
  CHECK_THROWS_AS(Dense<float>(3, 0), std::invalid_argument);
}

TEST_CASE("dense names and prints parameters", "[layers][dense]") {
  Dense<float> hidden(784, 256, Activation::relu);
  Dense<float> logits(256, 10);

  CHECK(hidden.to_string() == "Dense(in=784, out=256, activation=relu)");
  CHECK(logits.to_string() == "Dense(in=256, out=10, activation=none)");
  std::ostringstream printed;
  printed << hidden;
  CHECK(printed.str() == "Dense(in=784, out=256, activation=relu)");

  const auto named = hidden.named_parameters();
  REQUIRE(named.size() == 2);
  CHECK(named[0].first == "weight");
  CHECK(named[1].first == "bias");
  CHECK(named[0].second.shape() == Shape{256, 784});
  CHECK(named[1].second.shape() == Shape{256});
  CHECK(named[0].second.requires_grad());
  CHECK(named[0].second.is_leaf());
}

TEST_CASE("dense default initialization is He uniform", "[layers][dense]") {
  // He uniform bound sqrt(6 / in) = sqrt(6 / 400) ~ 0.1225; the biases start at 0.
  const double bound = std::sqrt(6.0 / 400.0);
  Dense<double> layer(400, 300, Activation::relu, 7);

  const Array<double>& weight = layer.weight().value();
  CHECK(xt::amax(weight)() < bound);
  CHECK(xt::amin(weight)() >= -bound);
  // 120,000 draws: the extremes come within 0.1% of the bound unless the
  // scale is wrong (the chance of missing it by chance is about e^-60).
  CHECK(xt::amax(weight)() > 0.999 * bound);
  CHECK(xt::amin(weight)() < -0.999 * bound);
  CHECK(layer.bias().value() == Array<double>(xt::zeros<double>({300})));
}

TEST_CASE("dense seed reproduces weights", "[layers][dense]") {
  Dense<float> first(5, 4, Activation::none, 11);
  Dense<float> same(5, 4, Activation::none, 11);
  Dense<float> other(5, 4, Activation::none, 12);

  CHECK(first.weight().value() == same.weight().value());
  CHECK(first.weight().value() != other.weight().value());
}

TEST_CASE("dense layers sharing generator differ", "[layers][dense]") {
  Generator generator(3);
  Dense<float> first(5, 4, generator);
  Dense<float> second(5, 4, generator);

  CHECK(first.weight().value() != second.weight().value());
}

TEST_CASE("dense forward without grad records nothing", "[layers][dense]") {
  Dense<float> layer(3, 2, Activation::relu);
  const std::size_t nodes_before = Tape<float>::current().size();

  NoGradGuard no_grad;
  Tensor<float> output = layer.forward(ones<float>({4, 3}));

  CHECK(output.shape() == Shape{4, 2});
  CHECK_FALSE(output.requires_grad());
  CHECK(Tape<float>::current().size() == nodes_before);
}
