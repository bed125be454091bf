// Reductions shared by the loss functions.
//
// A reduced loss (Reduction::mean or ::sum) is 0-D, and its backward scales
// the 0-D grad_out by `attributes.scalar`: 1 / count for the mean, 1 for the
// sum. Reduction::none keeps one loss per sample or element, and its backward
// multiplies by grad_out elementwise. `attributes.flags` stores the Reduction.
#pragma once

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <utility>

#include <tapegrad/core/node.hpp>
#include <tapegrad/core/ops/loss.hpp>

namespace tapegrad::detail {

inline Reduction reduction_of(const NodeAttributes& attributes) {
  return static_cast<Reduction>(attributes.flags);
}

/// Returns the attributes a loss backward reads: the reduction and its scale.
inline NodeAttributes loss_attributes(Reduction reduction, std::size_t count) {
  NodeAttributes attributes;
  attributes.flags = static_cast<std::int64_t>(reduction);
  attributes.scalar = reduction == Reduction::mean ? 1.0 / static_cast<double>(count) : 1.0;
  return attributes;
}

/// Returns the 0-D grad_out of a mean or sum loss times its scale.
template <class T>
T reduced_upstream(const Node<T>& node, const Array<T>& grad_out) {
  return *grad_out.begin() * static_cast<T>(node.attributes.scalar);
}

/// Raises `std::invalid_argument` naming `op` and the shape of `input` when
/// `reduction` is a mean over zero elements.
template <class S>
void check_mean_count(const char* op, const char* input, const S& shape, std::size_t count,
                      Reduction reduction) {
  if (reduction == Reduction::mean && count == 0) {
    throw std::invalid_argument(std::string(op) + ": the mean over " + input + " of shape " +
                                format_shape(shape) +
                                " is undefined, because it is empty; use Reduction::sum or "
                                "Reduction::none");
  }
}

/// Returns the per-element `losses` reduced as `reduction` asks.
template <class T>
Array<T> reduce_losses(Array<T>&& losses, Reduction reduction) {
  if (reduction == Reduction::none) {
    return std::move(losses);
  }
  // A plain loop in double: float losses lose less precision over a large batch,
  // and xtensor 0.24's xt::sum with evaluation_strategy::immediate over all axes crashes.
  double total = 0.0;
  for (const T loss : losses) {
    total += static_cast<double>(loss);
  }
  if (reduction == Reduction::mean) {
    total /= static_cast<double>(losses.size());
  }
  return Array<T>(static_cast<T>(total));
}

}  // namespace tapegrad::detail
