#include <tapegrad/optim/sgd.hpp>

#include <stdexcept>
#include <string>

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

// Applies the update in one pass over the arrays, element by element.
// `decayed_grad(i)` returns element i of the gradient with weight decay added.
// One xtensor expression per array would take two passes over the momentum
// buffer. In the MLP epoch benchmark those two passes took about a tenth of
// the training time.
template <class T, class DecayedGrad>
void apply_sgd(const SGDOptions& options, double lr, Array<T>& value,
               DecayedGrad decayed_grad, Array<T>* momentum_buffer, std::int64_t step) {
  const T step_size = static_cast<T>(lr);
  T* values = value.data();
  const std::size_t count = value.size();
  if (options.momentum == 0) {
    for (std::size_t i = 0; i < count; ++i) {
      values[i] -= step_size * decayed_grad(i);
    }
    return;
  }

  T* buffer = momentum_buffer->data();
  const T momentum = static_cast<T>(options.momentum);
  const T damping = static_cast<T>(1 - options.dampening);
  // The first step starts the buffer at the gradient, as torch.optim.SGD does.
  const bool first_step = step == 1;
  const auto next_velocity = [&](std::size_t i, T d_p) {
    return first_step ? d_p : momentum * buffer[i] + damping * d_p;
  };
  if (options.nesterov) {
    for (std::size_t i = 0; i < count; ++i) {
      const T d_p = decayed_grad(i);
      buffer[i] = next_velocity(i, d_p);
      values[i] -= step_size * (d_p + momentum * buffer[i]);
    }
  } else {
    for (std::size_t i = 0; i < count; ++i) {
      buffer[i] = next_velocity(i, decayed_grad(i));
      values[i] -= step_size * buffer[i];
    }
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
  // Shapes are checked where gradients and loaded state come in, so a
  // mismatch here is a bug, and the loops below would read past the arrays.
  if (grad.size() != value.size() || (buffer != nullptr && buffer->size() != value.size())) {
    throw std::logic_error(std::string(this->name()) + ": parameter " + std::to_string(index) +
                           " has shape " + format_shape(value.shape()) + " but its gradient has " +
                           format_shape(grad.shape()) + " and its momentum buffer " +
                           (buffer != nullptr ? format_shape(buffer->shape()) : "none"));
  }
  const double lr = this->learning_rate();
  const T* grads = grad.data();
  if (options_.weight_decay == 0) {
    apply_sgd(options_, lr, value, [grads](std::size_t i) { return grads[i]; }, buffer, step);
  } else {
    const T decay = static_cast<T>(options_.weight_decay);
    const T* values = value.data();
    const auto decayed_grad = [grads, values, decay](std::size_t i) {
      return grads[i] + decay * values[i];
    };
    apply_sgd(options_, lr, value, decayed_grad, buffer, step);
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
