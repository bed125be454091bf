// Layers given inputs of the wrong shape, empty batches, NaN and Inf, and
// invalid settings.
//
// Decisions:
// - A wrong input shape raises std::invalid_argument naming the layer, the
//   expected and the actual shape.
// - An empty batch [0, in] gives an empty output [0, out]; the parameters'
//   gradients sum over no samples, so they are exactly 0.
// - A NaN or Inf in one sample reaches only that sample's output row, and
//   every parameter gradient it feeds, as in PyTorch.
// - Settings outside their range, NaN included, raise std::invalid_argument
//   at construction.
#include <catch2/catch.hpp>

#include <cmath>
#include <memory>
#include <vector>

#include <tapegrad/core/core.hpp>
#include <tapegrad/layers/layers.hpp>

#include "bad_input.hpp"

using namespace tapegrad;
using namespace tapegrad::testing;

TEST_CASE("dense rejects wrong input shapes", "[reliability][layers]") {
  Dense<float> dense(3, 2, Activation::relu, 1);
  check_rejects(
      [&] {
        dense(parameter<float>(Array<float>(Shape{4, 5}, 1.0f)));
      },
      {"Dense(in=3, out=2", "[4, 5]", "[N, 3]"});
  check_rejects([&] { dense(parameter<float>(Array<float>(Shape{2}, 1.0f))); },
                {"Dense(in=3, out=2", "[2]"});
  check_rejects(
      [&] {
        dense(parameter<float>(Array<float>(Shape{2, 4, 3}, 1.0f)));
      },
      {"Dense(in=3, out=2", "[2, 4, 3]"});
  check_rejects([&] { dense(parameter<float>(Array<float>(1.0f))); }, {"Dense(in=3, out=2", "[]"});

  // The error names the layer that failed inside a Sequential.
  auto model = MLP<float>({3, 4, 2}, 1);
  check_rejects(
      [&] {
        (*model)(parameter<float>(Array<float>(Shape{1, 5}, 1.0f)));
      },
      {"Dense(in=3, out=4", "[1, 5]"});
}

TEST_CASE("layers on an empty batch", "[reliability][layers]") {
  auto model =
      std::make_shared<Sequential<float>>(std::initializer_list<std::shared_ptr<Module<float>>>{
          std::make_shared<Dense<float>>(3, 4, Activation::relu, 1),
          std::make_shared<Dropout<float>>(0.5, 2), std::make_shared<Tanh<float>>(),
          std::make_shared<Dense<float>>(4, 2, Activation::none, 3),
          std::make_shared<Softmax<float>>()});
  const Tensor<float> batch = parameter<float>(Array<float>(Shape{0, 3}));
  const Tensor<float> output = (*model)(batch);
  CHECK(to_shape(output.shape()) == Shape{0, 2});
  backward(sum(output));
  for (const auto& [name, tensor] : model->named_parameters()) {
    INFO("parameter " << name);
    const Array<float>& grad = tensor.grad();
    REQUIRE(to_shape(grad.shape()) == to_shape(tensor.shape()));
    for (const float entry : grad) {
      CHECK(entry == 0.0f);
    }
  }
}

TEST_CASE("dense keeps NaN in its sample", "[reliability][layers]") {
  // Weights 1 and bias 0: each output is the sum of the sample's inputs.
  // Sample 0 contains a NaN and sample 1 an inf, so their rows are NaN and inf;
  // sample 2 is finite: 1 + 2 + 3 = 6.
  Dense<double> dense(3, 2);
  dense.weight().mutable_value().fill(1.0);
  const Tensor<double> batch =
      constant<double>(Array<double>{{quiet_nan, 1, 2}, {inf, 1, 2}, {1, 2, 3}});
  const Tensor<double> output = dense(batch);
  check_values(output.value(), Shape{3, 2}, {quiet_nan, quiet_nan, inf, inf, 6, 6});

  // d sum(output)/d bias = 3 per output, however bad the inputs, as in
  // PyTorch; the weight gradient sums each input column over the batch, so
  // column 0 is nan + inf + 1 = NaN and columns 1 and 2 are 4 and 7.
  backward(sum(output));
  check_values(dense.bias().grad(), {3, 3});
  check_values(dense.weight().grad(), Shape{2, 3}, {quiet_nan, 4, 7, quiet_nan, 4, 7});
}

TEST_CASE("layers reject invalid settings", "[reliability][layers]") {
  check_rejects([] { Dense<float> layer(0, 2); }, {"Dense:", "in=0"});
  check_rejects([] { Dense<float> layer(2, 0); }, {"Dense:", "out=0"});
  check_rejects([] { Dropout<float> layer(quiet_nan); }, {"Dropout:", "nan"});
  check_rejects([] { Dropout<float> layer(-0.1); }, {"Dropout:", "-0.1"});
  check_rejects([] { Dropout<float> layer(1.5); }, {"Dropout:", "1.5"});
  check_rejects([] { LeakyReLU<float> layer(inf); }, {"LeakyReLU:", "inf"});
  check_rejects([] { MLP<float>({784}); }, {"MLP:"});
  check_rejects([] { MLP<float>({784, 0, 10}); }, {"MLP:", "[784, 0, 10]"});
  Sequential<float> chain;
  check_rejects([&] { chain.add(nullptr); }, {"Sequential::add"});

  const Tensor<float> x = parameter<float>(Array<float>(Shape{2, 3}, 1.0f));
  Softmax<float> softmax_layer(2);
  check_rejects([&] { softmax_layer(x); }, {"softmax:", "axis 2", "[2, 3]"});
  Flatten<float> flatten_layer(3);
  check_rejects([&] { flatten_layer(x); }, {"flatten:", "3", "[2, 3]"});
}

TEST_CASE("empty sequential returns its input", "[reliability][layers]") {
  // An empty nn.Sequential in PyTorch is the identity too.
  Sequential<float> chain;
  Tensor<float> x = parameter<float>(Array<float>{1, 2});
  const Tensor<float> y = chain(x);
  check_values(y.value(), {1, 2});
  backward(sum(y));
  check_values(x.grad(), {1, 1});
}

TEST_CASE("dense rejects a weight too large to count", "[reliability][layers]") {
  const std::size_t big = std::size_t{1} << 32;
  check_rejects([&] { Dense<float> layer(big, big); }, {"Dense:", "[4294967296, 4294967296]"});
}
