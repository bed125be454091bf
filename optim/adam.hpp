// Adam with L2 weight decay (torch.optim.Adam) and with decoupled weight decay
// (torch.optim.AdamW). AMSGrad is not implemented.
#pragma once

#include <tapegrad/optim/optimizer.hpp>

namespace tapegrad {

struct AdamOptions {
  double lr = 1e-3;
  /// Decay rate of the running mean of gradients, in [0, 1).
  double beta1 = 0.9;
  /// Decay rate of the running mean of squared gradients, in [0, 1).
  double beta2 = 0.999;
  /// Added to the denominator for numerical stability.
  double eps = 1e-8;
  /// L2 penalty: weight_decay * p is added to the gradient.
  double weight_decay = 0.0;
};

struct AdamWOptions {
  double lr = 1e-3;
  double beta1 = 0.9;
  double beta2 = 0.999;
  double eps = 1e-8;
  /// Decoupled decay: p shrinks by lr * weight_decay * p at each step.
  double weight_decay = 1e-2;
};

/// Adam over `parameters`, for each parameter p with gradient g at step t:
///
///     g = g + weight_decay * p
///     m = beta1 * m + (1 - beta1) * g
///     v = beta2 * v + (1 - beta2) * g^2
///     p = p - lr / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)
///
/// m and v start at 0 and are `exp_avg.i` and `exp_avg_sq.i` in `state()`.
///
///     Adam<float> optimizer(model.parameters(), AdamOptions{.lr = 1e-3});
template <class T>
class Adam : public Optimizer<T> {
 public:
  Adam(std::vector<Tensor<T>> parameters, AdamOptions options = {});

 protected:
  void update(std::size_t index, Array<T>& value, const Array<T>& grad,
              std::int64_t step) override;
  std::vector<typename Optimizer<T>::Hyperparameter> hyperparameters() const override;
  void set_hyperparameters(std::span<const double> values) override;

 private:
  /// The options in force; `options_.lr` is unused after construction because
  /// the base class owns the learning rate.
  AdamOptions options_;
  std::size_t exp_avg_;
  std::size_t exp_avg_sq_;
};

/// AdamW over `parameters`: Adam without the L2 term, and with the weight
/// decay applied to the parameter directly before the Adam update:
///
///     p = p * (1 - lr * weight_decay)
///     m, v and p updated from g as in Adam
///
///     AdamW<float> optimizer(model.parameters(), AdamWOptions{.lr = 1e-3, .weight_decay = 0.01});
template <class T>
class AdamW : public Optimizer<T> {
 public:
  AdamW(std::vector<Tensor<T>> parameters, AdamWOptions options = {});

 protected:
  void update(std::size_t index, Array<T>& value, const Array<T>& grad,
              std::int64_t step) override;
  std::vector<typename Optimizer<T>::Hyperparameter> hyperparameters() const override;
  void set_hyperparameters(std::span<const double> values) override;

 private:
  /// The options in force; `options_.lr` is unused after construction.
  AdamWOptions options_;
  std::size_t exp_avg_;
  std::size_t exp_avg_sq_;
};

extern template class Adam<float>;
extern template class Adam<double>;
extern template class AdamW<float>;
extern template class AdamW<double>;

}  // namespace tapegrad
