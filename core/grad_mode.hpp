// Per-thread switch that turns op recording on and off.
#pragma once

namespace tapegrad {

/// Returns whether ops on this thread record nodes on the tape.
bool grad_enabled() noexcept;

/// RAII guard that stops recording on this thread for its lifetime: ops inside
/// it only compute their values, as under `torch::NoGradGuard`. Guards nest and
/// restore the previous mode on destruction.
class NoGradGuard {
 public:
  NoGradGuard() noexcept;
  ~NoGradGuard();
  NoGradGuard(const NoGradGuard&) = delete;
  NoGradGuard& operator=(const NoGradGuard&) = delete;

 private:
  bool previous_;
};

}  // namespace tapegrad
