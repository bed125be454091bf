// Kills a process in the middle of writing files, for tests that check what an
// interrupted save leaves behind.
#pragma once

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include <chrono>
#include <filesystem>
#include <string>
#include <thread>

namespace tapegrad::testing {

/// Runs `write_forever()` in a forked child and kills the child with SIGKILL
/// `delay` after it starts. Requires that SIGKILL, not an error, ended it.
/// The writer must call no BLAS, because the parent's OpenBLAS threads do
/// not exist in the child.
template <class WriteForever>
void kill_writer_after(std::chrono::milliseconds delay, WriteForever write_forever) {
  int ready_pipe[2];
  REQUIRE(::pipe(ready_pipe) == 0);
  const pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    ::close(ready_pipe[0]);
    const char ready = 'r';
    if (::write(ready_pipe[1], &ready, 1) != 1) {
      ::_exit(2);
    }
    try {
      write_forever();
    } catch (...) {
    }
    ::_exit(3);
  }
  ::close(ready_pipe[1]);
  char ready = 0;
  REQUIRE(::read(ready_pipe[0], &ready, 1) == 1);
  ::close(ready_pipe[0]);
  std::this_thread::sleep_for(delay);
  REQUIRE(::kill(child, SIGKILL) == 0);
  int status = 0;
  REQUIRE(::waitpid(child, &status, 0) == child);
  REQUIRE(WIFSIGNALED(status));
  CHECK(WTERMSIG(status) == SIGKILL);
}

/// Returns whether `folder` contains the temporary file of an unfinished
/// atomic save (a name with ".tmp-"), so a kill landed inside a save.
inline bool has_temporary_file(const std::filesystem::path& folder) {
  for (const auto& entry : std::filesystem::directory_iterator(folder)) {
    if (entry.path().filename().string().find(".tmp-") != std::string::npos) {
      return true;
    }
  }
  return false;
}

}  // namespace tapegrad::testing
