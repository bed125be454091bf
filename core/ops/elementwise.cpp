// Elementwise binary ops: each forward, then its backward.
#include <tapegrad/core/ops/elementwise.hpp>

#include <cmath>

#include <xtensor/xmath.hpp>
#include <xtensor/xoperation.hpp>
#include <xtensor/xvectorize.hpp>

#include <tapegrad/core/accumulate.hpp>
#include <tapegrad/core/tape.hpp>

namespace tapegrad {
namespace {

template <class T>
void check_broadcast(const char* op, const Tensor<T>& lhs, const Tensor<T>& rhs) {
  const auto& left = lhs.shape();
  const auto& right = rhs.shape();
  if (!std::equal(left.begin(), left.end(), right.begin(), right.end())) {
    broadcast_shapes(op, left, right);
  }
}

template <class T>
Tensor<T> record_binary(const char* op, const Tensor<T>& lhs, const Tensor<T>& rhs,
                        Array<T>&& value, typename Node<T>::Backward backward,
                        SourceLocation where) {
  const Tensor<T>* inputs[] = {&lhs, &rhs};
  return Tape<T>::current().record(op, std::move(value), backward, inputs, {}, nullptr, where);
}

// Returns a^b with numpy broadcasting, through std::pow per element. The
// vectorized pow of xsimd 8.1, which xt::pow uses, returns 0 for a zero base
// whatever the exponent (0^0, 0^-1) and is not exact for small integer powers
// of floats ((-3)^3 gave -27.000002).
template <class T, class E1, class E2>
Array<T> elementwise_pow(const E1& base, const E2& exponent) {
  auto std_pow = xt::vectorize([](T a, T b) { return std::pow(a, b); });
  return std_pow(base, exponent);
}

// d(a + b)/da = 1, d(a + b)/db = 1
template <class T>
void add_backward(Node<T>& node, Array<T>& grad_out) {
  accumulate_grad(node.in[1], grad_out);
  accumulate_grad(node.in[0], std::move(grad_out));
}

// d(a - b)/da = 1, d(a - b)/db = -1
template <class T>
void sub_backward(Node<T>& node, Array<T>& grad_out) {
  accumulate_grad(node.in[1], -grad_out);
  accumulate_grad(node.in[0], std::move(grad_out));
}

// d(a * b)/da = b, d(a * b)/db = a
template <class T>
void mul_backward(Node<T>& node, Array<T>& grad_out) {
  const Array<T>& a = node.in[0]->value;
  const Array<T>& b = node.in[1]->value;
  accumulate_grad(node.in[0], grad_out * b);
  accumulate_grad(node.in[1], grad_out * a);
}

// d(a / b)/da = 1 / b, d(a / b)/db = -a / b^2 = -(a / b) / b
template <class T>
void div_backward(Node<T>& node, Array<T>& grad_out) {
  const Array<T>& b = node.in[1]->value;
  const Array<T>& quotient = node.out->value;
  accumulate_grad(node.in[1], -grad_out * quotient / b);
  accumulate_grad(node.in[0], grad_out / b);
}

// d(a^b)/da = b * a^(b - 1), d(a^b)/db = a^b * log(a), taken as 0 where a = 0 and b >= 0
template <class T>
void pow_backward(Node<T>& node, Array<T>& grad_out) {
  const Array<T>& a = node.in[0]->value;
  const Array<T>& b = node.in[1]->value;
  const Array<T>& power = node.out->value;
  if (node.in[1]->requires_grad) {
    const auto log_term = xt::where(xt::equal(a, T(0)) && b >= T(0), T(0), power * xt::log(a));
    accumulate_grad(node.in[1], grad_out * log_term);
  }
  // The exponent 0 contributes 0, not 0 * 0^-1 = NaN at a = 0, as in PyTorch.
  const Array<T> slope = elementwise_pow<T>(a, b - T(1));
  accumulate_grad(node.in[0], grad_out * xt::where(xt::equal(b, T(0)), T(0), b * slope));
}

// d max(a, b)/da = 1 where a > b, 1/2 where a = b, 0 elsewhere; the same for b.
// A NaN output gets its gradient to the operand it came from, as forward chose.
template <class T>
void maximum_backward(Node<T>& node, Array<T>& grad_out) {
  const Array<T>& a = node.in[0]->value;
  const Array<T>& b = node.in[1]->value;
  const auto share_a =
      xt::where(a > b || xt::isnan(a), T(1), xt::where(xt::equal(a, b), T(0.5), T(0)));
  accumulate_grad(node.in[0], grad_out * share_a);
  accumulate_grad(node.in[1], grad_out * (T(1) - share_a));
}

// d min(a, b)/da = 1 where a < b, 1/2 where a = b, 0 elsewhere; the same for b.
// A NaN output gets its gradient to the operand it came from, as forward chose.
template <class T>
void minimum_backward(Node<T>& node, Array<T>& grad_out) {
  const Array<T>& a = node.in[0]->value;
  const Array<T>& b = node.in[1]->value;
  const auto share_a =
      xt::where(a < b || xt::isnan(a), T(1), xt::where(xt::equal(a, b), T(0.5), T(0)));
  accumulate_grad(node.in[0], grad_out * share_a);
  accumulate_grad(node.in[1], grad_out * (T(1) - share_a));
}

// d(-x)/dx = -1
template <class T>
void neg_backward(Node<T>& node, Array<T>& grad_out) {
  accumulate_grad(node.in[0], -grad_out);
}

}  // namespace

template <class T>
Tensor<T> add(const Tensor<T>& lhs, const Tensor<T>& rhs, SourceLocation where) {
  check_broadcast("add", lhs, rhs);
  return record_binary("add", lhs, rhs, Array<T>(lhs.value() + rhs.value()), add_backward<T>,
                       where);
}

template <class T>
Tensor<T> sub(const Tensor<T>& lhs, const Tensor<T>& rhs, SourceLocation where) {
  check_broadcast("sub", lhs, rhs);
  return record_binary("sub", lhs, rhs, Array<T>(lhs.value() - rhs.value()), sub_backward<T>,
                       where);
}

template <class T>
Tensor<T> mul(const Tensor<T>& lhs, const Tensor<T>& rhs, SourceLocation where) {
  check_broadcast("mul", lhs, rhs);
  return record_binary("mul", lhs, rhs, Array<T>(lhs.value() * rhs.value()), mul_backward<T>,
                       where);
}

template <class T>
Tensor<T> div(const Tensor<T>& lhs, const Tensor<T>& rhs, SourceLocation where) {
  check_broadcast("div", lhs, rhs);
  return record_binary("div", lhs, rhs, Array<T>(lhs.value() / rhs.value()), div_backward<T>,
                       where);
}

template <class T>
Tensor<T> pow(const Tensor<T>& lhs, const Tensor<T>& rhs, SourceLocation where) {
  check_broadcast("pow", lhs, rhs);
  return record_binary("pow", lhs, rhs, elementwise_pow<T>(lhs.value(), rhs.value()),
                       pow_backward<T>, where);
}

template <class T>
Tensor<T> maximum(const Tensor<T>& lhs, const Tensor<T>& rhs, SourceLocation where) {
  check_broadcast("maximum", lhs, rhs);
  const Array<T>& a = lhs.value();
  const Array<T>& b = rhs.value();
  // NaN compares false both ways, so `a > b || a != a` propagates NaN from either side.
  Array<T> value = xt::where(a > b || xt::isnan(a), a, b);
  return record_binary("maximum", lhs, rhs, std::move(value), maximum_backward<T>, where);
}

template <class T>
Tensor<T> minimum(const Tensor<T>& lhs, const Tensor<T>& rhs, SourceLocation where) {
  check_broadcast("minimum", lhs, rhs);
  const Array<T>& a = lhs.value();
  const Array<T>& b = rhs.value();
  Array<T> value = xt::where(a < b || xt::isnan(a), a, b);
  return record_binary("minimum", lhs, rhs, std::move(value), minimum_backward<T>, where);
}

template <class T>
Tensor<T> neg(const Tensor<T>& x, SourceLocation where) {
  const Tensor<T>* inputs[] = {&x};
  return Tape<T>::current().record("neg", Array<T>(-x.value()), neg_backward<T>, inputs, {},
                                   nullptr, where);
}

template Tensor<float> add(const Tensor<float>&, const Tensor<float>&, SourceLocation);
template Tensor<double> add(const Tensor<double>&, const Tensor<double>&, SourceLocation);
template Tensor<float> sub(const Tensor<float>&, const Tensor<float>&, SourceLocation);
template Tensor<double> sub(const Tensor<double>&, const Tensor<double>&, SourceLocation);
template Tensor<float> mul(const Tensor<float>&, const Tensor<float>&, SourceLocation);
template Tensor<double> mul(const Tensor<double>&, const Tensor<double>&, SourceLocation);
template Tensor<float> div(const Tensor<float>&, const Tensor<float>&, SourceLocation);
template Tensor<double> div(const Tensor<double>&, const Tensor<double>&, SourceLocation);
template Tensor<float> pow(const Tensor<float>&, const Tensor<float>&, SourceLocation);
template Tensor<double> pow(const Tensor<double>&, const Tensor<double>&, SourceLocation);
template Tensor<float> maximum(const Tensor<float>&, const Tensor<float>&, SourceLocation);
template Tensor<double> maximum(const Tensor<double>&, const Tensor<double>&, SourceLocation);
template Tensor<float> minimum(const Tensor<float>&, const Tensor<float>&, SourceLocation);
template Tensor<double> minimum(const Tensor<double>&, const Tensor<double>&, SourceLocation);
template Tensor<float> neg(const Tensor<float>&, SourceLocation);
template Tensor<double> neg(const Tensor<double>&, SourceLocation);

}  // namespace tapegrad
