// Activation layers: ReLU, LeakyReLU, Sigmoid, Tanh and Softmax as modules,
// for use inside a Sequential. Each forward is one core op, from
// core/ops/unary.hpp or, for softmax, core/ops/loss.hpp, and none has
// parameters.
//
// Shapes: the output has the input's shape.
#pragma once

#include <cstdint>
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

/// exp(x) / sum(exp(x)) along `axis` (negative counts from the end). For
/// training a classifier, prefer logits with cross_entropy, which is more
/// stable than softmax followed by a log.
template <class T = float>
class Softmax : public Module<T> {
 public:
  explicit Softmax(std::int64_t axis = -1) : axis_(axis) {}
  Tensor<T> forward(const Tensor<T>& input) override;
  /// Returns `Softmax(axis=-1)`.
  std::string to_string() const override;
  std::int64_t axis() const noexcept { return axis_; }

 private:
  std::int64_t axis_;
};

extern template class ReLU<float>;
extern template class ReLU<double>;
extern template class LeakyReLU<float>;
extern template class LeakyReLU<double>;
extern template class Sigmoid<float>;
extern template class Sigmoid<double>;
extern template class Tanh<float>;
extern template class Tanh<double>;
extern template class Softmax<float>;
extern template class Softmax<double>;

}  // namespace tapegrad
