// Reductions: each forward, then its backward.
#include <tapegrad/core/ops/reduce.hpp>

#include <xtensor/xbroadcast.hpp>
#include <xtensor/xreducer.hpp>

#include <tapegrad/core/accumulate.hpp>
#include <tapegrad/core/tape.hpp>

namespace tapegrad {
namespace {

// d sum(x)/dx_i = 1: the gradient is grad_out broadcast to x's shape.
template <class T>
void sum_all_backward(Node<T>& node, Array<T>& grad_out) {
  const T upstream = *grad_out.begin();
  accumulate_grad(node.in[0], xt::broadcast(upstream, node.in[0]->value.shape()));
}

}  // namespace

template <class T>
Tensor<T> sum(const Tensor<T>& x) {
  Array<T> value = xt::sum(x.value());
  const Tensor<T>* inputs[] = {&x};
  return Tape<T>::current().record("sum", std::move(value), sum_all_backward<T>, inputs);
}

template Tensor<float> sum(const Tensor<float>&);
template Tensor<double> sum(const Tensor<double>&);

}  // namespace tapegrad
