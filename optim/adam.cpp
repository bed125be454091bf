#include <tapegrad/optim/adam.hpp>

#include <cmath>

#include <xtensor/xmath.hpp>
#include <xtensor/xnoalias.hpp>
#include <xtensor/xoperation.hpp>

#include <tapegrad/optim/hyperparameter_check.hpp>

namespace tapegrad {
namespace {

/// Adam and AdamW share their options apart from the defaults and the
/// meaning of weight_decay, which is checked the same way.
template <class Options>
void check_options(const char* owner, const Options& options) {
  detail::check_half_open(owner, "beta1", options.beta1, 0, 1);
  detail::check_half_open(owner, "beta2", options.beta2, 0, 1);
  detail::check_non_negative(owner, "eps", options.eps);
  detail::check_non_negative(owner, "weight_decay", options.weight_decay);
}

/// Updates the moments m and v from `grad` (an unevaluated expression, the
/// gradient with any L2 term added), then the parameter, all in place.
template <class T, class Options, class E>
void apply_adam(const Options& options, double lr, std::int64_t step, Array<T>& value,
                const E& grad, Array<T>& exp_avg, Array<T>& exp_avg_sq) {
  const T beta1 = static_cast<T>(options.beta1);
  const T beta2 = static_cast<T>(options.beta2);
  xt::noalias(exp_avg) = beta1 * exp_avg + static_cast<T>(1 - options.beta1) * grad;
  xt::noalias(exp_avg_sq) =
      beta2 * exp_avg_sq + static_cast<T>(1 - options.beta2) * grad * grad;

  // The bias corrections and step size are computed in double, as torch does
  // with Python floats, and only then rounded to T.
  const double steps = static_cast<double>(step);
  const double bias_correction1 = 1 - std::pow(options.beta1, steps);
  const double bias_correction2 = 1 - std::pow(options.beta2, steps);
  const T step_size = static_cast<T>(lr / bias_correction1);
  const T bias_correction2_sqrt = static_cast<T>(std::sqrt(bias_correction2));
  const T eps = static_cast<T>(options.eps);
  xt::noalias(value) -=
      step_size * (exp_avg / (xt::sqrt(exp_avg_sq) / bias_correction2_sqrt + eps));
}

}  // namespace

template <class T>
Adam<T>::Adam(std::vector<Tensor<T>> parameters, AdamOptions options)
    : Optimizer<T>("Adam", std::move(parameters), options.lr), options_(options) {
  check_options(this->name(), options_);
  exp_avg_ = this->add_buffer("exp_avg");
  exp_avg_sq_ = this->add_buffer("exp_avg_sq");
}

template <class T>
void Adam<T>::update(std::size_t index, Array<T>& value, const Array<T>& grad,
                     std::int64_t step) {
  Array<T>& exp_avg = this->buffer(exp_avg_, index);
  Array<T>& exp_avg_sq = this->buffer(exp_avg_sq_, index);
  const double lr = this->learning_rate();
  if (options_.weight_decay == 0) {
    apply_adam(options_, lr, step, value, grad, exp_avg, exp_avg_sq);
  } else {
    // The moments are updated before the parameter, so `value` in this
    // expression is still the value from before the step.
    apply_adam(options_, lr, step, value, grad + static_cast<T>(options_.weight_decay) * value,
               exp_avg, exp_avg_sq);
  }
}

template <class T>
std::vector<typename Optimizer<T>::Hyperparameter> Adam<T>::hyperparameters() const {
  return {{"beta1", options_.beta1},
          {"beta2", options_.beta2},
          {"eps", options_.eps},
          {"weight_decay", options_.weight_decay}};
}

template <class T>
void Adam<T>::set_hyperparameters(std::span<const double> values) {
  AdamOptions options = options_;
  options.beta1 = values[0];
  options.beta2 = values[1];
  options.eps = values[2];
  options.weight_decay = values[3];
  check_options(this->name(), options);
  options_ = options;
}

template <class T>
AdamW<T>::AdamW(std::vector<Tensor<T>> parameters, AdamWOptions options)
    : Optimizer<T>("AdamW", std::move(parameters), options.lr), options_(options) {
  check_options(this->name(), options_);
  exp_avg_ = this->add_buffer("exp_avg");
  exp_avg_sq_ = this->add_buffer("exp_avg_sq");
}

template <class T>
void AdamW<T>::update(std::size_t index, Array<T>& value, const Array<T>& grad,
                      std::int64_t step) {
  const double lr = this->learning_rate();
  xt::noalias(value) *= static_cast<T>(1 - lr * options_.weight_decay);
  apply_adam(options_, lr, step, value, grad, this->buffer(exp_avg_, index),
             this->buffer(exp_avg_sq_, index));
}

template <class T>
std::vector<typename Optimizer<T>::Hyperparameter> AdamW<T>::hyperparameters() const {
  return {{"beta1", options_.beta1},
          {"beta2", options_.beta2},
          {"eps", options_.eps},
          {"weight_decay", options_.weight_decay}};
}

template <class T>
void AdamW<T>::set_hyperparameters(std::span<const double> values) {
  AdamWOptions options = options_;
  options.beta1 = values[0];
  options.beta2 = values[1];
  options.eps = values[2];
  options.weight_decay = values[3];
  check_options(this->name(), options);
  options_ = options;
}

template class Adam<float>;
template class Adam<double>;
template class AdamW<float>;
template class AdamW<double>;

}  // namespace tapegrad
