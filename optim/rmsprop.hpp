// RMSprop with optional momentum and centering, as torch.optim.RMSprop.
#pragma once

#include <tapegrad/optim/optimizer.hpp>

namespace tapegrad {

struct RMSpropOptions {
  double lr = 1e-2;
  /// Decay rate of the running mean of squared gradients, in [0, 1].
  double alpha = 0.99;
  /// Added to the denominator for numerical stability.
  double eps = 1e-8;
  /// L2 penalty: weight_decay * p is added to the gradient.
  double weight_decay = 0.0;
  double momentum = 0.0;
  /// Divide by an estimate of the gradient's variance instead of its raw
  /// second moment.
  bool centered = false;
};

/// RMSprop over `parameters`, for each parameter p with gradient g:
///
///     g = g + weight_decay * p
///     s = alpha * s + (1 - alpha) * g^2
///     a = alpha * a + (1 - alpha) * g        (centered only)
///     d = sqrt(s - a^2) + eps   (centered)   or   d = sqrt(s) + eps
///     b = momentum * b + g / d,  p = p - lr * b   (momentum > 0)
///     p = p - lr * g / d                          (momentum = 0)
///
/// s, a and b start at 0 and are `square_avg.i`, `grad_avg.i` (centered only)
/// and `momentum_buffer.i` (momentum > 0 only) in `state()`.
///
///     RMSprop<float> optimizer(model.parameters(), RMSpropOptions{.lr = 1e-3, .centered = true});
template <class T>
class RMSprop : public Optimizer<T> {
 public:
  RMSprop(std::vector<Tensor<T>> parameters, RMSpropOptions options = {});

 protected:
  void update(std::size_t index, Array<T>& value, const Array<T>& grad,
              std::int64_t step) override;
  std::vector<typename Optimizer<T>::Hyperparameter> hyperparameters() const override;
  void set_hyperparameters(std::span<const double> values) override;

 private:
  /// The options in force; `options_.lr` is unused after construction because
  /// the base class owns the learning rate.
  RMSpropOptions options_;
  std::size_t square_avg_;
  /// Indices of the buffers that exist only when centered or momentum > 0.
  std::size_t grad_avg_ = 0;
  std::size_t momentum_buffer_ = 0;
};

extern template class RMSprop<float>;
extern template class RMSprop<double>;

}  // namespace tapegrad
