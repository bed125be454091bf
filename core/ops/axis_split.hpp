// Axis arithmetic for ops that work along one axis of a row-major array.
//
// Seen along `axis`, an array is `outer` blocks, each holding `extent`
// positions on the axis times `inner` contiguous elements, so element
// (o, a, i) sits at flat offset (o * extent + a) * inner + i. The `extent`
// values of one lane (fixed o and i) are `inner` elements apart.
#pragma once

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>

#include <tapegrad/core/array.hpp>

namespace tapegrad::detail {

/// Returns `axis` as an index in [0, rank), counting a negative axis from the
/// end as numpy does. Raises `std::invalid_argument` naming `op`, the axis and
/// the shape when it is out of range.
template <class S>
std::size_t resolve_axis(const char* op, std::int64_t axis, const S& shape) {
  const auto rank = static_cast<std::int64_t>(shape.size());
  if (rank == 0) {
    throw std::invalid_argument(std::string(op) + ": axis " + std::to_string(axis) +
                                " is invalid for a 0-D tensor (shape []), which has no axes; "
                                "reshape it to [1] first");
  }
  if (axis < -rank || axis >= rank) {
    throw std::invalid_argument(std::string(op) + ": axis " + std::to_string(axis) +
                                " is out of range for shape " + format_shape(shape) +
                                "; pass an axis in [" + std::to_string(-rank) + ", " +
                                std::to_string(rank - 1) + "]");
  }
  return static_cast<std::size_t>(axis < 0 ? axis + rank : axis);
}

/// Sizes of the blocks around one axis; see the file comment.
struct AxisSplit {
  std::size_t outer = 1;
  std::size_t extent = 1;
  std::size_t inner = 1;
};

/// Splits `shape` around `axis`, which must be in [0, rank).
template <class S>
AxisSplit split_at_axis(const S& shape, std::size_t axis) {
  AxisSplit split;
  for (std::size_t index = 0; index < axis; ++index) {
    split.outer *= shape[index];
  }
  split.extent = shape[axis];
  for (std::size_t index = axis + 1; index < shape.size(); ++index) {
    split.inner *= shape[index];
  }
  return split;
}

}  // namespace tapegrad::detail
