// Scalar operands of binary ops, turned into constants in one place.
//
// `x * 2.0`, `2.0 * x`, `add(x, 1)` and `maximum(x, 0.0)` all pass through
// `as_operand`, which makes the plain number a 0-D constant tensor of the
// other operand's element type; broadcasting then does the rest.
#pragma once

#include <concepts>
#include <string>
#include <type_traits>

#include <xtensor/xbroadcast.hpp>

#include <tapegrad/core/tensor.hpp>

namespace tapegrad {

template <class X>
struct is_tensor : std::false_type {};
template <class T>
struct is_tensor<Tensor<T>> : std::true_type {};
template <class X>
inline constexpr bool is_tensor_v = is_tensor<std::remove_cvref_t<X>>::value;

/// One tensor and one plain number, in either order.
template <class L, class R>
concept TensorAndScalar =
    (is_tensor_v<L> && std::is_arithmetic_v<std::remove_cvref_t<R>>) ||
    (is_tensor_v<R> && std::is_arithmetic_v<std::remove_cvref_t<L>>);

/// Element type of the tensor among `L` and `R`.
template <class L, class R>
using operand_element_t =
    typename std::conditional_t<is_tensor_v<L>, std::remove_cvref_t<L>,
                                std::remove_cvref_t<R>>::value_type;

/// Returns `operand` itself if it is a tensor, or a 0-D constant holding it.
template <class T, class X>
Tensor<T> as_operand(const X& operand) {
  if constexpr (is_tensor_v<X>) {
    return operand;
  } else {
    return Tensor<T>(Array<T>(static_cast<T>(operand)));
  }
}

/// Returns the numpy broadcast shape of `lhs` and `rhs`, or raises
/// `std::invalid_argument` naming `op` and both shapes.
template <class S1, class S2>
Shape broadcast_shapes(const char* op, const S1& lhs, const S2& rhs) {
  const std::size_t rank = std::max(lhs.size(), rhs.size());
  Shape result(rank);
  for (std::size_t axis = 0; axis < rank; ++axis) {
    const std::size_t left = axis + lhs.size() < rank ? 1 : lhs[axis + lhs.size() - rank];
    const std::size_t right = axis + rhs.size() < rank ? 1 : rhs[axis + rhs.size() - rank];
    if (left != right && left != 1 && right != 1) {
      throw std::invalid_argument(std::string(op) + ": shapes cannot be broadcast together: lhs " +
                                  format_shape(lhs) + ", rhs " + format_shape(rhs));
    }
    result[axis] = left == 1 ? right : left;
  }
  checked_size(op, result);
  return result;
}

}  // namespace tapegrad
