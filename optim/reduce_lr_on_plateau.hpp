// ReduceLROnPlateau: lowers the learning rate when a watched metric stops
// improving, as torch.optim.lr_scheduler.ReduceLROnPlateau.
#pragma once

#include <cstdint>

#include <tapegrad/optim/optimizer.hpp>

namespace tapegrad {

/// Whether a lower or a higher metric is an improvement.
enum class PlateauMode { min, max };

/// Comparison of the metric with the best value: relative (`best * (1 ∓ threshold)`)
/// or absolute (`best ∓ threshold`).
enum class ThresholdMode { rel, abs };

struct ReduceLROnPlateauOptions {
  PlateauMode mode = PlateauMode::min;
  /// Multiplier of the rate at each reduction, in [0, 1).
  double factor = 0.1;
  /// Epochs without improvement tolerated before a reduction.
  std::int64_t patience = 10;
  /// Minimum change that counts as an improvement; >= 0.
  double threshold = 1e-4;
  ThresholdMode threshold_mode = ThresholdMode::rel;
  /// Epochs after a reduction during which bad epochs are not counted.
  std::int64_t cooldown = 0;
  /// The rate is never reduced below this; >= 0.
  double min_lr = 0.0;
  /// A reduction smaller than this is skipped; >= 0.
  double eps = 1e-8;
};

/// Reduces an optimizer's learning rate by `factor` once the metric passed to
/// `step` has not improved for more than `patience` epochs. In mode min with
/// threshold_mode rel, a metric improves on the best value so far when it is
/// below best * (1 - threshold). The optimizer must outlive the scheduler.
///
///     ReduceLROnPlateau<float> scheduler(optimizer, {.factor = 0.5, .patience = 2});
///     scheduler.step(validation_loss);
template <class T>
class ReduceLROnPlateau {
 public:
  ReduceLROnPlateau(Optimizer<T>& optimizer, ReduceLROnPlateauOptions options = {});
  ReduceLROnPlateau(const ReduceLROnPlateau&) = delete;
  ReduceLROnPlateau& operator=(const ReduceLROnPlateau&) = delete;

  /// Records one epoch's metric (such as the validation loss) and reduces the
  /// rate when the plateau has lasted long enough. A NaN metric never counts
  /// as an improvement.
  void step(double metric);

  std::int64_t last_epoch() const noexcept { return last_epoch_; }
  /// The best metric so far: +infinity in mode min (-infinity in mode max)
  /// before the first step.
  double best() const noexcept { return best_; }
  std::int64_t num_bad_epochs() const noexcept { return num_bad_epochs_; }
  std::int64_t cooldown_counter() const noexcept { return cooldown_counter_; }

  /// Returns `last_epoch`, `best`, `num_bad_epochs` and `cooldown_counter` as
  /// 0-D arrays. The options are not stored: build the scheduler with the same
  /// options before loading.
  NamedArrays<T> state() const;

  /// Restores a `state()`. Raises `std::invalid_argument` naming the entry
  /// for a missing, unexpected or invalid entry.
  void load_state(const NamedArrays<T>& state);

 private:
  bool is_better(double metric) const;

  Optimizer<T>& optimizer_;
  ReduceLROnPlateauOptions options_;
  std::int64_t last_epoch_ = 0;
  double best_;
  std::int64_t num_bad_epochs_ = 0;
  std::int64_t cooldown_counter_ = 0;
};

extern template class ReduceLROnPlateau<float>;
extern template class ReduceLROnPlateau<double>;

}  // namespace tapegrad
