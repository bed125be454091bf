// Elementwise unary ops. Shapes: the output has the input's shape.
//
// Subgradients at kinks: relu'(0) = 0, abs'(0) = 0, leaky_relu'(0) = slope,
// as in PyTorch.
#pragma once

#include <tapegrad/core/tensor.hpp>

namespace tapegrad {

template <class T>
Tensor<T> exp(const Tensor<T>& x);
template <class T>
Tensor<T> log(const Tensor<T>& x);
template <class T>
Tensor<T> sqrt(const Tensor<T>& x);
template <class T>
Tensor<T> abs(const Tensor<T>& x);
/// Finite value and gradient for any finite input, ±1000 included.
template <class T>
Tensor<T> tanh(const Tensor<T>& x);
/// 1 / (1 + e^-x), computed without overflow for any finite input.
template <class T>
Tensor<T> sigmoid(const Tensor<T>& x);
/// max(x, 0); the gradient at 0 is 0.
template <class T>
Tensor<T> relu(const Tensor<T>& x);
/// x where x > 0, slope * x elsewhere.
template <class T>
Tensor<T> leaky_relu(const Tensor<T>& x, double slope = 0.01);
/// log(1 + e^x), computed without overflow for any finite input.
template <class T>
Tensor<T> softplus(const Tensor<T>& x);

}  // namespace tapegrad
