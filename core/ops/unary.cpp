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
                       typename Node<T>::Backward backward, SourceLocation where,
                       NodeAttributes attributes = {}) {
  const Tensor<T>* inputs[] = {&x};
  return Tape<T>::current().record(op, std::move(value), backward, inputs, attributes, nullptr,
                                   where);
}

// Returns 1 / (1 + e^-x) without overflow: e^-|x| lies in [0, 1] for every
// input, and e^x / (1 + e^x) = e^-|x| / (1 + e^-|x|) where x < 0.
template <class T>
Array<T> stable_sigmoid(const Array<T>& x) {
  const Array<T> small_exp = xt::exp(-xt::abs(x));
  return xt::where(x >= T(0), T(1) / (T(1) + small_exp), small_exp / (T(1) + small_exp));
}

// d/dx exp(x) = exp(x) = y
template <class T>
void exp_backward(Node<T>& node, Array<T>& grad_out) {
  accumulate_grad(node.in[0], grad_out * node.out->value);
}

// d/dx log(x) = 1 / x, which is inf at x = 0
template <class T>
void log_backward(Node<T>& node, Array<T>& grad_out) {
  accumulate_grad(node.in[0], grad_out / node.in[0]->value);
}

// d/dx sqrt(x) = 1 / (2 sqrt(x)) = 1 / (2 y), which is inf at x = 0
template <class T>
void sqrt_backward(Node<T>& node, Array<T>& grad_out) {
  accumulate_grad(node.in[0], grad_out / (T(2) * node.out->value));
}

// d/dx |x| = sign(x), taken as 0 at the kink x = 0
template <class T>
void abs_backward(Node<T>& node, Array<T>& grad_out) {
  accumulate_grad(node.in[0], grad_out * xt::sign(node.in[0]->value));
}

// d/dx tanh(x) = 1 - y^2
template <class T>
void tanh_backward(Node<T>& node, Array<T>& grad_out) {
  const Array<T>& y = node.out->value;
  accumulate_grad(node.in[0], grad_out * (T(1) - y * y));
}

// d/dx sigmoid(x) = y (1 - y)
template <class T>
void sigmoid_backward(Node<T>& node, Array<T>& grad_out) {
  const Array<T>& y = node.out->value;
  accumulate_grad(node.in[0], grad_out * y * (T(1) - y));
}

// relu'(x) = 1 where x > 0, else 0 (0 at the kink x = 0); y <= 0 exactly where x <= 0.
// A NaN compares false, so its gradient passes, as in PyTorch.
template <class T>
void relu_backward(Node<T>& node, Array<T>& grad_out) {
  const Array<T>& y = node.out->value;
  accumulate_grad(node.in[0], xt::where(y <= T(0), T(0), grad_out));
}

// leaky_relu'(x) = 1 where x > 0, else slope (slope at the kink x = 0)
template <class T>
void leaky_relu_backward(Node<T>& node, Array<T>& grad_out) {
  const T slope = static_cast<T>(node.attributes.scalar);
  accumulate_grad(node.in[0], xt::where(node.in[0]->value > T(0), grad_out, slope * grad_out));
}

// d/dx softplus(x) = e^x / (1 + e^x) = sigmoid(x)
template <class T>
void softplus_backward(Node<T>& node, Array<T>& grad_out) {
  accumulate_grad(node.in[0], grad_out * stable_sigmoid(node.in[0]->value));
}

}  // namespace

template <class T>
Tensor<T> exp(const Tensor<T>& x, SourceLocation where) {
  return record_unary("exp", x, Array<T>(xt::exp(x.value())), exp_backward<T>, where);
}

template <class T>
Tensor<T> log(const Tensor<T>& x, SourceLocation where) {
  return record_unary("log", x, Array<T>(xt::log(x.value())), log_backward<T>, where);
}

template <class T>
Tensor<T> sqrt(const Tensor<T>& x, SourceLocation where) {
  return record_unary("sqrt", x, Array<T>(xt::sqrt(x.value())), sqrt_backward<T>, where);
}

template <class T>
Tensor<T> abs(const Tensor<T>& x, SourceLocation where) {
  return record_unary("abs", x, Array<T>(xt::abs(x.value())), abs_backward<T>, where);
}

template <class T>
Tensor<T> tanh(const Tensor<T>& x, SourceLocation where) {
  // tanh saturates to ±1 for large |x| without overflow.
  return record_unary("tanh", x, Array<T>(xt::tanh(x.value())), tanh_backward<T>, where);
}

template <class T>
Tensor<T> sigmoid(const Tensor<T>& x, SourceLocation where) {
  return record_unary("sigmoid", x, stable_sigmoid(x.value()), sigmoid_backward<T>, where);
}

template <class T>
Tensor<T> relu(const Tensor<T>& x, SourceLocation where) {
  // NaN stays NaN: a NaN input compares false with 0, so `where` keeps x.
  Array<T> value = xt::where(x.value() < T(0), T(0), x.value());
  return record_unary("relu", x, std::move(value), relu_backward<T>, where);
}

template <class T>
Tensor<T> leaky_relu(const Tensor<T>& x, double slope, SourceLocation where) {
  const Array<T>& input = x.value();
  Array<T> value = xt::where(input > T(0), input, static_cast<T>(slope) * input);
  NodeAttributes attributes;
  attributes.scalar = slope;
  return record_unary("leaky_relu", x, std::move(value), leaky_relu_backward<T>, where, attributes);
}

template <class T>
Tensor<T> softplus(const Tensor<T>& x, SourceLocation where) {
  // log(1 + e^x) = max(x, 0) + log(1 + e^-|x|): the exponent is never positive.
  const Array<T>& input = x.value();
  Array<T> value =
      xt::where(input > T(0), input, T(0)) + xt::log1p(xt::exp(-xt::abs(input)));
  return record_unary("softplus", x, std::move(value), softplus_backward<T>, where);
}

template Tensor<float> exp(const Tensor<float>&, SourceLocation);
template Tensor<double> exp(const Tensor<double>&, SourceLocation);
template Tensor<float> log(const Tensor<float>&, SourceLocation);
template Tensor<double> log(const Tensor<double>&, SourceLocation);
template Tensor<float> sqrt(const Tensor<float>&, SourceLocation);
template Tensor<double> sqrt(const Tensor<double>&, SourceLocation);
template Tensor<float> abs(const Tensor<float>&, SourceLocation);
template Tensor<double> abs(const Tensor<double>&, SourceLocation);
template Tensor<float> tanh(const Tensor<float>&, SourceLocation);
template Tensor<double> tanh(const Tensor<double>&, SourceLocation);
template Tensor<float> sigmoid(const Tensor<float>&, SourceLocation);
template Tensor<double> sigmoid(const Tensor<double>&, SourceLocation);
template Tensor<float> relu(const Tensor<float>&, SourceLocation);
template Tensor<double> relu(const Tensor<double>&, SourceLocation);
template Tensor<float> leaky_relu(const Tensor<float>&, double, SourceLocation);
template Tensor<double> leaky_relu(const Tensor<double>&, double, SourceLocation);
template Tensor<float> softplus(const Tensor<float>&, SourceLocation);
template Tensor<double> softplus(const Tensor<double>&, SourceLocation);

}  // namespace tapegrad
