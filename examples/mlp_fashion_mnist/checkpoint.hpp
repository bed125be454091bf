// Checkpoints of mlp_fashion_mnist: one .npz file with the model's
// parameters (`model.0.weight`, ...), the optimizer's state()
// (`optimizer.exp_avg.0`, ...) and the run's settings, finished epoch count
// and per-epoch metrics (`run.*`), so --resume and --evaluate can rebuild
// the same model and go on where the run stopped.
#pragma once

#include <cstddef>
#include <filesystem>
#include <vector>

#include "options.hpp"
#include "report.hpp"
#include "train.hpp"

namespace mlp_fashion_mnist {

/// Run details a checkpoint keeps besides the weights and optimizer state.
struct RunRecord {
  TrainingSettings settings;
  std::size_t completed_epochs = 0;
  /// One entry per finished epoch, in order.
  std::vector<EpochMetrics> history;
};

/// Writes `model`, `optimizer` and `record` to `path`, replacing the file
/// atomically.
void save_run(const std::filesystem::path& path, const Model& model, const Optimizer& optimizer,
              const RunRecord& record);

/// Reads the record of a checkpoint written by `save_run`. Raises
/// std::runtime_error or std::invalid_argument naming the file when it is
/// not such a checkpoint.
RunRecord read_run_record(const std::filesystem::path& path);

/// Loads the weights of a checkpoint into `model`, and the optimizer state
/// into `optimizer` unless it is null. The model and optimizer must be built
/// from the checkpoint's settings (see `read_run_record`).
void load_run(const std::filesystem::path& path, Model& model, Optimizer* optimizer);

}  // namespace mlp_fashion_mnist
