// save_checkpoint and load_checkpoint: resuming training exactly, reading the
// file with NumPy, and leaving the model untouched on every kind of error.
#include <catch2/catch.hpp>

#include <cstring>
#include <sstream>
#include <stdexcept>

#include <tapegrad/core/core.hpp>
#include <tapegrad/core/npz.hpp>
#include <tapegrad/layers/dense.hpp>
#include <tapegrad/layers/sequential.hpp>
#include <tapegrad/optim/adam.hpp>
#include <tapegrad/optim/checkpoint.hpp>
#include <tapegrad/optim/sgd.hpp>

#include "../support/temp_folder.hpp"
#include "python.hpp"

using namespace tapegrad;
using tapegrad::testing::numpy_available;
using tapegrad::testing::read_bytes;
using tapegrad::testing::run_python;
using tapegrad::testing::TempFolder;
using tapegrad::testing::write_bytes;

namespace {

// Dense(3, hidden) with relu, then Dense(hidden, 2), initialized from `seed`.
template <class T>
std::shared_ptr<Sequential<T>> make_model(std::size_t hidden, std::uint64_t seed) {
  Generator generator(seed);
  auto model = std::make_shared<Sequential<T>>();
  model->add(std::make_shared<Dense<T>>(3, hidden, Activation::relu, generator));
  model->add(std::make_shared<Dense<T>>(hidden, 2, generator));
  return model;
}

// One step on the loss sum(model(x)^2) for a fixed batch x [2, 3].
template <class T>
void train_step(Module<T>& model, Optimizer<T>& optimizer) {
  const Tensor<T> x = constant<T>(Array<T>{{1, -2, 0.5}, {0.25, 3, -1}});
  optimizer.zero_grad();
  const Tensor<T> y = model(x);
  backward(sum(mul(y, y)));
  optimizer.step();
}

template <class T>
NamedArrays<T> parameter_values(const Module<T>& model) {
  NamedArrays<T> values;
  for (const auto& [name, parameter] : model.named_parameters()) {
    values.emplace_back(name, parameter.value());
  }
  return values;
}

// Bit-for-bit equality of names, shapes and values.
template <class T>
bool same_arrays(const NamedArrays<T>& a, const NamedArrays<T>& b) {
  if (a.size() != b.size()) {
    return false;
  }
  for (std::size_t i = 0; i < a.size(); ++i) {
    const Array<T>& left = a[i].second;
    const Array<T>& right = b[i].second;
    if (a[i].first != b[i].first || left.shape() != right.shape() ||
        (left.size() > 0 &&
         std::memcmp(left.data(), right.data(), left.size() * sizeof(T)) != 0)) {
      return false;
    }
  }
  return true;
}

}  // namespace

TEMPLATE_TEST_CASE("checkpoint resumes training exactly", "[io][checkpoint]", float, double) {
  using T = TestType;
  TempFolder folder;
  const auto path = folder / "checkpoint.npz";

  auto original = make_model<T>(4, 1);
  Adam<T> original_optimizer(original->parameters(), AdamOptions{.lr = 0.01});
  train_step(*original, original_optimizer);
  train_step(*original, original_optimizer);
  save_checkpoint<T>(path, *original, &original_optimizer);

  auto restored = make_model<T>(4, 2);
  // Built with the same options, as a resumed run does: the learning rate
  // stored at the precision of T then keeps its exact double value.
  Adam<T> restored_optimizer(restored->parameters(), AdamOptions{.lr = 0.01});
  REQUIRE_FALSE(same_arrays(parameter_values<T>(*restored), parameter_values<T>(*original)));
  load_checkpoint<T>(path, *restored, &restored_optimizer);

  CHECK(same_arrays(parameter_values<T>(*restored), parameter_values<T>(*original)));
  CHECK(same_arrays(restored_optimizer.state(), original_optimizer.state()));
  CHECK(restored_optimizer.learning_rate() == original_optimizer.learning_rate());

  // The next step is the same on both: Adam's moments and step counts came
  // back too, not only the weights.
  train_step(*original, original_optimizer);
  train_step(*restored, restored_optimizer);
  CHECK(same_arrays(parameter_values<T>(*restored), parameter_values<T>(*original)));
}

TEST_CASE("checkpoint without optimizer", "[io][checkpoint]") {
  TempFolder folder;
  const auto path = folder / "weights.npz";
  auto original = make_model<float>(4, 1);
  save_checkpoint<float>(path, *original);

  const NamedArrays<float> entries = load_npz<float>(path);
  REQUIRE(entries.size() == 4);
  CHECK(entries[0].first == "model.0.weight");
  CHECK(entries[3].first == "model.1.bias");

  auto restored = make_model<float>(4, 2);
  load_checkpoint<float>(path, *restored);
  CHECK(same_arrays(parameter_values<float>(*restored), parameter_values<float>(*original)));

  // A checkpoint with optimizer state loads into a model alone too.
  SGD<float> optimizer(original->parameters(), SGDOptions{.lr = 0.1, .momentum = 0.9});
  train_step(*original, optimizer);
  save_checkpoint<float>(path, *original, &optimizer);
  load_checkpoint<float>(path, *restored);
  CHECK(same_arrays(parameter_values<float>(*restored), parameter_values<float>(*original)));
}

TEST_CASE("numpy reads checkpoint", "[io][checkpoint][numpy]") {
  if (!numpy_available()) {
    WARN("skipped: /usr/bin/python3 cannot import numpy (install python3-numpy)");
    return;
  }
  TempFolder folder;
  const auto path = folder / "checkpoint.npz";
  Dense<float> layer(2, 2);
  layer.weight().mutable_value() = Array<float>{{0.5f, -1}, {2, 0.25f}};
  layer.bias().mutable_value() = Array<float>{1, -2};
  SGD<float> optimizer(layer.parameters(), SGDOptions{.lr = 0.5});
  auto model = make_model<float>(4, 3);
  save_checkpoint<float>(path, layer, &optimizer);
  save_checkpoint<float>(folder / "random.npz", *model);

  const std::string output = run_python(folder,
                                        "import sys, numpy\n"
                                        "d = numpy.load(sys.argv[1])\n"
                                        "w, b = d['model.weight'], d['model.bias']\n"
                                        "print(w.dtype, w.shape, w.tolist())\n"
                                        "print(b.dtype, b.shape, b.tolist())\n"
                                        "print(float(d['optimizer.lr']))\n"
                                        "r = numpy.load(sys.argv[2])['model.0.weight']\n"
                                        "print(' '.join(repr(float(v)) for v in r.ravel()))\n",
                                        {path.string(), (folder / "random.npz").string()});
  std::istringstream lines(output);
  std::string line;
  std::getline(lines, line);
  // By hand from the values set above.
  CHECK(line == "float32 (2, 2) [[0.5, -1.0], [2.0, 0.25]]");
  std::getline(lines, line);
  CHECK(line == "float32 (2,) [1.0, -2.0]");
  std::getline(lines, line);
  CHECK(line == "0.5");

  // Python's repr of a float32 widened to double parses back to that double
  // exactly, so the comparison is exact.
  const Array<float>& weight = model->named_parameters()[0].second.value();
  std::getline(lines, line);
  std::istringstream values(line);
  for (std::size_t i = 0; i < weight.size(); ++i) {
    std::string text;
    REQUIRE(values >> text);
    CHECK(std::stod(text) == static_cast<double>(weight.data()[i]));
  }
}

TEST_CASE("checkpoint errors leave model unchanged", "[io][checkpoint]") {
  TempFolder folder;
  const auto path = folder / "checkpoint.npz";
  auto saved = make_model<float>(4, 1);
  SGD<float> sgd(saved->parameters(), SGDOptions{.lr = 0.1});
  save_checkpoint<float>(path, *saved, &sgd);
  save_checkpoint<float>(folder / "no-optimizer.npz", *saved);

  auto target = make_model<float>(4, 2);
  Adam<float> adam(target->parameters(), AdamOptions{});
  train_step(*target, adam);
  const NamedArrays<float> values_before = parameter_values<float>(*target);
  const NamedArrays<float> adam_before = adam.state();
  const auto check_unchanged = [&] {
    CHECK(same_arrays(parameter_values<float>(*target), values_before));
    CHECK(same_arrays(adam.state(), adam_before));
  };

  SECTION("another hidden width") {
    auto wider = make_model<float>(5, 2);
    const NamedArrays<float> wider_before = parameter_values<float>(*wider);
    CHECK_THROWS_AS(load_checkpoint<float>(path, *wider), std::invalid_argument);
    CHECK_THROWS_WITH(load_checkpoint<float>(path, *wider),
                      Catch::Contains("'model.0.weight'") && Catch::Contains("shape [4, 3]") &&
                          Catch::Contains("[5, 3] was expected"));
    CHECK(same_arrays(parameter_values<float>(*wider), wider_before));
  }
  SECTION("an extra layer") {
    Generator generator(5);
    Sequential<float> deeper{std::make_shared<Dense<float>>(3, 4, generator),
                             std::make_shared<Dense<float>>(4, 2, generator),
                             std::make_shared<Dense<float>>(2, 2, generator)};
    const NamedArrays<float> deeper_before = parameter_values<float>(deeper);
    CHECK_THROWS_WITH(load_checkpoint<float>(path, deeper),
                      Catch::Contains("missing: 'model.2.weight', 'model.2.bias'"));
    CHECK(same_arrays(parameter_values<float>(deeper), deeper_before));
  }
  SECTION("optimizer state of another kind") {
    CHECK_THROWS_AS(load_checkpoint<float>(path, *target, &adam), std::invalid_argument);
    CHECK_THROWS_WITH(load_checkpoint<float>(path, *target, &adam),
                      Catch::Contains("optimizer state") && Catch::Contains("checkpoint.npz"));
    check_unchanged();
  }
  SECTION("no optimizer state saved") {
    CHECK_THROWS_WITH(load_checkpoint<float>(folder / "no-optimizer.npz", *target, &adam),
                      Catch::Contains("no optimizer state") && Catch::Contains("nullptr"));
    check_unchanged();
  }
  SECTION("truncated file") {
    const std::string whole = read_bytes(path);
    write_bytes(path, whole.substr(0, whole.size() / 2));
    CHECK_THROWS_AS(load_checkpoint<float>(path, *target, &adam), std::runtime_error);
    CHECK_THROWS_WITH(load_checkpoint<float>(path, *target, &adam),
                      Catch::Contains("checkpoint.npz"));
    check_unchanged();
  }
  SECTION("missing file") {
    CHECK_THROWS_WITH(load_checkpoint<float>(folder / "absent.npz", *target, &adam),
                      Catch::Contains("absent.npz") && Catch::Contains("file not found"));
    check_unchanged();
  }
  SECTION("double checkpoint into float model") {
    auto double_model = make_model<double>(4, 1);
    save_checkpoint<double>(folder / "double.npz", *double_model);
    CHECK_THROWS_WITH(load_checkpoint<float>(folder / "double.npz", *target),
                      Catch::Contains("float64") && Catch::Contains("float32"));
    check_unchanged();
  }
  SECTION("npz file that is no checkpoint") {
    save_npz<float>(folder / "arrays.npz", {{"weight", Array<float>{1}}});
    CHECK_THROWS_WITH(load_checkpoint<float>(folder / "arrays.npz", *target),
                      Catch::Contains("'weight'") && Catch::Contains("not a tapegrad checkpoint"));
    check_unchanged();
  }
}
