#include <tapegrad/optim/rmsprop.hpp>

#include <stdexcept>

#include <xtensor/xmath.hpp>
#include <xtensor/xnoalias.hpp>
#include <xtensor/xoperation.hpp>

#include <tapegrad/optim/hyperparameter_check.hpp>

namespace tapegrad {
namespace {

void check_options(const char* owner, const RMSpropOptions& options) {
  detail::check_closed(owner, "alpha", options.alpha, 0, 1);
  detail::check_non_negative(owner, "eps", options.eps);
  detail::check_non_negative(owner, "weight_decay", options.weight_decay);
  detail::check_non_negative(owner, "momentum", options.momentum);
}

/// Finishes the update once the denominator d is known, as an unevaluated
/// expression `denominator`.
template <class T, class G, class D>
void apply_step(const RMSpropOptions& options, double lr, Array<T>& value, const G& grad,
                const D& denominator, Array<T>* momentum_buffer) {
  const T step_size = static_cast<T>(lr);
  if (options.momentum > 0) {
    Array<T>& buffer = *momentum_buffer;
    xt::noalias(buffer) = static_cast<T>(options.momentum) * buffer + grad / denominator;
    xt::noalias(value) -= step_size * buffer;
  } else {
    xt::noalias(value) -= step_size * (grad / denominator);
  }
}

/// Applies the update with `grad`, the gradient with weight decay added, as an
/// unevaluated expression.
template <class T, class G>
void apply_rmsprop(const RMSpropOptions& options, double lr, Array<T>& value, const G& grad,
                   Array<T>& square_avg, Array<T>* grad_avg, Array<T>* momentum_buffer) {
  const T alpha = static_cast<T>(options.alpha);
  const T one_minus_alpha = static_cast<T>(1 - options.alpha);
  const T eps = static_cast<T>(options.eps);
  xt::noalias(square_avg) = alpha * square_avg + one_minus_alpha * grad * grad;
  if (options.centered) {
    Array<T>& average = *grad_avg;
    xt::noalias(average) = alpha * average + one_minus_alpha * grad;
    apply_step(options, lr, value, grad, xt::sqrt(square_avg - average * average) + eps,
               momentum_buffer);
  } else {
    apply_step(options, lr, value, grad, xt::sqrt(square_avg) + eps, momentum_buffer);
  }
}

}  // namespace

template <class T>
RMSprop<T>::RMSprop(std::vector<Tensor<T>> parameters, RMSpropOptions options)
    : Optimizer<T>("RMSprop", std::move(parameters), options.lr), options_(options) {
  check_options(this->name(), options_);
  square_avg_ = this->add_buffer("square_avg");
  if (options_.centered) {
    grad_avg_ = this->add_buffer("grad_avg");
  }
  if (options_.momentum > 0) {
    momentum_buffer_ = this->add_buffer("momentum_buffer");
  }
}

template <class T>
void RMSprop<T>::update(std::size_t index, Array<T>& value, const Array<T>& grad,
                        std::int64_t /*step*/) {
  Array<T>& square_avg = this->buffer(square_avg_, index);
  Array<T>* grad_avg = options_.centered ? &this->buffer(grad_avg_, index) : nullptr;
  Array<T>* momentum_buffer =
      options_.momentum > 0 ? &this->buffer(momentum_buffer_, index) : nullptr;
  const double lr = this->learning_rate();
  if (options_.weight_decay == 0) {
    apply_rmsprop(options_, lr, value, grad, square_avg, grad_avg, momentum_buffer);
  } else {
    // With momentum the parameter is written last, so `value` in this
    // expression is the value from before the step wherever it is read.
    apply_rmsprop(options_, lr, value, grad + static_cast<T>(options_.weight_decay) * value,
                  square_avg, grad_avg, momentum_buffer);
  }
}

template <class T>
std::vector<typename Optimizer<T>::Hyperparameter> RMSprop<T>::hyperparameters() const {
  return {{"alpha", options_.alpha},
          {"eps", options_.eps},
          {"weight_decay", options_.weight_decay},
          {"momentum", options_.momentum},
          {"centered", options_.centered ? 1.0 : 0.0}};
}

template <class T>
void RMSprop<T>::set_hyperparameters(std::span<const double> values) {
  RMSpropOptions options = options_;
  options.alpha = values[0];
  options.eps = values[1];
  options.weight_decay = values[2];
  options.momentum = values[3];
  options.centered = detail::to_flag(this->name(), "centered", values[4]);
  check_options(this->name(), options);
  if (options.centered != options_.centered || (options.momentum > 0) != (options_.momentum > 0)) {
    throw std::invalid_argument(
        std::string(this->name()) + ": the state has centered " +
        detail::format_number(values[4]) + ", momentum " + detail::format_number(options.momentum) +
        " but this optimizer was built with centered " +
        (options_.centered ? "1" : "0") + ", momentum " +
        detail::format_number(options_.momentum) +
        ", so the buffers differ; build it with the options the state was saved with");
  }
  options_ = options;
}

template class RMSprop<float>;
template class RMSprop<double>;

}  // namespace tapegrad
