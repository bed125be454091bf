// Activation layers: ReLU, LeakyReLU, Sigmoid and Tanh as modules, for use
// inside a Sequential. Each forward is one core op from core/ops/unary.hpp,
// and none has parameters.
//
// Shapes: the output has the input's shape.
#pragma once

#include <string>

#include <tapegrad/layers/module.hpp>

namespace tapegrad {

/// max(x, 0), with gradient 0 at x = 0.
template <class T = float>
class ReLU : public Module<T> {
 public:
  Tensor<T> forward(const Tensor<T>& input) override;
  std::string to_string() const override { return "ReLU()"; }
};

/// x where x > 0, slope * x elsewhere.
template <class T = float>
class LeakyReLU : public Module<T> {
 public:
  /// Raises `std::invalid_argument` for a slope that is not finite.
  explicit LeakyReLU(double slope = 0.01);
  Tensor<T> forward(const Tensor<T>& input) override;
  /// Returns `LeakyReLU(slope=0.01)`.
  std::string to_string() const override;
  double slope() const noexcept { return slope_; }

 private:
  double slope_;
};

/// 1 / (1 + e^-x).
template <class T = float>
class Sigmoid : public Module<T> {
 public:
  Tensor<T> forward(const Tensor<T>& input) override;
  std::string to_string() const override { return "Sigmoid()"; }
};

template <class T = float>
class Tanh : public Module<T> {
 public:
  Tensor<T> forward(const Tensor<T>& input) override;
  std::string to_string() const override { return "Tanh()"; }
};

extern template class ReLU<float>;
extern template class ReLU<double>;
extern template class LeakyReLU<float>;
extern template class LeakyReLU<double>;
extern template class Sigmoid<float>;
extern template class Sigmoid<double>;
extern template class Tanh<float>;
extern template class Tanh<double>;

}  // namespace tapegrad
