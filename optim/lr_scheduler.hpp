// Epoch-based learning-rate schedulers: StepLR, ExponentialLR,
// CosineAnnealingLR and LinearLR (linear warm-up), as in torch.optim.lr_scheduler.
//
// Each scheduler drives one Optimizer's learning rate. Like torch's, they are
// chainable: each `step()` computes the new rate from the optimizer's current
// rate, so two schedulers on one optimizer multiply their effects, and a rate
// changed by hand carries over. Construction counts as epoch 0 and may already
// change the rate (LinearLR starts at lr * start_factor).
//
//     StepLR<float> scheduler(optimizer, StepLROptions{.step_size = 30, .gamma = 0.1});
//     for (int epoch = 0; epoch < 100; ++epoch) {
//       train_one_epoch(model, optimizer);
//       scheduler.step();
//     }
#pragma once

#include <cstdint>

#include <tapegrad/optim/optimizer.hpp>

namespace tapegrad {

/// Base class of the epoch-based schedulers. It holds a reference to the
/// optimizer, which must outlive it.
template <class T>
class LRScheduler {
 public:
  virtual ~LRScheduler() = default;
  LRScheduler(const LRScheduler&) = delete;
  LRScheduler& operator=(const LRScheduler&) = delete;

  /// Advances to the next epoch and sets the optimizer's learning rate for
  /// it. Call it after the optimizer's steps of an epoch, as in PyTorch.
  void step();

  /// The epoch count: 0 after construction, then one more per `step()`.
  std::int64_t last_epoch() const noexcept { return last_epoch_; }

  /// The optimizer's learning rate when the scheduler was built.
  double base_learning_rate() const noexcept { return base_lr_; }

  /// Returns `last_epoch` and `base_lr` as 0-D arrays, to resume a schedule
  /// together with the optimizer's own `state()`.
  NamedArrays<T> state() const;

  /// Restores a `state()`. Raises `std::invalid_argument` naming the entry
  /// for a missing, unexpected or invalid entry.
  void load_state(const NamedArrays<T>& state);

 protected:
  /// `name` (a string literal such as "StepLR") starts every error message.
  LRScheduler(const char* name, Optimizer<T>& optimizer);

  /// Sets the learning rate of epoch 0. Each derived constructor calls it
  /// last, because a base constructor cannot call the derived `next_lr`.
  void start();

  /// Returns the learning rate of epoch `last_epoch()` given the optimizer's
  /// current rate `lr` (the rate of the epoch before).
  virtual double next_lr(double lr) const = 0;

  const char* name() const noexcept { return name_; }

 private:
  const char* name_;
  Optimizer<T>& optimizer_;
  double base_lr_;
  std::int64_t last_epoch_ = -1;
};

struct StepLROptions {
  /// Epochs between two decays; at least 1.
  std::int64_t step_size = 1;
  /// Factor the rate is multiplied by every step_size epochs; >= 0.
  double gamma = 0.1;
};

/// Multiplies the rate by gamma every step_size epochs:
/// lr = base_lr * gamma^floor(epoch / step_size).
template <class T>
class StepLR : public LRScheduler<T> {
 public:
  StepLR(Optimizer<T>& optimizer, StepLROptions options);

 protected:
  double next_lr(double lr) const override;

 private:
  StepLROptions options_;
};

struct ExponentialLROptions {
  /// Factor the rate is multiplied by every epoch; >= 0.
  double gamma = 0.9;
};

/// Multiplies the rate by gamma every epoch: lr = base_lr * gamma^epoch.
template <class T>
class ExponentialLR : public LRScheduler<T> {
 public:
  ExponentialLR(Optimizer<T>& optimizer, ExponentialLROptions options);

 protected:
  double next_lr(double lr) const override;

 private:
  ExponentialLROptions options_;
};

struct CosineAnnealingLROptions {
  /// Epochs from base_lr down to eta_min; at least 1.
  std::int64_t t_max = 1;
  /// The lowest rate; >= 0.
  double eta_min = 0.0;
};

/// Follows half a cosine from base_lr down to eta_min over t_max epochs, then
/// back up over the next t_max, and so on:
/// lr = eta_min + (base_lr - eta_min) * (1 + cos(pi * epoch / t_max)) / 2.
/// The rate is computed by torch's recursive formula, which gives this value
/// when nothing else changes the rate.
template <class T>
class CosineAnnealingLR : public LRScheduler<T> {
 public:
  CosineAnnealingLR(Optimizer<T>& optimizer, CosineAnnealingLROptions options);

 protected:
  double next_lr(double lr) const override;

 private:
  CosineAnnealingLROptions options_;
};

struct LinearLROptions {
  /// Multiplier of base_lr at epoch 0, in (0, 1].
  double start_factor = 1.0 / 3.0;
  /// Multiplier of base_lr from epoch total_iters on, in [0, 1].
  double end_factor = 1.0;
  /// Epochs the ramp takes; at least 1.
  std::int64_t total_iters = 5;
};

/// Linear warm-up (torch's LinearLR): the multiplier of base_lr moves in a
/// straight line from start_factor at epoch 0 to end_factor at epoch
/// total_iters, and stays there:
/// lr = base_lr * (start_factor + (end_factor - start_factor) * min(epoch, total_iters) / total_iters).
template <class T>
class LinearLR : public LRScheduler<T> {
 public:
  LinearLR(Optimizer<T>& optimizer, LinearLROptions options = {});

 protected:
  double next_lr(double lr) const override;

 private:
  LinearLROptions options_;
};

extern template class LRScheduler<float>;
extern template class LRScheduler<double>;
extern template class StepLR<float>;
extern template class StepLR<double>;
extern template class ExponentialLR<float>;
extern template class ExponentialLR<double>;
extern template class CosineAnnealingLR<float>;
extern template class CosineAnnealingLR<double>;
extern template class LinearLR<float>;
extern template class LinearLR<double>;

}  // namespace tapegrad
