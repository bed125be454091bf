// Flatten: output shapes for each start axis, value order, the gradient's
// shape and use in front of a Dense layer.
#include <catch2/catch.hpp>

#include <memory>

#include <xtensor/xbuilder.hpp>

#include <tapegrad/core/core.hpp>
#include <tapegrad/layers/layers.hpp>

using namespace tapegrad;

namespace {

// Returns a [2, 3, 2] parameter containing 0, 1, ..., 11 in row-major order.
Tensor<double> counting_tensor() {
  Array<double> values = xt::arange<double>(12.0);
  values.reshape({2, 3, 2});
  return parameter<double>(std::move(values));
}

}  // namespace

TEST_CASE("flatten keeps the batch axis", "[layers][flatten]") {
  // [2, 3, 2] -> [2, 6]: row 0 contains 0..5 and row 1 contains 6..11, in order.
  Flatten<double> layer;

  Tensor<double> y = layer(counting_tensor());

  CHECK(y.value() == Array<double>{{0, 1, 2, 3, 4, 5}, {6, 7, 8, 9, 10, 11}});
}

TEST_CASE("flatten start axis 0 and negative", "[layers][flatten]") {
  CHECK(Flatten<double>(0)(counting_tensor()).shape() == Shape{12});
  CHECK(Flatten<double>(-2)(counting_tensor()).shape() == Shape{2, 6});
  CHECK(Flatten<double>(2)(counting_tensor()).shape() == Shape{2, 3, 2});
}

TEST_CASE("flatten gradient has input shape", "[layers][flatten]") {
  // The gradient of a reshape is the upstream gradient reshaped back: with
  // g = 0..11 as [2, 6], dL/dx is 0..11 as [2, 3, 2].
  Flatten<double> layer;
  Tensor<double> x = counting_tensor();

  Tensor<double> y = layer(x);
  Array<double> upstream = xt::arange<double>(12.0);
  upstream.reshape({2, 6});
  backward(y, Tensor<double>(upstream));

  CHECK(x.grad() == x.value());
}

TEST_CASE("flatten prints its start axis", "[layers][flatten]") {
  CHECK(Flatten<float>().to_string() == "Flatten(start_axis=1)");
  CHECK(Flatten<float>(-2).to_string() == "Flatten(start_axis=-2)");
  CHECK(Flatten<float>().parameters().empty());
}

TEST_CASE("flatten then dense passes gradient check", "[layers][gradcheck]") {
  Sequential<double> model{std::make_shared<Flatten<double>>(),
                           std::make_shared<Dense<double>>(6, 2, Activation::none, 3)};
  const Tensor<double> images = counting_tensor().detach();

  const LayerGradCheckReport report = check_layer_gradients(model, images);

  INFO(report);
  CHECK(report.passed);
  CHECK(report.input.inputs.at(0).shape == Shape{2, 3, 2});
}
