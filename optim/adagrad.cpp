#include <tapegrad/optim/adagrad.hpp>

#include <xtensor/xmath.hpp>
#include <xtensor/xnoalias.hpp>
#include <xtensor/xoperation.hpp>

#include <tapegrad/optim/hyperparameter_check.hpp>

namespace tapegrad {
namespace {

void check_options(const char* owner, const AdagradOptions& options) {
  detail::check_non_negative(owner, "lr_decay", options.lr_decay);
  detail::check_non_negative(owner, "weight_decay", options.weight_decay);
  detail::check_non_negative(owner, "initial_accumulator_value",
                             options.initial_accumulator_value);
  detail::check_non_negative(owner, "eps", options.eps);
}

/// Applies the update with `grad`, the gradient with weight decay added, as an
/// unevaluated expression.
template <class T, class G>
void apply_adagrad(const AdagradOptions& options, double lr, std::int64_t step, Array<T>& value,
                   const G& grad, Array<T>& sum) {
  const double decayed_lr = lr / (1 + static_cast<double>(step - 1) * options.lr_decay);
  const T step_size = static_cast<T>(decayed_lr);
  const T eps = static_cast<T>(options.eps);
  xt::noalias(sum) += grad * grad;
  xt::noalias(value) -= step_size * (grad / (xt::sqrt(sum) + eps));
}

}  // namespace

template <class T>
Adagrad<T>::Adagrad(std::vector<Tensor<T>> parameters, AdagradOptions options)
    : Optimizer<T>("Adagrad", std::move(parameters), options.lr), options_(options) {
  check_options(this->name(), options_);
  sum_ = this->add_buffer("sum", static_cast<T>(options_.initial_accumulator_value));
}

template <class T>
void Adagrad<T>::update(std::size_t index, Array<T>& value, const Array<T>& grad,
                        std::int64_t step) {
  Array<T>& sum = this->buffer(sum_, index);
  const double lr = this->learning_rate();
  if (options_.weight_decay == 0) {
    apply_adagrad(options_, lr, step, value, grad, sum);
  } else {
    // The sum is updated before the parameter, so `value` in this expression
    // is the value from before the step in both statements.
    apply_adagrad(options_, lr, step, value,
                  grad + static_cast<T>(options_.weight_decay) * value, sum);
  }
}

template <class T>
std::vector<typename Optimizer<T>::Hyperparameter> Adagrad<T>::hyperparameters() const {
  return {{"lr_decay", options_.lr_decay},
          {"weight_decay", options_.weight_decay},
          {"initial_accumulator_value", options_.initial_accumulator_value},
          {"eps", options_.eps}};
}

template <class T>
void Adagrad<T>::set_hyperparameters(std::span<const double> values) {
  AdagradOptions options = options_;
  options.lr_decay = values[0];
  options.weight_decay = values[1];
  options.initial_accumulator_value = values[2];
  options.eps = values[3];
  check_options(this->name(), options);
  options_ = options;
}

template class Adagrad<float>;
template class Adagrad<double>;

}  // namespace tapegrad
