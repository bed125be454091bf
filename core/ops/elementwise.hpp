// Elementwise binary ops with numpy broadcasting.
//
// Shapes: lhs and rhs broadcast as in numpy (trailing dimensions aligned, an
// extent of 1 or a missing leading dimension stretches). The result has the
// broadcast shape; each gradient is summed back to its operand's own shape.
// A plain number on either side becomes a 0-D constant (see operands.hpp).
#pragma once

#include <tapegrad/core/ops/operands.hpp>
#include <tapegrad/core/source_location.hpp>

namespace tapegrad {

template <class T>
Tensor<T> add(const Tensor<T>& lhs, const Tensor<T>& rhs,
              SourceLocation where = SourceLocation::current());
template <class T>
Tensor<T> sub(const Tensor<T>& lhs, const Tensor<T>& rhs,
              SourceLocation where = SourceLocation::current());
template <class T>
Tensor<T> mul(const Tensor<T>& lhs, const Tensor<T>& rhs,
              SourceLocation where = SourceLocation::current());
template <class T>
Tensor<T> div(const Tensor<T>& lhs, const Tensor<T>& rhs,
              SourceLocation where = SourceLocation::current());
/// lhs ** rhs. At lhs = 0 the gradient for rhs is 0 where rhs >= 0, as in
/// PyTorch, instead of 0 * log(0) = NaN.
template <class T>
Tensor<T> pow(const Tensor<T>& lhs, const Tensor<T>& rhs,
              SourceLocation where = SourceLocation::current());
/// Elementwise max. At ties each operand gets half the gradient, as in
/// PyTorch's torch.maximum. A NaN in either operand gives NaN, and its
/// gradient goes to the operand holding the NaN (the first when both do),
/// where PyTorch 1.13 passes the full gradient to both.
template <class T>
Tensor<T> maximum(const Tensor<T>& lhs, const Tensor<T>& rhs,
                  SourceLocation where = SourceLocation::current());
/// Elementwise min, with ties and NaN handled as in `maximum`.
template <class T>
Tensor<T> minimum(const Tensor<T>& lhs, const Tensor<T>& rhs,
                  SourceLocation where = SourceLocation::current());
template <class T>
Tensor<T> neg(const Tensor<T>& x, SourceLocation where = SourceLocation::current());

template <class L, class R>
  requires TensorAndScalar<L, R>
auto add(const L& lhs, const R& rhs,
         SourceLocation where = SourceLocation::current()) {
  using T = operand_element_t<L, R>;
  return add(as_operand<T>(lhs), as_operand<T>(rhs), where);
}
template <class L, class R>
  requires TensorAndScalar<L, R>
auto sub(const L& lhs, const R& rhs,
         SourceLocation where = SourceLocation::current()) {
  using T = operand_element_t<L, R>;
  return sub(as_operand<T>(lhs), as_operand<T>(rhs), where);
}
template <class L, class R>
  requires TensorAndScalar<L, R>
auto mul(const L& lhs, const R& rhs,
         SourceLocation where = SourceLocation::current()) {
  using T = operand_element_t<L, R>;
  return mul(as_operand<T>(lhs), as_operand<T>(rhs), where);
}
template <class L, class R>
  requires TensorAndScalar<L, R>
auto div(const L& lhs, const R& rhs,
         SourceLocation where = SourceLocation::current()) {
  using T = operand_element_t<L, R>;
  return div(as_operand<T>(lhs), as_operand<T>(rhs), where);
}
template <class L, class R>
  requires TensorAndScalar<L, R>
auto pow(const L& lhs, const R& rhs,
         SourceLocation where = SourceLocation::current()) {
  using T = operand_element_t<L, R>;
  return pow(as_operand<T>(lhs), as_operand<T>(rhs), where);
}
template <class L, class R>
  requires TensorAndScalar<L, R>
auto maximum(const L& lhs, const R& rhs,
             SourceLocation where = SourceLocation::current()) {
  using T = operand_element_t<L, R>;
  return maximum(as_operand<T>(lhs), as_operand<T>(rhs), where);
}
template <class L, class R>
  requires TensorAndScalar<L, R>
auto minimum(const L& lhs, const R& rhs,
             SourceLocation where = SourceLocation::current()) {
  using T = operand_element_t<L, R>;
  return minimum(as_operand<T>(lhs), as_operand<T>(rhs), where);
}

/// Operators for tensors, and for a tensor with a plain number on either side.
/// An operator cannot take a `SourceLocation`, so anomaly mode reports
/// the ops they record at a line of this header. Call add(), sub(), mul() or
/// div() to have it report your own line.
template <class L, class R>
  requires(is_tensor_v<L> || is_tensor_v<R>)
auto operator+(const L& lhs, const R& rhs) {
  return add(lhs, rhs);
}
template <class L, class R>
  requires(is_tensor_v<L> || is_tensor_v<R>)
auto operator-(const L& lhs, const R& rhs) {
  return sub(lhs, rhs);
}
template <class L, class R>
  requires(is_tensor_v<L> || is_tensor_v<R>)
auto operator*(const L& lhs, const R& rhs) {
  return mul(lhs, rhs);
}
template <class L, class R>
  requires(is_tensor_v<L> || is_tensor_v<R>)
auto operator/(const L& lhs, const R& rhs) {
  return div(lhs, rhs);
}
template <class T>
Tensor<T> operator-(const Tensor<T>& x) {
  return neg(x);
}

}  // namespace tapegrad
