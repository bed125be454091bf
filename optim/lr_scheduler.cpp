#include <tapegrad/optim/lr_scheduler.hpp>

#include <cmath>
#include <numbers>

#include <tapegrad/optim/hyperparameter_check.hpp>
#include <tapegrad/optim/scalar_entries.hpp>

namespace tapegrad {
namespace {

void check_at_least_one(const char* owner, const char* name, std::int64_t value) {
  if (value < 1) {
    throw std::invalid_argument(std::string(owner) + ": " + name + " must be >= 1, got " +
                                std::to_string(value));
  }
}

}  // namespace

template <class T>
LRScheduler<T>::LRScheduler(const char* name, Optimizer<T>& optimizer)
    : name_(name), optimizer_(optimizer), base_lr_(optimizer.learning_rate()) {}

template <class T>
void LRScheduler<T>::start() {
  step();
}

template <class T>
void LRScheduler<T>::step() {
  ++last_epoch_;
  optimizer_.set_learning_rate(next_lr(optimizer_.learning_rate()));
}

template <class T>
NamedArrays<T> LRScheduler<T>::state() const {
  NamedArrays<T> state;
  state.emplace_back("last_epoch", Array<T>(static_cast<T>(last_epoch_)));
  state.emplace_back("base_lr", Array<T>(static_cast<T>(base_lr_)));
  return state;
}

template <class T>
void LRScheduler<T>::load_state(const NamedArrays<T>& state) {
  const std::string caller = std::string(name_) + "::load_state";
  const std::vector<T> values =
      detail::read_scalar_entries<T>(caller, state, {"last_epoch", "base_lr"});
  const long long last_epoch = detail::to_count(caller.c_str(), "last_epoch", values[0]);
  const double base_lr = detail::restore_precision(values[1], base_lr_);
  detail::check_non_negative(caller.c_str(), "base_lr", base_lr);
  last_epoch_ = last_epoch;
  base_lr_ = base_lr;
}

template <class T>
StepLR<T>::StepLR(Optimizer<T>& optimizer, StepLROptions options)
    : LRScheduler<T>("StepLR", optimizer), options_(options) {
  check_at_least_one(this->name(), "step_size", options_.step_size);
  detail::check_non_negative(this->name(), "gamma", options_.gamma);
  this->start();
}

template <class T>
double StepLR<T>::next_lr(double lr) const {
  const std::int64_t epoch = this->last_epoch();
  if (epoch == 0 || epoch % options_.step_size != 0) {
    return lr;
  }
  return lr * options_.gamma;
}

template <class T>
ExponentialLR<T>::ExponentialLR(Optimizer<T>& optimizer, ExponentialLROptions options)
    : LRScheduler<T>("ExponentialLR", optimizer), options_(options) {
  detail::check_non_negative(this->name(), "gamma", options_.gamma);
  this->start();
}

template <class T>
double ExponentialLR<T>::next_lr(double lr) const {
  return this->last_epoch() == 0 ? lr : lr * options_.gamma;
}

template <class T>
CosineAnnealingLR<T>::CosineAnnealingLR(Optimizer<T>& optimizer,
                                        CosineAnnealingLROptions options)
    : LRScheduler<T>("CosineAnnealingLR", optimizer), options_(options) {
  check_at_least_one(this->name(), "t_max", options_.t_max);
  detail::check_non_negative(this->name(), "eta_min", options_.eta_min);
  this->start();
}

template <class T>
double CosineAnnealingLR<T>::next_lr(double lr) const {
  constexpr double pi = std::numbers::pi;
  const std::int64_t epoch = this->last_epoch();
  const double t_max = static_cast<double>(options_.t_max);
  const double eta_min = options_.eta_min;
  if (epoch == 0) {
    return lr;
  }
  // One epoch past the minimum, the ratio below would divide by
  // 1 + cos(pi) = 0, so torch adds the first rising step's increment instead.
  if ((epoch - 1 - options_.t_max) % (2 * options_.t_max) == 0) {
    return lr + (this->base_learning_rate() - eta_min) * (1 - std::cos(pi / t_max)) / 2;
  }
  const double ratio = (1 + std::cos(pi * static_cast<double>(epoch) / t_max)) /
                       (1 + std::cos(pi * static_cast<double>(epoch - 1) / t_max));
  return ratio * (lr - eta_min) + eta_min;
}

template <class T>
LinearLR<T>::LinearLR(Optimizer<T>& optimizer, LinearLROptions options)
    : LRScheduler<T>("LinearLR", optimizer), options_(options) {
  if (!(options_.start_factor > 0 && options_.start_factor <= 1)) {
    throw std::invalid_argument(std::string(this->name()) +
                                ": start_factor must be in (0, 1], got " +
                                detail::format_number(options_.start_factor));
  }
  detail::check_closed(this->name(), "end_factor", options_.end_factor, 0, 1);
  check_at_least_one(this->name(), "total_iters", options_.total_iters);
  this->start();
}

template <class T>
double LinearLR<T>::next_lr(double lr) const {
  const std::int64_t epoch = this->last_epoch();
  const double start = options_.start_factor;
  const double change = options_.end_factor - options_.start_factor;
  if (epoch == 0) {
    return lr * start;
  }
  if (epoch > options_.total_iters) {
    return lr;
  }
  // The ratio of this epoch's multiplier to the previous epoch's.
  return lr * (1 + change / (static_cast<double>(options_.total_iters) * start +
                             static_cast<double>(epoch - 1) * change));
}

template class LRScheduler<float>;
template class LRScheduler<double>;
template class StepLR<float>;
template class StepLR<double>;
template class ExponentialLR<float>;
template class ExponentialLR<double>;
template class CosineAnnealingLR<float>;
template class CosineAnnealingLR<double>;
template class LinearLR<float>;
template class LinearLR<double>;

}  // namespace tapegrad
