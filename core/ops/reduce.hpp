// Reductions over every element or over one axis.
//
// Shapes: over all elements the result is 0-D []. Over `axis` (negative counts
// from the end) that dimension is removed, or kept with extent 1 when
// `keepdims` is KeepDims::yes: sum of [N, C] over axis 1 is [N], or [N, 1].
// An axis outside [-rank, rank - 1] raises `std::invalid_argument` naming the
// op, the axis and the shape. A 0-D tensor accepts axis 0 or -1 and reduces to
// itself, as in PyTorch.
//
// Zero-size tensors, as in PyTorch: over all elements, or over an axis of
// extent 0, sum gives 0, mean gives NaN (0 / 0), and max raises
// `std::invalid_argument` because there is no maximum. Over another axis, such
// as axis 1 of [0, 3], every op gives an empty result ([0]).
#pragma once

#include <cstdint>

#include <tapegrad/core/source_location.hpp>
#include <tapegrad/core/tensor.hpp>

namespace tapegrad {

/// Whether a reduction keeps the reduced dimension with extent 1.
enum class KeepDims { no, yes };

template <class T>
Tensor<T> sum(const Tensor<T>& x, SourceLocation where = SourceLocation::current());
template <class T>
Tensor<T> sum(const Tensor<T>& x, std::int64_t axis, KeepDims keepdims = KeepDims::no,
              SourceLocation where = SourceLocation::current());
template <class T>
Tensor<T> mean(const Tensor<T>& x, SourceLocation where = SourceLocation::current());
template <class T>
Tensor<T> mean(const Tensor<T>& x, std::int64_t axis, KeepDims keepdims = KeepDims::no,
               SourceLocation where = SourceLocation::current());
/// Maximum. When several entries tie for the maximum, the gradient is split
/// equally among them, as torch.amax does. A NaN among the reduced entries
/// makes that maximum NaN, and the gradient of each of those entries NaN, as
/// in torch.amax.
template <class T>
Tensor<T> max(const Tensor<T>& x, SourceLocation where = SourceLocation::current());
template <class T>
Tensor<T> max(const Tensor<T>& x, std::int64_t axis, KeepDims keepdims = KeepDims::no,
              SourceLocation where = SourceLocation::current());

}  // namespace tapegrad
