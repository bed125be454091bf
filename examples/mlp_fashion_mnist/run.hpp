// The two things mlp_fashion_mnist does: train (from scratch or from a
// checkpoint) and evaluate a checkpoint.
#pragma once

#include <stdexcept>
#include <string>

#include "options.hpp"

namespace mlp_fashion_mnist {

/// A problem found before training starts: unreadable data, a checkpoint
/// that does not fit, an output file that cannot be opened. main() reports
/// it in one line with exit status 2.
class SetupError : public std::runtime_error {
 public:
  explicit SetupError(const std::string& message) : std::runtime_error(message) {}
};

/// Trains for `options.epochs` epochs in all, printing one line per epoch,
/// then the per-class report. Returns the exit status.
int run_training(const Options& options);

/// Evaluates the checkpoint `options.evaluate_path` on the test set and
/// prints its accuracy and the per-class report. Returns the exit status.
int run_evaluation(const Options& options);

}  // namespace mlp_fashion_mnist
