#include <tapegrad/optim/reduce_lr_on_plateau.hpp>

#include <algorithm>
#include <limits>
#include <stdexcept>

#include <tapegrad/optim/hyperparameter_check.hpp>
#include <tapegrad/optim/scalar_entries.hpp>

namespace tapegrad {
namespace {

constexpr const char* scheduler_name = "ReduceLROnPlateau";

void check_count(const char* name, std::int64_t value) {
  if (value < 0) {
    throw std::invalid_argument(std::string(scheduler_name) + ": " + name +
                                " must be >= 0, got " + std::to_string(value));
  }
}

double worst_metric(PlateauMode mode) {
  constexpr double infinity = std::numeric_limits<double>::infinity();
  return mode == PlateauMode::min ? infinity : -infinity;
}

}  // namespace

template <class T>
ReduceLROnPlateau<T>::ReduceLROnPlateau(Optimizer<T>& optimizer,
                                        ReduceLROnPlateauOptions options)
    : optimizer_(optimizer), options_(options), best_(worst_metric(options.mode)) {
  detail::check_half_open(scheduler_name, "factor", options_.factor, 0, 1);
  check_count("patience", options_.patience);
  detail::check_non_negative(scheduler_name, "threshold", options_.threshold);
  check_count("cooldown", options_.cooldown);
  detail::check_non_negative(scheduler_name, "min_lr", options_.min_lr);
  detail::check_non_negative(scheduler_name, "eps", options_.eps);
}

template <class T>
bool ReduceLROnPlateau<T>::is_better(double metric) const {
  const double threshold = options_.threshold;
  if (options_.mode == PlateauMode::min) {
    return options_.threshold_mode == ThresholdMode::rel ? metric < best_ * (1 - threshold)
                                                         : metric < best_ - threshold;
  }
  return options_.threshold_mode == ThresholdMode::rel ? metric > best_ * (1 + threshold)
                                                       : metric > best_ + threshold;
}

template <class T>
void ReduceLROnPlateau<T>::step(double metric) {
  ++last_epoch_;
  if (is_better(metric)) {
    best_ = metric;
    num_bad_epochs_ = 0;
  } else {
    ++num_bad_epochs_;
  }

  if (cooldown_counter_ > 0) {
    --cooldown_counter_;
    num_bad_epochs_ = 0;
  }

  if (num_bad_epochs_ > options_.patience) {
    const double old_lr = optimizer_.learning_rate();
    const double new_lr = std::max(old_lr * options_.factor, options_.min_lr);
    if (old_lr - new_lr > options_.eps) {
      optimizer_.set_learning_rate(new_lr);
    }
    cooldown_counter_ = options_.cooldown;
    num_bad_epochs_ = 0;
  }
}

template <class T>
NamedArrays<T> ReduceLROnPlateau<T>::state() const {
  NamedArrays<T> state;
  state.emplace_back("last_epoch", Array<T>(static_cast<T>(last_epoch_)));
  state.emplace_back("best", Array<T>(static_cast<T>(best_)));
  state.emplace_back("num_bad_epochs", Array<T>(static_cast<T>(num_bad_epochs_)));
  state.emplace_back("cooldown_counter", Array<T>(static_cast<T>(cooldown_counter_)));
  return state;
}

template <class T>
void ReduceLROnPlateau<T>::load_state(const NamedArrays<T>& state) {
  const std::string caller = std::string(scheduler_name) + "::load_state";
  const std::vector<T> values = detail::read_scalar_entries<T>(
      caller, state, {"last_epoch", "best", "num_bad_epochs", "cooldown_counter"});
  const long long last_epoch = detail::to_count(caller.c_str(), "last_epoch", values[0]);
  const long long num_bad_epochs = detail::to_count(caller.c_str(), "num_bad_epochs", values[2]);
  const long long cooldown_counter =
      detail::to_count(caller.c_str(), "cooldown_counter", values[3]);
  last_epoch_ = last_epoch;
  best_ = detail::restore_precision(values[1], best_);
  num_bad_epochs_ = num_bad_epochs;
  cooldown_counter_ = cooldown_counter;
}

template class ReduceLROnPlateau<float>;
template class ReduceLROnPlateau<double>;

}  // namespace tapegrad
