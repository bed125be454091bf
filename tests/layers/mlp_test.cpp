// MLP: layer structure, parameter names, printing, shapes, seeding and a
// forward value worked by hand.
#include <catch2/catch.hpp>

#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include <tapegrad/core/core.hpp>
#include <tapegrad/layers/activation.hpp>
#include <tapegrad/layers/dense.hpp>
#include <tapegrad/layers/mlp.hpp>

using namespace tapegrad;

TEST_CASE("mlp alternates dense and relu", "[layers][mlp]") {
  auto model = MLP<float>({784, 256, 128, 10}, 42);

  REQUIRE(model->size() == 5);
  for (std::size_t index : {0, 2, 4}) {
    INFO("module " << index);
    auto dense = std::dynamic_pointer_cast<Dense<float>>((*model)[index]);
    REQUIRE(dense != nullptr);
    CHECK(dense->activation() == Activation::none);
  }
  CHECK(std::dynamic_pointer_cast<ReLU<float>>((*model)[1]) != nullptr);
  CHECK(std::dynamic_pointer_cast<ReLU<float>>((*model)[3]) != nullptr);
}

TEST_CASE("mlp names parameters like torch", "[layers][mlp]") {
  // torch.nn.Sequential(Linear(784, 256), ReLU(), Linear(256, 128), ReLU(),
  // Linear(128, 10)).state_dict() has the same keys and shapes.
  auto model = MLP<float>({784, 256, 128, 10}, 42);

  const auto named = model->named_parameters();
  REQUIRE(named.size() == 6);
  const std::vector<std::string> names = {"0.weight", "0.bias", "2.weight",
                                          "2.bias",   "4.weight", "4.bias"};
  const std::vector<Shape> shapes = {{256, 784}, {256}, {128, 256}, {128}, {10, 128}, {10}};
  for (std::size_t index = 0; index < named.size(); ++index) {
    INFO("parameter " << index);
    CHECK(named[index].first == names[index]);
    CHECK(named[index].second.shape() == shapes[index]);
  }
}

TEST_CASE("mlp prints its layers", "[layers][mlp]") {
  auto model = MLP<float>({784, 256, 128, 10}, 42);

  CHECK(model->to_string() ==
        "Sequential(\n"
        "  (0): Dense(in=784, out=256, activation=none)\n"
        "  (1): ReLU()\n"
        "  (2): Dense(in=256, out=128, activation=none)\n"
        "  (3): ReLU()\n"
        "  (4): Dense(in=128, out=10, activation=none)\n"
        ")");
}

TEST_CASE("mlp maps batch and vector shapes", "[layers][mlp]") {
  auto model = MLP<double>({6, 5, 3}, 1);

  CHECK(model->forward(ones<double>({4, 6})).shape() == Shape{4, 3});
  CHECK(model->forward(ones<double>({6})).shape() == Shape{3});
  CHECK_THROWS_AS(model->forward(ones<double>({4, 5})), std::invalid_argument);
}

TEST_CASE("mlp applies relu between layers", "[layers][mlp]") {
  // W1 = [[1, -1], [2, 0]], b1 = [0, 0], x = [1, 2]: h = [-1, 2], relu(h) = [0, 2].
  // W2 = [[3, 0.5]], b2 = [1]: y = 0 * 3 + 2 * 0.5 + 1 = 2. Without the ReLU,
  // y would be -3 + 1 + 1 = -1.
  auto model = MLP<double>({2, 2, 1}, 0);
  auto first = std::dynamic_pointer_cast<Dense<double>>((*model)[0]);
  auto last = std::dynamic_pointer_cast<Dense<double>>((*model)[2]);
  REQUIRE(first != nullptr);
  REQUIRE(last != nullptr);
  first->weight().mutable_value() = Array<double>{{1, -1}, {2, 0}};
  last->weight().mutable_value() = Array<double>{{3, 0.5}};
  last->bias().mutable_value() = Array<double>{1};

  CHECK(model->forward(Tensor<double>{1, 2}).value() == Array<double>{2});
}

TEST_CASE("mlp draws layers from one generator", "[layers][mlp]") {
  // MLP(sizes, seed) equals Dense layers built in order from Generator(seed).
  auto model = MLP<float>({3, 4, 2}, 7);
  Generator generator(7);
  Dense<float> first(3, 4, generator);
  Dense<float> second(4, 2, generator);

  const auto parameters = model->parameters();
  CHECK(parameters[0].value() == first.weight().value());
  CHECK(parameters[2].value() == second.weight().value());
  CHECK(parameters[0].value() != MLP<float>({3, 4, 2}, 8)->parameters()[0].value());
}

TEST_CASE("mlp with two sizes is one dense", "[layers][mlp]") {
  auto model = MLP<float>({3, 2});

  REQUIRE(model->size() == 1);
  CHECK(model->to_string() == "Sequential(\n  (0): Dense(in=3, out=2, activation=none)\n)");
}

TEST_CASE("mlp rejects too few or zero sizes", "[layers][mlp]") {
  CHECK_THROWS_AS(MLP<float>({}), std::invalid_argument);
  CHECK_THROWS_AS(MLP<float>({5}), std::invalid_argument);
  CHECK_THROWS_WITH(MLP<float>({5, 0, 2}), Catch::Contains("[5, 0, 2]"));
}
