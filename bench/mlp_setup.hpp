// The Fashion-MNIST MLP benchmark setup that tapegrad_bench and torch_bench
// share, so both train the same model on the same batches.
//
// The model is 784-256-128-10 with ReLU between the Dense layers and
// cross-entropy on the logits. Batches of 128 follow file order with no
// shuffling, so the last batch has 96 samples. SGD uses learning rate 0.1 and
// momentum 0.9, for one epoch over the 60,000 training images scaled to [0, 1].
#pragma once

#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>

#include "fixed_values.hpp"

namespace bench {

inline constexpr std::array<std::size_t, 4> mlp_sizes = {784, 256, 128, 10};
inline constexpr std::size_t mlp_batch_size = 128;
inline constexpr double mlp_learning_rate = 0.1;
inline constexpr double mlp_momentum = 0.9;
inline constexpr const char* fashion_mnist_images =
    "/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz";
inline constexpr const char* fashion_mnist_labels =
    "/usr/share/datasets/fashion-mnist/train-labels-idx1-ubyte.gz";

/// Fills the weight [out, in] (or the bias [out]) of Dense layer `layer` with
/// values uniform in [-1/sqrt(in), 1/sqrt(in)), the range of PyTorch's default
/// Linear initialization, drawn by fill_fixed_values.
inline void fill_mlp_parameter(float* data, std::size_t count, std::size_t layer, bool is_bias) {
  fill_fixed_values(data, count, static_cast<std::uint32_t>(2 * layer + (is_bias ? 2 : 1)));
  const float bound = 1.0f / std::sqrt(static_cast<float>(mlp_sizes[layer]));
  for (std::size_t index = 0; index < count; ++index) {
    data[index] *= bound;
  }
}

}  // namespace bench
