// Gradient clipping over a list of parameters, applied to their gradients in
// place between `backward` and `Optimizer::step`.
#pragma once

#include <vector>

#include <tapegrad/core/tensor.hpp>

namespace tapegrad {

/// Scales the gradients of `parameters` together so that their combined norm
/// is at most `max_norm`, as torch.nn.utils.clip_grad_norm_, and returns the
/// combined norm from before clipping. Parameters without a gradient are
/// skipped; with none at all the norm is 0.
///
///     total = (sum over every gradient entry g of |g|^norm_type)^(1 / norm_type)
///     total = max |g|                                 (norm_type = infinity)
///     g = g * min(1, max_norm / (total + 1e-6))
///
/// An all-zero gradient stays zero. As in torch, a NaN or infinite total makes
/// the coefficient NaN or 0 and the gradients follow. The norm is summed in
/// double for either T. Raises `std::invalid_argument` for a negative
/// max_norm or a norm_type that is not > 0.
template <class T>
double clip_grad_norm(const std::vector<Tensor<T>>& parameters, double max_norm,
                      double norm_type = 2.0);

/// Clamps every gradient entry of `parameters` to [-clip_value, clip_value],
/// as torch.nn.utils.clip_grad_value_. Parameters without a gradient are
/// skipped. Raises `std::invalid_argument` for a negative clip_value.
template <class T>
void clip_grad_value(const std::vector<Tensor<T>>& parameters, double clip_value);

}  // namespace tapegrad
