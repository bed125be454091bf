// A process killed in the middle of save_npz leaves the previous file whole.
//
// A child process saves a large file in a loop, each save filled with its own
// step number, and is killed with SIGKILL after a delay. The file must then
// load, and every value must equal the step entry: a complete save, never a
// mix of two or a truncated one. A temporary file left in the folder shows
// that the kill did land inside a save.
#include <catch2/catch.hpp>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include <tapegrad/core/npz.hpp>

#include "../support/temp_folder.hpp"

using namespace tapegrad;
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

// Saves steps 1, 2, 3, ... to `path` until killed. Writes one byte to
// `ready_fd` once it has started.
[[noreturn]] void save_forever(const std::filesystem::path& path, int ready_fd) {
  try {
    NamedArrays<float> arrays = checkpoint_for_step(1);
    const char ready = 'r';
    if (::write(ready_fd, &ready, 1) != 1) {
      ::_exit(2);
    }
    for (float step = 1;; ++step) {
      arrays[0].second.fill(step);
      arrays[1].second.fill(step);
      save_npz(path, arrays);
    }
  } catch (...) {
    ::_exit(3);
  }
}

bool has_temporary_file(const std::filesystem::path& folder) {
  for (const auto& entry : std::filesystem::directory_iterator(folder)) {
    if (entry.path().filename().string().find(".tmp-") != std::string::npos) {
      return true;
    }
  }
  return false;
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

    int ready_pipe[2];
    REQUIRE(::pipe(ready_pipe) == 0);
    const pid_t child = ::fork();
    REQUIRE(child >= 0);
    if (child == 0) {
      ::close(ready_pipe[0]);
      save_forever(path, ready_pipe[1]);
    }
    ::close(ready_pipe[1]);
    char ready = 0;
    REQUIRE(::read(ready_pipe[0], &ready, 1) == 1);
    ::close(ready_pipe[0]);
    std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));
    REQUIRE(::kill(child, SIGKILL) == 0);
    int status = 0;
    REQUIRE(::waitpid(child, &status, 0) == child);
    // Killed by the signal, not ended by an error in save_npz.
    REQUIRE(WIFSIGNALED(status));
    CHECK(WTERMSIG(status) == SIGKILL);

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
