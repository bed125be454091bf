#include <tapegrad/optim/sgd.hpp>

#include <stdexcept>

#include <xtensor/xnoalias.hpp>
#include <xtensor/xoperation.hpp>

#include <tapegrad/optim/hyperparameter_check.hpp>

namespace tapegrad {
namespace {

void check_options(const char* owner, const SGDOptions& options) {
  detail::check_non_negative(owner, "momentum", options.momentum);
  detail::check_closed(owner, "dampening", options.dampening, 0, 1);
  detail::check_non_negative(owner, "weight_decay", options.weight_decay);
  if (options.nesterov && !(options.momentum > 0 && options.dampening == 0)) {
    throw std::invalid_argument(std::string(owner) +
                                ": nesterov needs momentum > 0 and dampening 0, got momentum " +
                                detail::format_number(options.momentum) + ", dampening " +
                                detail::format_number(options.dampening));
  }
}

/// Applies the update with `d_p`, the gradient with weight decay added, as an
/// unevaluated expression: every array is written in place, without
/// temporaries.
template <class T, class E>
void apply_sgd(const SGDOptions& options, double lr, Array<T>& value, const E& d_p,
               Array<T>* momentum_buffer, std::int64_t step) {
  const T step_size = static_cast<T>(lr);
  if (options.momentum == 0) {
    xt::noalias(value) -= step_size * d_p;
    return;
  }
  Array<T>& buffer = *momentum_buffer;
  const T momentum = static_cast<T>(options.momentum);
  if (step == 1) {
    xt::noalias(buffer) = d_p;
  } else {
    xt::noalias(buffer) = momentum * buffer + static_cast<T>(1 - options.dampening) * d_p;
  }
  if (options.nesterov) {
    xt::noalias(value) -= step_size * (d_p + momentum * buffer);
  } else {
    xt::noalias(value) -= step_size * buffer;
  }
}

}  // namespace

template <class T>
SGD<T>::SGD(std::vector<Tensor<T>> parameters, SGDOptions options)
    : Optimizer<T>("SGD", std::move(parameters), options.lr), options_(options) {
  check_options(this->name(), options_);
  if (options_.momentum != 0) {
    momentum_buffer_ = this->add_buffer("momentum_buffer");
  }
}

template <class T>
void SGD<T>::update(std::size_t index, Array<T>& value, const Array<T>& grad,
                    std::int64_t step) {
  Array<T>* buffer = options_.momentum != 0 ? &this->buffer(momentum_buffer_, index) : nullptr;
  const double lr = this->learning_rate();
  if (options_.weight_decay == 0) {
    apply_sgd(options_, lr, value, grad, buffer, step);
  } else {
    apply_sgd(options_, lr, value, grad + static_cast<T>(options_.weight_decay) * value, buffer,
              step);
  }
}

template <class T>
std::vector<typename Optimizer<T>::Hyperparameter> SGD<T>::hyperparameters() const {
  return {{"momentum", options_.momentum},
          {"dampening", options_.dampening},
          {"weight_decay", options_.weight_decay},
          {"nesterov", options_.nesterov ? 1.0 : 0.0}};
}

template <class T>
void SGD<T>::set_hyperparameters(std::span<const double> values) {
  SGDOptions options = options_;
  options.momentum = values[0];
  options.dampening = values[1];
  options.weight_decay = values[2];
  options.nesterov = detail::to_flag(this->name(), "nesterov", values[3]);
  check_options(this->name(), options);
  if ((options.momentum != 0) != (options_.momentum != 0)) {
    throw std::invalid_argument(
        std::string(this->name()) + ": the state has momentum " +
        detail::format_number(options.momentum) + " but this optimizer was built with momentum " +
        detail::format_number(options_.momentum) +
        ", so the momentum buffers differ; build it with the options the state was saved with");
  }
  options_ = options;
}

template class SGD<float>;
template class SGD<double>;

}  // namespace tapegrad
