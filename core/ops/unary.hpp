// Elementwise unary ops. Shapes: the output has the input's shape.
//
// Subgradients at kinks: relu'(0) = 0, abs'(0) = 0, leaky_relu'(0) = slope,
// as in PyTorch 1.13.
#pragma once

#include <tapegrad/core/source_location.hpp>
#include <tapegrad/core/tensor.hpp>

namespace tapegrad {

/// e^x. Overflows to inf, value and gradient, above about 88.7 in float and
/// 709.8 in double, as std::exp does.
template <class T>
Tensor<T> exp(const Tensor<T>& x, SourceLocation where = SourceLocation::current());
/// Natural logarithm. log(0) = -inf with gradient inf, and a negative input
/// gives NaN, as in PyTorch.
template <class T>
Tensor<T> log(const Tensor<T>& x, SourceLocation where = SourceLocation::current());
/// Square root. The gradient 1 / (2 sqrt(x)) is inf at 0, as in PyTorch.
template <class T>
Tensor<T> sqrt(const Tensor<T>& x, SourceLocation where = SourceLocation::current());
/// |x|; the gradient at 0 is 0, and at NaN it is NaN (PyTorch gives 0).
template <class T>
Tensor<T> abs(const Tensor<T>& x, SourceLocation where = SourceLocation::current());
/// Finite value and gradient for any finite input, ±1000 included.
template <class T>
Tensor<T> tanh(const Tensor<T>& x, SourceLocation where = SourceLocation::current());
/// 1 / (1 + e^-x), computed without overflow for any finite input; the value
/// and the gradient y (1 - y) are finite at ±1000.
template <class T>
Tensor<T> sigmoid(const Tensor<T>& x, SourceLocation where = SourceLocation::current());
/// max(x, 0); the gradient at 0 is 0, and at NaN it passes, as in PyTorch.
template <class T>
Tensor<T> relu(const Tensor<T>& x, SourceLocation where = SourceLocation::current());
/// x where x > 0, slope * x elsewhere; the gradient at 0 is slope.
template <class T>
Tensor<T> leaky_relu(const Tensor<T>& x, double slope = 0.01,
                     SourceLocation where = SourceLocation::current());
/// log(1 + e^x), computed as max(x, 0) + log(1 + e^-|x|) so that no finite
/// input overflows; the gradient is sigmoid(x). PyTorch's default returns x
/// itself for x > 20, which is off by less than 2.1e-9; this op does not, so
/// its values there differ from PyTorch's by up to that much.
template <class T>
Tensor<T> softplus(const Tensor<T>& x, SourceLocation where = SourceLocation::current());

}  // namespace tapegrad
