// Reductions over every element or over one axis.
//
// Shapes: over all elements the result is 0-D []. Over `axis` (negative counts
// from the end) that dimension is removed, or kept with extent 1 when
// `keepdims` is KeepDims::yes.
#pragma once

#include <cstdint>

#include <tapegrad/core/tensor.hpp>

namespace tapegrad {

/// Whether a reduction keeps the reduced dimension with extent 1.
enum class KeepDims { no, yes };

template <class T>
Tensor<T> sum(const Tensor<T>& x);
template <class T>
Tensor<T> sum(const Tensor<T>& x, std::int64_t axis, KeepDims keepdims = KeepDims::no);
template <class T>
Tensor<T> mean(const Tensor<T>& x);
template <class T>
Tensor<T> mean(const Tensor<T>& x, std::int64_t axis, KeepDims keepdims = KeepDims::no);
/// Maximum. When several entries tie for the maximum, the gradient is split
/// equally among them, as torch.amax does.
template <class T>
Tensor<T> max(const Tensor<T>& x);
template <class T>
Tensor<T> max(const Tensor<T>& x, std::int64_t axis, KeepDims keepdims = KeepDims::no);

}  // namespace tapegrad
