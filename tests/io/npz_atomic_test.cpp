// A process killed in the middle of save_npz leaves the previous file whole.
//
// A child process saves a large file in a loop, each save filled with its own
// step number, and is killed with SIGKILL after a delay. The file must then
// load, and every value must equal the step entry: a complete save, never a
// mix of two or a truncated one. A temporary file left in the folder shows
// that the kill did land inside a save.
#include <catch2/catch.hpp>

#include <chrono>

#include <tapegrad/core/npz.hpp>

#include "../support/killed_writer.hpp"
#include "../support/temp_folder.hpp"

using namespace tapegrad;
using tapegrad::testing::has_temporary_file;
using tapegrad::testing::kill_writer_after;
using tapegrad::testing::TempFolder;

namespace {

// 16 MiB of float32 values: long enough to write that most kills land
// inside a save.
constexpr std::size_t value_count = std::size_t{1} << 22;

NamedArrays<float> checkpoint_for_step(float step) {
  NamedArrays<float> arrays;
  arrays.emplace_back("step", Array<float>(step));
  arrays.emplace_back("values", Array<float>(xt::empty<float>(Shape{value_count})));
  arrays.back().second.fill(step);
  return arrays;
}

// Saves steps 1, 2, 3, ... to `path` until the process is killed.
[[noreturn]] void save_forever(const std::filesystem::path& path) {
  NamedArrays<float> arrays = checkpoint_for_step(1);
  for (float step = 1;; ++step) {
    arrays[0].second.fill(step);
    arrays[1].second.fill(step);
    save_npz(path, arrays);
  }
}

}  // namespace

TEST_CASE("npz save killed midway keeps previous file", "[io][npz][atomic]") {
  // Delays after the child starts; they spread the kills over several saves.
  const int delays_ms[] = {5, 30, 80, 150, 260};
  std::size_t interrupted_saves = 0;

  for (int delay_ms : delays_ms) {
    INFO("killed after " << delay_ms << " ms");
    TempFolder folder;
    const auto path = folder / "checkpoint.npz";
    save_npz(path, checkpoint_for_step(0));

    kill_writer_after(std::chrono::milliseconds(delay_ms), [&] { save_forever(path); });

    if (has_temporary_file(folder.path())) {
      ++interrupted_saves;
    }
    const NamedArrays<float> loaded = load_npz<float>(path, {{"step", {}}, {"values", {value_count}}});
    const float step = loaded[0].second();
    INFO("the file holds step " << step);
    CHECK(xt::all(xt::equal(loaded[1].second, step)));
  }
  CHECK(interrupted_saves > 0);
}
