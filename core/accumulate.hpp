// Gradient accumulation used by every op's backward.
#pragma once

#include <algorithm>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>

#include <xtensor/xmath.hpp>
#include <xtensor/xnoalias.hpp>
#include <xtensor/xtensor.hpp>

#include <tapegrad/core/tensor.hpp>

namespace tapegrad {
namespace detail {

// Sums a row-major [outer, inner] buffer over its rows into `out[inner]`.
template <class T>
void sum_over_rows(const T* data, std::size_t outer, std::size_t inner, T* out) {
  std::fill(out, out + inner, T(0));
  for (std::size_t row = 0; row < outer; ++row) {
    const T* values = data + row * inner;
    for (std::size_t column = 0; column < inner; ++column) {
      out[column] += values[column];
    }
  }
}

// Sums each row of a row-major [outer, inner] buffer into `out[outer]`.
template <class T>
void sum_within_rows(const T* data, std::size_t outer, std::size_t inner, T* out) {
  for (std::size_t row = 0; row < outer; ++row) {
    const T* values = data + row * inner;
    T total = 0;
    for (std::size_t column = 0; column < inner; ++column) {
      total += values[column];
    }
    out[row] = total;
  }
}

}  // namespace detail

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

  // When the summed axes all come before the kept ones (a bias: [N, M] to
  // [M]) or all after them ([N, M] to [N, 1]), one pass over the buffer as
  // [outer, inner] rows does the sum. xtensor 0.24's general reducer took
  // about 13 times as long on a [128, 256] bias gradient. Kept axes of
  // extent 1 do not matter.
  bool kept_before_last_summed = false;
  bool kept_after_first_summed = false;
  for (std::size_t axis = 0; axis < rank && !axes.empty(); ++axis) {
    const bool summed = std::find(axes.begin(), axes.end(), axis) != axes.end();
    if (!summed && grad.shape()[axis] != 1) {
      kept_before_last_summed = kept_before_last_summed || axis < axes.back();
      kept_after_first_summed = kept_after_first_summed || axis > axes.front();
    }
  }
  const bool leading = !axes.empty() && !kept_before_last_summed;
  const bool trailing = !axes.empty() && !kept_after_first_summed;
  if (grad.size() != 0 && (leading || trailing)) {
    Array<T> summed = Array<T>::from_shape(shape);
    std::size_t inner = 1;
    for (std::size_t axis = leading ? axes.back() + 1 : axes.front(); axis < rank; ++axis) {
      inner *= grad.shape()[axis];
    }
    const std::size_t outer = grad.size() / inner;
    if (leading) {
      detail::sum_over_rows(grad.data(), outer, inner, summed.data());
    } else {
      detail::sum_within_rows(grad.data(), outer, inner, summed.data());
    }
    return summed;
  }
  // The sum of an empty gradient is zeros. xtensor 0.24's reducer would
  // offset the null data pointer of the empty buffer, which is undefined.
  if (grad.size() == 0) {
    return Array<T>(xt::zeros<T>(shape));
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
    if constexpr (std::is_same_v<E, Array<T>>) {
      // An evaluated gradient is summed as it is, without a copy first.
      accumulate_grad(target, sum_to_shape(grad, shape));
    } else {
      accumulate_grad(target, Array<T>(grad));
    }
  } else if (!target->has_pending) {
    xt::noalias(target->pending) = grad;
    target->has_pending = true;
  } else {
    xt::noalias(target->pending) += grad;
  }
}

}  // namespace tapegrad
