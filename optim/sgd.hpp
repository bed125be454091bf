// Stochastic gradient descent with momentum, dampening, Nesterov momentum and
// L2 weight decay, as torch.optim.SGD.
#pragma once

#include <tapegrad/optim/optimizer.hpp>

namespace tapegrad {

struct SGDOptions {
  /// torch.optim.SGD has no default learning rate; 0.01 is the common choice.
  double lr = 0.01;
  double momentum = 0.0;
  /// Share of the new gradient left out of the momentum buffer, in [0, 1].
  double dampening = 0.0;
  /// L2 penalty: weight_decay * p is added to the gradient.
  double weight_decay = 0.0;
  /// Nesterov momentum; needs momentum > 0 and dampening 0.
  bool nesterov = false;
};

/// SGD over `parameters`, for each parameter p with gradient g at step t:
///
///     g = g + weight_decay * p
///     b = g                                      at t = 1
///     b = momentum * b + (1 - dampening) * g     at t > 1
///     g = g + momentum * b  (Nesterov)   or   g = b
///     p = p - lr * g
///
/// The momentum lines apply only when momentum != 0, and the buffer b
/// (`momentum_buffer.i` in `state()`) exists only then.
///
///     SGD<float> optimizer(model.parameters(), SGDOptions{.lr = 0.1, .momentum = 0.9});
template <class T>
class SGD : public Optimizer<T> {
 public:
  SGD(std::vector<Tensor<T>> parameters, SGDOptions options = {});

 protected:
  void update(std::size_t index, Array<T>& value, const Array<T>& grad,
              std::int64_t step) override;
  std::vector<typename Optimizer<T>::Hyperparameter> hyperparameters() const override;
  void set_hyperparameters(std::span<const double> values) override;

 private:
  /// The options in force; `options_.lr` is unused after construction because
  /// the base class owns the learning rate.
  SGDOptions options_;
  /// Index of the momentum buffers when momentum != 0.
  std::size_t momentum_buffer_ = 0;
};

extern template class SGD<float>;
extern template class SGD<double>;

}  // namespace tapegrad
