// A progress bar for one training epoch, drawn only when stdout is a terminal.
#pragma once

#include <chrono>
#include <cstddef>

namespace mlp_fashion_mnist {

/// Returns whether stdout is a terminal, where progress bars are drawn.
bool stdout_is_terminal();

/// Draws `epoch 3/10 [=====>    ] 120/469  21034 samples/s  loss 0.4123  1.2 s left`
/// on one terminal line, redrawn at most every 100 ms. When `enabled` is
/// false it draws nothing, so output to a file or pipe keeps only the plain
/// per-epoch lines.
class EpochProgress {
 public:
  EpochProgress(std::size_t epoch, std::size_t epochs, std::size_t batches, bool enabled);

  /// Records that `batch` batches (counted from 1) holding `samples` samples
  /// are done, with `running_loss` the mean loss so far.
  void update(std::size_t batch, std::size_t samples, double running_loss);

  /// Erases the bar, so the epoch's summary line can take its place.
  void clear();

  /// Seconds since construction.
  double elapsed_seconds() const;

 private:
  using Clock = std::chrono::steady_clock;

  std::size_t epoch_;
  std::size_t epochs_;
  std::size_t batches_;
  bool enabled_;
  Clock::time_point start_;
  Clock::time_point last_draw_;
  bool drawn_ = false;
};

}  // namespace mlp_fashion_mnist
