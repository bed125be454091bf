// Module and Sequential: dotted parameter names, printing, train/eval
// switching, zero_grad and forward order.
#include <catch2/catch.hpp>

#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <tapegrad/core/core.hpp>
#include <tapegrad/layers/dense.hpp>
#include <tapegrad/layers/dropout.hpp>
#include <tapegrad/layers/sequential.hpp>

using namespace tapegrad;

namespace {

std::vector<std::string> names_of(const Module<float>& module) {
  std::vector<std::string> names;
  for (const auto& [name, tensor] : module.named_parameters()) {
    names.push_back(name);
  }
  return names;
}

// A user-defined module with its own parameter and a child, written the way
// the Module documentation shows: y = scale * dense(x).
class ScaledDense : public Module<float> {
 public:
  ScaledDense()
      : dense_(std::make_shared<Dense<float>>(2, 2, Activation::none, 5)),
        scale_(parameter<float>({3.0f})) {}
  Tensor<float> forward(const Tensor<float>& input) override {
    return mul(dense_->forward(input), scale_);
  }
  NamedTensors own_parameters() const override { return {{"scale", scale_}}; }
  NamedModules named_children() const override { return {{"dense", dense_}}; }
  std::string to_string() const override { return to_string_with_children("ScaledDense"); }

 private:
  std::shared_ptr<Dense<float>> dense_;
  Tensor<float> scale_;
};

// A module that lists a child it never created.
class NullChild : public Module<float> {
 public:
  Tensor<float> forward(const Tensor<float>& input) override { return input; }
  NamedModules named_children() const override { return {{"missing", nullptr}}; }
};

}  // namespace

TEST_CASE("sequential names parameters by position", "[layers][module]") {
  Sequential<float> model{std::make_shared<Dense<float>>(4, 3, Activation::relu, 1),
                          std::make_shared<Dropout<float>>(0.5),
                          std::make_shared<Dense<float>>(3, 2, Activation::none, 2)};

  CHECK(names_of(model) ==
        std::vector<std::string>{"0.weight", "0.bias", "2.weight", "2.bias"});
  const auto parameters = model.parameters();
  REQUIRE(parameters.size() == 4);
  CHECK(parameters[0].shape() == Shape{3, 4});
  CHECK(parameters[3].shape() == Shape{2});
}

TEST_CASE("nested modules get dotted names", "[layers][module]") {
  auto inner = std::make_shared<Sequential<float>>();
  inner->add(std::make_shared<Dense<float>>(2, 2, Activation::none, 1))
      .add(std::make_shared<ScaledDense>());
  Sequential<float> outer{std::make_shared<Dense<float>>(2, 2, Activation::none, 2), inner};

  CHECK(names_of(outer) ==
        std::vector<std::string>{"0.weight", "0.bias", "1.0.weight", "1.0.bias", "1.1.scale",
                                 "1.1.dense.weight", "1.1.dense.bias"});
}

TEST_CASE("shared module parameters listed once", "[layers][module]") {
  // The same Dense twice, as in weight tying: an optimizer must see each
  // tensor once, or it would step it twice.
  auto shared = std::make_shared<Dense<float>>(2, 2, Activation::none, 1);
  Sequential<float> model{shared, shared};

  CHECK(names_of(model) == std::vector<std::string>{"0.weight", "0.bias"});
}

TEST_CASE("named parameters share tensors with layer", "[layers][module]") {
  auto dense = std::make_shared<Dense<float>>(2, 2, Activation::none, 1);
  Sequential<float> model{dense};

  auto parameters = model.parameters();
  parameters[0].mutable_value() = Array<float>{{1, 2}, {3, 4}};

  CHECK(dense->weight().value() == Array<float>{{1, 2}, {3, 4}});
}

TEST_CASE("sequential prints nested modules", "[layers][module]") {
  auto inner = std::make_shared<Sequential<float>>();
  inner->add(std::make_shared<Dense<float>>(3, 2, Activation::none, 1));
  Sequential<float> model{std::make_shared<Dense<float>>(784, 3, Activation::relu, 1),
                          std::make_shared<Dropout<float>>(0.25), inner};

  const std::string expected =
      "Sequential(\n"
      "  (0): Dense(in=784, out=3, activation=relu)\n"
      "  (1): Dropout(p=0.25)\n"
      "  (2): Sequential(\n"
      "    (0): Dense(in=3, out=2, activation=none)\n"
      "  )\n"
      ")";
  CHECK(model.to_string() == expected);
  std::ostringstream printed;
  printed << model;
  CHECK(printed.str() == expected);
  CHECK(Sequential<float>().to_string() == "Sequential()");
}

TEST_CASE("user module prints with children", "[layers][module]") {
  CHECK(ScaledDense().to_string() ==
        "ScaledDense(\n  (dense): Dense(in=2, out=2, activation=none)\n)");
}

TEST_CASE("train and eval reach every submodule", "[layers][module]") {
  auto dropout = std::make_shared<Dropout<float>>(0.5);
  auto inner = std::make_shared<Sequential<float>>();
  inner->add(dropout);
  Sequential<float> model{inner};
  REQUIRE(model.is_training());
  REQUIRE(dropout->is_training());

  model.eval();
  CHECK_FALSE(model.is_training());
  CHECK_FALSE(inner->is_training());
  CHECK_FALSE(dropout->is_training());

  model.train();
  CHECK(model.is_training());
  CHECK(inner->is_training());
  CHECK(dropout->is_training());
}

TEST_CASE("zero_grad releases every parameter gradient", "[layers][module]") {
  ScaledDense model;
  Tensor<float> output = model.forward(Tensor<float>{1, 2});
  backward(output, Tensor<float>{1, 1});
  for (const auto& [name, tensor] : model.named_parameters()) {
    REQUIRE(tensor.has_grad());
  }

  model.zero_grad();

  for (const auto& [name, tensor] : model.named_parameters()) {
    INFO(name);
    CHECK_FALSE(tensor.has_grad());
  }
}

TEST_CASE("sequential runs modules in order", "[layers][module]") {
  // First layer: W1 = [[1, 0], [0, 2]], b1 = [0, 1]; second: W2 = [[1, 1]], b2 = [-1].
  // x = [3, 4]: h = [3, 9], y = [3 + 9 - 1] = [11]. The other order would not
  // even match shapes, so the value shows the order.
  auto first = std::make_shared<Dense<double>>(2, 2);
  first->weight().mutable_value() = Array<double>{{1, 0}, {0, 2}};
  first->bias().mutable_value() = Array<double>{0, 1};
  auto second = std::make_shared<Dense<double>>(2, 1);
  second->weight().mutable_value() = Array<double>{{1, 1}};
  second->bias().mutable_value() = Array<double>{-1};
  Sequential<double> model{first, second};

  CHECK(model(Tensor<double>{3, 4}).value() == Array<double>{11});
  CHECK(model.size() == 2);
  CHECK(model[1] == second);
}

TEST_CASE("empty sequential returns its input", "[layers][module]") {
  Sequential<float> model;
  Tensor<float> input{1, 2};

  CHECK(model.forward(input).value() == Array<float>{1, 2});
  CHECK(model.parameters().empty());
}

TEST_CASE("sequential rejects null modules", "[layers][module]") {
  Sequential<float> model;

  CHECK_THROWS_AS(model.add(nullptr), std::invalid_argument);
  CHECK_THROWS_AS(Sequential<float>({std::make_shared<Dropout<float>>(), nullptr}),
                  std::invalid_argument);
  CHECK_THROWS_AS(model[0], std::out_of_range);
}

TEST_CASE("null child raises naming its path", "[layers][module]") {
  NullChild module;

  CHECK_THROWS_WITH(module.named_parameters(), Catch::Contains("'missing'"));
  CHECK_THROWS_AS(module.eval(), std::logic_error);
}
