// Gradient accumulation used by every op's backward.
#pragma once

#include <algorithm>
#include <stdexcept>
#include <string>
#include <utility>

#include <xtensor/xmath.hpp>
#include <xtensor/xnoalias.hpp>
#include <xtensor/xtensor.hpp>

#include <tapegrad/core/tensor.hpp>

namespace tapegrad {

/// Sums `grad` over the dimensions that broadcasting added or stretched, so
/// the result has `shape`: leading extra dimensions are summed away, and
/// dimensions where `shape` has extent 1 are summed with the 1 kept.
template <class T, class S>
Array<T> sum_to_shape(const Array<T>& grad, const S& shape) {
  const std::size_t rank = grad.dimension();
  const std::size_t target_rank = shape.size();
  if (target_rank > rank) {
    throw std::logic_error("sum_to_shape: gradient " + format_shape(grad.shape()) +
                           " has lower rank than its operand " + format_shape(shape));
  }
  const std::size_t lead = rank - target_rank;
  std::vector<std::size_t> axes;
  for (std::size_t axis = 0; axis < rank; ++axis) {
    if (axis < lead) {
      axes.push_back(axis);
    } else if (shape[axis - lead] == 1 && grad.shape()[axis] != 1) {
      axes.push_back(axis);
    } else if (shape[axis - lead] != grad.shape()[axis]) {
      throw std::logic_error("sum_to_shape: gradient " + format_shape(grad.shape()) +
                             " does not broadcast from operand " + format_shape(shape));
    }
  }
  Array<T> summed = xt::sum(grad, axes);
  summed.reshape(shape);
  return summed;
}

/// Adds a gradient into `target`'s pending gradient for this backward pass,
/// summing broadcast dimensions first. Does nothing when `target` is null or
/// requires no grad.
template <class T>
void accumulate_grad(TensorImpl<T>* target, Array<T>&& grad) {
  if (target == nullptr || !target->requires_grad) {
    return;
  }
  const auto& shape = target->value.shape();
  if (!std::equal(grad.shape().begin(), grad.shape().end(), shape.begin(), shape.end())) {
    grad = sum_to_shape(grad, shape);
  }
  if (!target->has_pending) {
    target->pending = std::move(grad);
    target->has_pending = true;
  } else {
    xt::noalias(target->pending) += grad;
  }
}

/// Evaluates `expression` into `target`'s pending gradient. When the shapes
/// already match, it writes or adds in place, into the buffer `target` kept
/// from its last backward pass if it has one, with no temporary array.
/// `expression` must not read `target->pending`.
template <class T, class E>
void accumulate_grad(TensorImpl<T>* target, const xt::xexpression<E>& expression) {
  if (target == nullptr || !target->requires_grad) {
    return;
  }
  const auto& grad = expression.derived_cast();
  const auto& shape = target->value.shape();
  const bool same_shape =
      std::equal(grad.shape().begin(), grad.shape().end(), shape.begin(), shape.end());
  if (!same_shape) {
    accumulate_grad(target, Array<T>(grad));
  } else if (!target->has_pending) {
    xt::noalias(target->pending) = grad;
    target->has_pending = true;
  } else {
    xt::noalias(target->pending) += grad;
  }
}

}  // namespace tapegrad
