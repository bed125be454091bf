// Checkpoints with extra, mis-shaped, wrongly typed or invalid entries, and
// files that are empty or not archives at all. tests/io/checkpoint_test.cpp
// covers missing entries, another width, another optimizer, a truncated or
// missing file and a float64 file; these are the remaining cases.
//
// Decisions: every case raises (std::invalid_argument for entries,
// std::runtime_error for unreadable files) with the file and entry named, and
// leaves the model and the optimizer as they were. Parameter values are not
// checked for NaN: a checkpoint of a diverged run loads as it was saved.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <string>

#include <tapegrad/core/core.hpp>
#include <tapegrad/core/npz.hpp>
#include <tapegrad/layers/layers.hpp>
#include <tapegrad/optim/checkpoint.hpp>
#include <tapegrad/optim/optim.hpp>

#include "../io/python.hpp"
#include "../support/temp_folder.hpp"

using namespace tapegrad;
using tapegrad::testing::TempFolder;

namespace {

std::shared_ptr<Sequential<float>> make_model(std::size_t layers, std::uint64_t seed) {
  Generator generator(seed);
  auto model = std::make_shared<Sequential<float>>();
  for (std::size_t layer = 0; layer < layers; ++layer) {
    model->add(std::make_shared<Dense<float>>(3, 3, generator));
  }
  return model;
}

NamedArrays<float> values_of(const Module<float>& model) {
  NamedArrays<float> values;
  for (const auto& [name, parameter] : model.named_parameters()) {
    values.emplace_back(name, parameter.value());
  }
  return values;
}

bool same_arrays(const NamedArrays<float>& a, const NamedArrays<float>& b) {
  if (a.size() != b.size()) {
    return false;
  }
  for (std::size_t i = 0; i < a.size(); ++i) {
    const Array<float>& left = a[i].second;
    const Array<float>& right = b[i].second;
    if (a[i].first != b[i].first || to_shape(left.shape()) != to_shape(right.shape()) ||
        std::memcmp(left.data(), right.data(), left.size() * sizeof(float)) != 0) {
      return false;
    }
  }
  return true;
}

// Replaces the entry `name` of the .npz file at `path` with `value`.
void replace_entry(const std::filesystem::path& path, const std::string& name,
                   const Array<float>& value) {
  NamedArrays<float> entries = load_npz<float>(path);
  bool found = false;
  for (auto& [entry_name, array] : entries) {
    if (entry_name == name) {
      array = value;
      found = true;
    }
  }
  REQUIRE(found);
  save_npz<float>(path, entries);
}

// A model and an Adam optimizer after one step, with their values saved
// aside, so each case can check that a failed load changed nothing.
struct Target {
  Target() : model(make_model(2, 7)), adam(model->parameters(), AdamOptions{}) {
    const Tensor<float> x = constant<float>(Array<float>{{1, -2, 0.5}});
    const Tensor<float> y = (*model)(x);
    backward(sum(mul(y, y)));
    adam.step();
    values = values_of(*model);
    state = adam.state();
  }
  void check_unchanged() const {
    CHECK(same_arrays(values_of(*model), values));
    CHECK(same_arrays(adam.state(), state));
  }
  std::shared_ptr<Sequential<float>> model;
  Adam<float> adam;
  NamedArrays<float> values;
  NamedArrays<float> state;
};

}  // namespace

TEST_CASE("checkpoint with extra parameter entries", "[reliability][checkpoint]") {
  TempFolder folder;
  const auto path = folder / "deeper.npz";
  save_checkpoint<float>(path, *make_model(3, 1));
  Target target;
  CHECK_THROWS_AS(load_checkpoint<float>(path, *target.model), std::invalid_argument);
  CHECK_THROWS_WITH(load_checkpoint<float>(path, *target.model),
                    Catch::Contains("deeper.npz") &&
                        Catch::Contains("unexpected: 'model.2.bias', 'model.2.weight'"));
  target.check_unchanged();
}

TEST_CASE("checkpoint with mis-shaped optimizer state", "[reliability][checkpoint]") {
  TempFolder folder;
  const auto path = folder / "run.npz";
  Target source;
  save_checkpoint<float>(path, *source.model, &source.adam);
  // exp_avg.0 belongs to the first weight [3, 3].
  replace_entry(path, "optimizer.exp_avg.0", Array<float>(Shape{3, 2}, 0.0f));

  Target target;
  CHECK_THROWS_AS(load_checkpoint<float>(path, *target.model, &target.adam), std::invalid_argument);
  CHECK_THROWS_WITH(
      load_checkpoint<float>(path, *target.model, &target.adam),
      Catch::Contains("run.npz") && Catch::Contains("exp_avg.0") && Catch::Contains("[3, 2]"));
  target.check_unchanged();
}

TEST_CASE("checkpoint with invalid optimizer values", "[reliability][checkpoint]") {
  TempFolder folder;
  const auto path = folder / "run.npz";
  Target source;
  save_checkpoint<float>(path, *source.model, &source.adam);
  const auto check_rejected = [&](const std::string& entry, float value) {
    INFO("entry " << entry << " = " << value);
    save_checkpoint<float>(path, *source.model, &source.adam);
    replace_entry(path, entry, Array<float>(value));
    Target target;
    CHECK_THROWS_AS(load_checkpoint<float>(path, *target.model, &target.adam),
                    std::invalid_argument);
    CHECK_THROWS_WITH(load_checkpoint<float>(path, *target.model, &target.adam),
                      Catch::Contains(entry.substr(std::string("optimizer.").size())));
    target.check_unchanged();
  };
  // A step count must be a whole number >= 0; hyperparameters must be in range.
  check_rejected("optimizer.step.0", -1.0f);
  check_rejected("optimizer.step.0", 1.5f);
  check_rejected("optimizer.step.0", NAN);
  check_rejected("optimizer.lr", NAN);
  check_rejected("optimizer.lr", -0.1f);
  check_rejected("optimizer.beta1", 1.0f);
  check_rejected("optimizer.eps", INFINITY);
}

TEST_CASE("checkpoint with an int64 entry", "[reliability][checkpoint]") {
  if (!tapegrad::testing::numpy_available()) {
    WARN("skipped: /usr/bin/python3 with numpy is not available");
    return;
  }
  TempFolder folder;
  const auto path = folder / "typed.npz";
  save_checkpoint<float>(path, *make_model(2, 1));
  // Rewrite model.0.bias as int64 with NumPy, keeping every other entry.
  tapegrad::testing::run_python(folder,
                                "import sys, numpy\n"
                                "entries = dict(numpy.load(sys.argv[1]))\n"
                                "entries['model.0.bias'] = numpy.zeros(3, dtype=numpy.int64)\n"
                                "numpy.savez(sys.argv[1], **entries)\n",
                                {path.string()});
  Target target;
  CHECK_THROWS_AS(load_checkpoint<float>(path, *target.model), std::invalid_argument);
  CHECK_THROWS_WITH(load_checkpoint<float>(path, *target.model),
                    Catch::Contains("'model.0.bias'") && Catch::Contains("int64") &&
                        Catch::Contains("typed.npz"));
  target.check_unchanged();
}

TEST_CASE("checkpoint that is not an archive", "[reliability][checkpoint]") {
  TempFolder folder;
  Target target;
  const auto check_unreadable = [&](const std::string& name, const std::string& bytes) {
    INFO("file " << name);
    const auto path = folder / name;
    tapegrad::testing::write_bytes(path, bytes);
    CHECK_THROWS_AS(load_checkpoint<float>(path, *target.model, &target.adam), std::runtime_error);
    CHECK_THROWS_WITH(load_checkpoint<float>(path, *target.model, &target.adam),
                      Catch::Contains(name));
    target.check_unchanged();
  };
  check_unreadable("empty.npz", "");
  check_unreadable("text.npz", "model.0.weight = [1, 2, 3]\n");
  check_unreadable("zip-magic-only.npz", std::string("PK\x03\x04", 4));

  // A folder where a file is expected.
  const auto folder_path = folder / "a-folder.npz";
  std::filesystem::create_directory(folder_path);
  CHECK_THROWS_WITH(load_checkpoint<float>(folder_path, *target.model),
                    Catch::Contains("a-folder.npz"));
  target.check_unchanged();
}

TEST_CASE("checkpoint with NaN parameters loads", "[reliability][checkpoint]") {
  TempFolder folder;
  const auto path = folder / "diverged.npz";
  auto diverged = make_model(2, 1);
  diverged->named_parameters()[0].second.mutable_value()(0, 0) = NAN;
  save_checkpoint<float>(path, *diverged);
  auto model = make_model(2, 2);
  load_checkpoint<float>(path, *model);
  CHECK(std::isnan(model->named_parameters()[0].second.value()(0, 0)));
}
