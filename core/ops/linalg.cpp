// matmul and transpose: each forward, then its backward.
#include <tapegrad/core/ops/linalg.hpp>

#include <stdexcept>
#include <string>

#include <xtensor/xmanipulation.hpp>

#include <tapegrad/core/accumulate.hpp>
#include <tapegrad/core/ops/gemm.hpp>
#include <tapegrad/core/tape.hpp>

namespace tapegrad {
namespace {

// A 1-D or 2-D operand seen as a stored matrix [rows, cols] plus a transpose flag.
struct MatrixView {
  std::size_t rows;
  std::size_t cols;
  bool transposed;
  std::size_t op_rows() const { return transposed ? cols : rows; }
  std::size_t op_cols() const { return transposed ? rows : cols; }
};

constexpr std::int64_t lhs_transposed = 1;
constexpr std::int64_t rhs_transposed = 2;

template <class T>
MatrixView view_of(const Tensor<T>& x, bool is_lhs, bool transposed) {
  const auto& shape = x.shape();
  if (shape.size() == 2) {
    return {shape[0], shape[1], transposed};
  }
  // A vector on the left is a row [1, K]; on the right, a column [K, 1].
  return is_lhs ? MatrixView{1, shape[0], false} : MatrixView{shape[0], 1, false};
}

std::string operand_text(const char* side, const auto& shape, bool transposed) {
  return std::string(side) + " " + format_shape(shape) + (transposed ? " (transposed)" : "");
}

// Adds op(x) . op(y), shaped like `target`, into target's pending gradient:
// gemm writes straight into it (beta = 1 when a gradient is already there).
template <class T>
void accumulate_product(TensorImpl<T>* target, bool transpose_x, const Array<T>& x,
                        std::size_t x_cols, bool transpose_y, const Array<T>& y,
                        std::size_t y_cols, std::size_t m, std::size_t n, std::size_t k) {
  if (target == nullptr || !target->requires_grad) {
    return;
  }
  const T beta = target->has_pending ? T(1) : T(0);
  if (!target->has_pending) {
    // Reuses the buffer a leaf kept from its last backward pass.
    target->pending.resize(target->value.shape());
    target->has_pending = true;
  }
  detail::gemm<T>(transpose_x, transpose_y, m, n, k, T(1), x.data(), x_cols, y.data(), y_cols,
                  beta, target->pending.data(), n);
}

// With A' = op(A) [N, K], B' = op(B) [K, M] and G = dL/dC [N, M]:
//   dA' = G . B'^T and dB' = A'^T . G; a transposed operand gets the transpose of its
//   gradient, which gemm produces by swapping the factors.
template <class T>
void matmul_backward(Node<T>& node, Array<T>& grad_out) {
  TensorImpl<T>* lhs = node.in[0];
  TensorImpl<T>* rhs = node.in[1];
  const bool ta = (node.attributes.flags & lhs_transposed) != 0;
  const bool tb = (node.attributes.flags & rhs_transposed) != 0;
  const auto& a_shape = lhs->value.shape();
  const auto& b_shape = rhs->value.shape();
  const std::size_t a_rows = a_shape.size() == 2 ? a_shape[0] : 1;
  const std::size_t a_cols = a_shape.size() == 2 ? a_shape[1] : a_shape[0];
  const std::size_t b_rows = b_shape.size() == 2 ? b_shape[0] : b_shape[0];
  const std::size_t b_cols = b_shape.size() == 2 ? b_shape[1] : 1;
  const std::size_t n = ta ? a_cols : a_rows;
  const std::size_t k = ta ? a_rows : a_cols;
  const std::size_t m = tb ? b_rows : b_cols;
  const Array<T>& a = lhs->value;
  const Array<T>& b = rhs->value;
  const Array<T>& g = grad_out;

  if (!ta) {
    accumulate_product(lhs, false, g, m, !tb, b, b_cols, n, k, m);  // G . B'^T: [N, K]
  } else {
    accumulate_product(lhs, tb, b, b_cols, true, g, m, k, n, m);  // B' . G^T: [K, N]
  }
  if (!tb) {
    accumulate_product(rhs, !ta, a, a_cols, false, g, m, k, m, n);  // A'^T . G: [K, M]
  } else {
    accumulate_product(rhs, true, g, m, ta, a, a_cols, m, k, n);  // G^T . A': [M, K]
  }
}

// d(x^T) = (dL/dy)^T
template <class T>
void transpose_backward(Node<T>& node, Array<T>& grad_out) {
  accumulate_grad(node.in[0], xt::transpose(grad_out));
}

}  // namespace

template <class T>
Tensor<T> matmul(const Tensor<T>& lhs, const Tensor<T>& rhs, Transpose transpose,
                 SourceLocation where) {
  const bool ta = transpose == Transpose::lhs || transpose == Transpose::both;
  const bool tb = transpose == Transpose::rhs || transpose == Transpose::both;
  const auto& a_shape = lhs.shape();
  const auto& b_shape = rhs.shape();
  const auto shapes = [&] {
    return operand_text("lhs", a_shape, ta) + ", " + operand_text("rhs", b_shape, tb);
  };
  if (a_shape.size() < 1 || a_shape.size() > 2 || b_shape.size() < 1 || b_shape.size() > 2) {
    throw std::invalid_argument("matmul: operands must be 1-D or 2-D: " + shapes());
  }
  if ((ta && a_shape.size() != 2) || (tb && b_shape.size() != 2)) {
    throw std::invalid_argument("matmul: only a 2-D operand can be transposed: " + shapes());
  }
  const MatrixView a = view_of(lhs, true, ta);
  const MatrixView b = view_of(rhs, false, tb);
  if (a.op_cols() != b.op_rows()) {
    throw std::invalid_argument("matmul: inner dimensions differ: " + shapes());
  }
  const std::size_t n = a.op_rows();
  const std::size_t k = a.op_cols();
  const std::size_t m = b.op_cols();

  Shape out_shape;
  if (a_shape.size() == 2) {
    out_shape.push_back(n);
  }
  if (b_shape.size() == 2) {
    out_shape.push_back(m);
  }
  // Zero-size operands such as [N, 0] and [0, M] can ask for an output whose
  // element count overflows.
  checked_size("matmul", out_shape);
  Array<T> value = Array<T>::from_shape(out_shape);
  detail::gemm<T>(ta, tb, n, m, k, T(1), lhs.value().data(), a.cols, rhs.value().data(), b.cols,
                  T(0), value.data(), m);

  NodeAttributes attributes;
  attributes.flags = (ta ? lhs_transposed : 0) | (tb ? rhs_transposed : 0);
  const Tensor<T>* inputs[] = {&lhs, &rhs};
  return Tape<T>::current().record("matmul", std::move(value), matmul_backward<T>, inputs,
                                   attributes, nullptr, where);
}

template <class T>
Tensor<T> transpose(const Tensor<T>& x, SourceLocation where) {
  if (x.dim() != 2) {
    throw std::invalid_argument("transpose: needs a 2-D tensor, got shape " +
                                format_shape(x.shape()));
  }
  const Tensor<T>* inputs[] = {&x};
  return Tape<T>::current().record("transpose", Array<T>(xt::transpose(x.value())),
                                   transpose_backward<T>, inputs, {}, nullptr, where);
}

template Tensor<float> matmul(const Tensor<float>&, const Tensor<float>&, Transpose,
                              SourceLocation);
template Tensor<double> matmul(const Tensor<double>&, const Tensor<double>&, Transpose,
                               SourceLocation);
template Tensor<float> transpose(const Tensor<float>&, SourceLocation);
template Tensor<double> transpose(const Tensor<double>&, SourceLocation);

}  // namespace tapegrad
