// MLP: a multilayer perceptron built as a Sequential.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include <tapegrad/core/random.hpp>
#include <tapegrad/layers/sequential.hpp>

namespace tapegrad {

/// Returns a Sequential of Dense and ReLU layers for `sizes` = {in, hidden...,
/// out}: Dense, ReLU, Dense, ReLU, ..., Dense, with the last Dense giving
/// logits (no activation). ReLU is a separate module, as in a PyTorch
/// nn.Sequential of Linear and ReLU, so `MLP({784, 256, 128, 10})` has the
/// parameters `0.weight`, `0.bias`, `2.weight`, `2.bias`, `4.weight`,
/// `4.bias`. Every Dense draws its weights from `generator` in order.
/// Raises `std::invalid_argument` for fewer than two sizes or a size of 0.
///
/// Shapes: [N, sizes.front()] -> [N, sizes.back()], or [in] -> [out].
template <class T = float>
std::shared_ptr<Sequential<T>> MLP(const std::vector<std::size_t>& sizes, Generator& generator);

/// `MLP` with a Generator seeded with `seed`.
template <class T = float>
std::shared_ptr<Sequential<T>> MLP(const std::vector<std::size_t>& sizes, std::uint64_t seed = 0);

}  // namespace tapegrad
