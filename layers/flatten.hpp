// Flatten: collapses dimensions start_axis.. into one, as between a
// convolutional stack and a Dense layer.
//
// Shapes: [N, C, H, W] -> [N, C * H * W] with the default start_axis = 1.
#pragma once

#include <cstdint>
#include <string>

#include <tapegrad/layers/module.hpp>

namespace tapegrad {

template <class T = float>
class Flatten : public Module<T> {
 public:
  /// `start_axis` may be negative, counting from the end.
  explicit Flatten(std::int64_t start_axis = 1) : start_axis_(start_axis) {}

  /// Returns flatten(input, start_axis) (see core/ops/shape.hpp).
  Tensor<T> forward(const Tensor<T>& input) override;

  /// Returns `Flatten(start_axis=1)`.
  std::string to_string() const override;

  std::int64_t start_axis() const noexcept { return start_axis_; }

 private:
  std::int64_t start_axis_;
};

extern template class Flatten<float>;
extern template class Flatten<double>;

}  // namespace tapegrad
