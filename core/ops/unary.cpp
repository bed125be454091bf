// Elementwise unary ops: each forward, then its backward.
#include <tapegrad/core/ops/unary.hpp>

#include <xtensor/xmath.hpp>
#include <xtensor/xoperation.hpp>

#include <tapegrad/core/accumulate.hpp>
#include <tapegrad/core/tape.hpp>

namespace tapegrad {
namespace {

template <class T>
Tensor<T> record_unary(const char* op, const Tensor<T>& x, Array<T>&& value,
                       typename Node<T>::Backward backward, NodeAttributes attributes = {}) {
  const Tensor<T>* inputs[] = {&x};
  return Tape<T>::current().record(op, std::move(value), backward, inputs, attributes);
}

// relu'(x) = 1 where x > 0, else 0 (0 at the kink x = 0); y > 0 exactly where x > 0
template <class T>
void relu_backward(Node<T>& node, Array<T>& grad_out) {
  const Array<T>& y = node.out->value;
  accumulate_grad(node.in[0], xt::where(y > T(0), grad_out, T(0)));
}

}  // namespace

template <class T>
Tensor<T> relu(const Tensor<T>& x) {
  // NaN stays NaN: a NaN input compares false with 0, so `where` keeps x.
  Array<T> value = xt::where(x.value() < T(0), T(0), x.value());
  return record_unary("relu", x, std::move(value), relu_backward<T>);
}

template Tensor<float> relu(const Tensor<float>&);
template Tensor<double> relu(const Tensor<double>&);

}  // namespace tapegrad
