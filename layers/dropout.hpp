// Dropout: zeroes each input entry with probability p in training mode and
// scales the survivors by 1 / (1 - p) ("inverted dropout"), so the expected
// output equals the input and evaluation mode needs no rescaling. In
// evaluation mode it returns its input unchanged.
//
// Shapes: the output has the input's shape.
#pragma once

#include <cstdint>
#include <string>

#include <tapegrad/core/random.hpp>
#include <tapegrad/layers/module.hpp>

namespace tapegrad {

template <class T = float>
class Dropout : public Module<T> {
 public:
  /// Draws its masks from a Generator seeded with `seed`: the same seed gives
  /// the same sequence of masks. Raises `std::invalid_argument` unless
  /// 0 <= p <= 1. With p = 1 every entry is zeroed.
  /// NOTE: two Dropout layers with the same seed drop the same positions of
  /// same-shaped inputs; give each layer of a model its own seed.
  explicit Dropout(double p = 0.5, std::uint64_t seed = 0);

  /// Returns input * mask, where the mask is a constant holding 0 with
  /// probability p and 1 / (1 - p) otherwise, so the gradient is
  /// grad_out * mask. A new mask is drawn on every call in training mode.
  Tensor<T> forward(const Tensor<T>& input) override;

  /// Returns `Dropout(p=0.5)`.
  std::string to_string() const override;

  double p() const noexcept { return p_; }

 private:
  double p_;
  Generator generator_;
};

extern template class Dropout<float>;
extern template class Dropout<double>;

}  // namespace tapegrad
