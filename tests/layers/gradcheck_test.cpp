// check_layer_gradients: passes on layers composed of ops (Dense, an MLP, a
// user-defined gated residual block) and fails, at the right parameter and
// entry, on a layer whose custom op has a deliberately wrong backward.
#include <catch2/catch.hpp>

#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <tapegrad/core/core.hpp>
#include <tapegrad/core/custom_op.hpp>
#include <tapegrad/layers/layers.hpp>

using namespace tapegrad;

namespace {

// y = x + tanh(A x) * sigmoid(G x): a residual block whose update is gated,
// made only of ops, so its backward is the tape's.
template <class T>
class GatedResidual : public Module<T> {
 public:
  GatedResidual(std::size_t width, Generator& generator)
      : update_(std::make_shared<Dense<T>>(width, width, generator)),
        gate_(std::make_shared<Dense<T>>(width, width, generator)) {}

  Tensor<T> forward(const Tensor<T>& x) override {
    return add(x, mul(tanh(update_->forward(x)), sigmoid(gate_->forward(x))));
  }
  typename Module<T>::NamedModules named_children() const override {
    return {{"update", update_}, {"gate", gate_}};
  }
  std::string to_string() const override { return this->to_string_with_children("GatedResidual"); }

 private:
  std::shared_ptr<Dense<T>> update_;
  std::shared_ptr<Dense<T>> gate_;
};

// y = x * w elementwise for x [3] and w [3], through a custom op whose
// backward is right for x but triples dL/dw at entry `wrong_entry`.
class WrongScale : public Module<double> {
 public:
  explicit WrongScale(std::size_t wrong_entry)
      : weight_(parameter<double>({0.5, -1.5, 2.0})), wrong_entry_(wrong_entry) {}

  Tensor<double> forward(const Tensor<double>& x) override {
    const Tensor<double> weight = weight_;
    const std::size_t wrong_entry = wrong_entry_;
    Array<double> value = x.value() * weight.value();
    return custom_op<double>(
        "wrong_scale", std::move(value), {x, weight},
        [x, weight, wrong_entry](const Array<double>& grad_out) {
          Array<double> dx = grad_out * weight.value();
          Array<double> dweight = grad_out * x.value();
          dweight(wrong_entry) *= 3.0;
          return std::vector<Array<double>>{dx, dweight};
        });
  }
  NamedTensors own_parameters() const override { return {{"weight", weight_}}; }
  std::string to_string() const override { return "WrongScale()"; }

 private:
  Tensor<double> weight_;
  std::size_t wrong_entry_;
};

}  // namespace

TEMPLATE_TEST_CASE("dense layer passes gradient check", "[layers][gradcheck]", float, double) {
  using T = TestType;
  Dense<T> layer(3, 2, Activation::none, 4);

  const LayerGradCheckReport vector_report =
      check_layer_gradients(layer, Tensor<T>{T(0.5), T(-1.25), T(2)});
  INFO(vector_report);
  CHECK(vector_report.passed);

  const LayerGradCheckReport batch_report =
      check_layer_gradients(layer, Tensor<T>{{T(0.5), T(-1.25), T(2)}, {T(1), T(0), T(-0.75)}});
  INFO(batch_report);
  CHECK(batch_report.passed);
  REQUIRE(batch_report.parameters.size() == 2);
  CHECK(batch_report.parameters[0].first == "weight");
  CHECK(batch_report.parameters[1].first == "bias");
  CHECK(batch_report.input.checked_entries == 6);
  CHECK(batch_report.parameter("weight").checked_entries == 6);
  CHECK(batch_report.parameter("bias").checked_entries == 2);
}

TEST_CASE("relu dense passes gradient check", "[layers][gradcheck]") {
  // Pre-activations W x + b with b = [1, -1, 0.5, -0.5] and |W x| <= 0.3 stay
  // at least 0.2 away from the kink at 0.
  Dense<double> layer(2, 4, Activation::relu, 6);
  layer.weight().mutable_value() = Array<double>{{0.1, -0.2}, {0.3, 0.0}, {-0.1, 0.1}, {0.2, 0.1}};
  layer.bias().mutable_value() = Array<double>{1, -1, 0.5, -0.5};

  const LayerGradCheckReport report = check_layer_gradients(layer, Tensor<double>{0.5, 1.0});

  INFO(report);
  CHECK(report.passed);
}

TEMPLATE_TEST_CASE("mlp passes gradient check", "[layers][gradcheck]", float, double) {
  using T = TestType;
  auto model = MLP<T>({3, 5, 4, 2}, 11);
  const Tensor<T> batch{{T(0.3), T(-0.7), T(1.1)}, {T(-1.2), T(0.4), T(0.9)}};

  const LayerGradCheckReport report = check_layer_gradients(*model, batch);

  INFO(report);
  CHECK(report.passed);
  CHECK(report.failed().empty());
  std::vector<std::string> names;
  for (const auto& [name, check] : report.parameters) {
    names.push_back(name);
  }
  CHECK(names == std::vector<std::string>{"0.weight", "0.bias", "2.weight", "2.bias", "4.weight",
                                          "4.bias"});
}

TEST_CASE("gated residual block passes gradient check", "[layers][gradcheck]") {
  Generator generator(21);
  GatedResidual<double> block(3, generator);
  const Tensor<double> batch{{0.2, -0.4, 0.8}, {1.0, 0.5, -0.3}};

  const LayerGradCheckReport report = check_layer_gradients(block, batch);

  INFO(report);
  CHECK(report.passed);
  REQUIRE(report.parameters.size() == 4);
  CHECK(report.parameters[0].first == "update.weight");
  CHECK(report.parameters[3].first == "gate.bias");
}

TEST_CASE("wrong custom backward fails at its entry", "[layers][gradcheck]") {
  // In Sequential(Dense(2, 3), WrongScale) only dL/dw of the custom op is
  // wrong, and only at entry 1, so exactly `1.weight` [1] must fail. dL/dx
  // of the custom op is right, so the input and the Dense parameters pass.
  Sequential<double> model{std::make_shared<Dense<double>>(2, 3, Activation::none, 8),
                           std::make_shared<WrongScale>(1)};

  const LayerGradCheckReport report = check_layer_gradients(model, Tensor<double>{0.75, -0.5});

  INFO(report);
  CHECK_FALSE(report.passed);
  CHECK_FALSE(static_cast<bool>(report));
  CHECK(report.failed() == std::vector<std::string>{"1.weight"});
  const GradCheckReport& weight = report.parameter("1.weight");
  REQUIRE(weight.failures.size() == 1);
  CHECK(weight.failures[0].index == Shape{1});
  // The analytic value is three times the true one.
  CHECK(weight.failures[0].analytic == Approx(3.0 * weight.failures[0].numeric).epsilon(1e-6));
  CHECK(report.input.passed);
  CHECK(report.parameter("0.weight").passed);
  CHECK(report.parameter("0.bias").passed);
}

TEST_CASE("layer report prints each check by name", "[layers][gradcheck]") {
  WrongScale layer(2);

  const LayerGradCheckReport report = check_layer_gradients(layer, Tensor<double>{1, 2, 3});
  std::ostringstream printed;
  printed << report;

  CHECK_THAT(printed.str(),
             Catch::StartsWith("layer gradient check FAILED: 1 of 2 checks failed (weight)"));
  CHECK_THAT(printed.str(), Catch::Contains("\n  layer: WrongScale()\n"));
  CHECK_THAT(printed.str(), Catch::Contains("\n  input: gradient check passed"));
  CHECK_THAT(printed.str(), Catch::Contains("\n  weight: gradient check FAILED"));
  CHECK_THROWS_WITH(report.parameter("bias"), Catch::Contains("weight"));
}

TEST_CASE("gradient check rejects training dropout", "[layers][gradcheck]") {
  Sequential<double> model{std::make_shared<Dense<double>>(3, 3, Activation::none, 1),
                           std::make_shared<Dropout<double>>(0.5, 2)};
  const Tensor<double> input{0.5, -0.5, 1.0};

  CHECK_THROWS_WITH(check_layer_gradients(model, input), Catch::Contains("eval()"));

  model.eval();
  const LayerGradCheckReport report = check_layer_gradients(model, input);
  INFO(report);
  CHECK(report.passed);
}

TEST_CASE("gradient check leaves layer unchanged", "[layers][gradcheck]") {
  Dense<double> layer(2, 2, Activation::none, 3);
  const Array<double> weight_before = layer.weight().value();
  const std::size_t nodes_before = Tape<double>::current().size();

  check_layer_gradients(layer, Tensor<double>{1, 2});

  CHECK(layer.weight().value() == weight_before);
  CHECK_FALSE(layer.weight().has_grad());
  CHECK(Tape<double>::current().size() == nodes_before);
}
