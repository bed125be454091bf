// Adagrad with learning-rate decay, as torch.optim.Adagrad.
#pragma once

#include <tapegrad/optim/optimizer.hpp>

namespace tapegrad {

struct AdagradOptions {
  double lr = 1e-2;
  /// The learning rate at step t is lr / (1 + (t - 1) * lr_decay).
  double lr_decay = 0.0;
  /// L2 penalty: weight_decay * p is added to the gradient.
  double weight_decay = 0.0;
  /// Starting value of every entry of the sum of squared gradients.
  double initial_accumulator_value = 0.0;
  /// Added to the denominator for numerical stability.
  double eps = 1e-10;
};

/// Adagrad over `parameters`, for each parameter p with gradient g at step t:
///
///     g = g + weight_decay * p
///     s = s + g^2
///     p = p - lr / (1 + (t - 1) * lr_decay) * g / (sqrt(s) + eps)
///
/// s starts at initial_accumulator_value and is `sum.i` in `state()`.
///
///     Adagrad<float> optimizer(model.parameters(), AdagradOptions{.lr = 0.1});
template <class T>
class Adagrad : public Optimizer<T> {
 public:
  Adagrad(std::vector<Tensor<T>> parameters, AdagradOptions options = {});

 protected:
  void update(std::size_t index, Array<T>& value, const Array<T>& grad,
              std::int64_t step) override;
  std::vector<typename Optimizer<T>::Hyperparameter> hyperparameters() const override;
  void set_hyperparameters(std::span<const double> values) override;

 private:
  /// The options in force; `options_.lr` is unused after construction because
  /// the base class owns the learning rate.
  AdagradOptions options_;
  std::size_t sum_;
};

extern template class Adagrad<float>;
extern template class Adagrad<double>;

}  // namespace tapegrad
