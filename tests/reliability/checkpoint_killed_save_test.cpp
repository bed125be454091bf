// A process killed in the middle of save_checkpoint leaves the previous
// checkpoint loadable by load_checkpoint, model and optimizer state included.
//
// tests/io/npz_atomic_test.cpp kills save_npz itself, and this test goes
// through the checkpoint functions a training program calls. A child process saves
// checkpoints in a loop, each with every parameter set to its step number,
// and is killed with SIGKILL after a delay. The file must then load into a
// fresh model and Adam optimizer, with every parameter equal to one step
// number: a whole checkpoint, never a mix of two.
#include <catch2/catch.hpp>

#include <chrono>
#include <memory>

#include <tapegrad/core/core.hpp>
#include <tapegrad/layers/layers.hpp>
#include <tapegrad/optim/checkpoint.hpp>
#include <tapegrad/optim/optim.hpp>

#include "../support/killed_writer.hpp"
#include "../support/temp_folder.hpp"

using namespace tapegrad;
using tapegrad::testing::has_temporary_file;
using tapegrad::testing::kill_writer_after;
using tapegrad::testing::TempFolder;

namespace {

// A [1024, 1024] float weight is 4 MiB, and Adam's two moments triple the
// file, so most kills land inside a save.
constexpr std::size_t width = 1024;

struct Run {
  explicit Run(std::uint64_t seed) {
    Generator generator(seed);
    model = std::make_shared<Dense<float>>(width, width, generator);
    optimizer = std::make_unique<Adam<float>>(model->parameters(), AdamOptions{});
  }

  // Sets every parameter to `step`.
  void fill_parameters(float step) {
    for (Tensor<float>& parameter : model->parameters()) {
      parameter.mutable_value().fill(step);
    }
  }

  std::shared_ptr<Dense<float>> model;
  std::unique_ptr<Adam<float>> optimizer;
};

// Saves steps 1, 2, 3, ... of `run` to `path` until the process is killed.
[[noreturn]] void save_forever(Run& run, const std::filesystem::path& path) {
  for (float step = 1;; ++step) {
    run.fill_parameters(step);
    save_checkpoint<float>(path, *run.model, run.optimizer.get());
  }
}

}  // namespace

TEST_CASE("checkpoint save killed midway", "[reliability][checkpoint]") {
  // Delays after the child starts, spread so that the kills hit several saves.
  const int delays_ms[] = {5, 40, 120, 250};
  std::size_t interrupted_saves = 0;

  // One Adam step, so that the optimizer state in the file is not all zeros.
  Run source(1);
  const Tensor<float> x = ones<float>({2, width});
  backward(sum((*source.model)(x)));
  source.optimizer->step();
  const NamedArrays<float> saved_state = source.optimizer->state();

  for (int delay_ms : delays_ms) {
    INFO("killed after " << delay_ms << " ms");
    TempFolder folder;
    const auto path = folder / "checkpoint.npz";
    source.fill_parameters(0);
    save_checkpoint<float>(path, *source.model, source.optimizer.get());

    kill_writer_after(std::chrono::milliseconds(delay_ms), [&] { save_forever(source, path); });
    if (has_temporary_file(folder.path())) {
      ++interrupted_saves;
    }

    Run loaded(2);
    load_checkpoint<float>(path, *loaded.model, loaded.optimizer.get());
    const float step = loaded.model->weight().value()(0, 0);
    INFO("the checkpoint contains step " << step);
    CHECK(step >= 0);
    CHECK(xt::all(xt::equal(loaded.model->weight().value(), step)));
    CHECK(xt::all(xt::equal(loaded.model->bias().value(), step)));

    // The optimizer state is the same in every save.
    const NamedArrays<float> loaded_state = loaded.optimizer->state();
    REQUIRE(loaded_state.size() == saved_state.size());
    for (std::size_t index = 0; index < saved_state.size(); ++index) {
      INFO("optimizer entry " << saved_state[index].first);
      CHECK(loaded_state[index].first == saved_state[index].first);
      CHECK(loaded_state[index].second == saved_state[index].second);
    }
  }
  // At least one kill landed inside a save, or the test proved nothing.
  CHECK(interrupted_saves > 0);
}
