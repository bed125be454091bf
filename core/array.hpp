// Array storage shared by tensors, the tape and every op.
//
// `Array<T>` is the evaluated xtensor container every tensor value and every
// gradient lives in. Nothing on the tape is ever a lazy xtensor expression.
// Its buffers come from the per-thread cache in buffer_cache.hpp; an
// `xt::xarray<T>` converts to it by copying.
#pragma once

#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <xtensor/xarray.hpp>

#include <tapegrad/core/buffer_cache.hpp>

namespace tapegrad {

template <class T>
using Array = xt::xarray<T, XTENSOR_DEFAULT_LAYOUT, memory::CachingAllocator<T>>;

/// Named arrays in a fixed order: a module's parameters ("0.weight"), an
/// optimizer's state, or the entries of a checkpoint file.
template <class T>
using NamedArrays = std::vector<std::pair<std::string, Array<T>>>;

/// Dimensions of an array, outermost first: `[N, in]` is `Shape{N, in}`.
using Shape = std::vector<std::size_t>;

/// Formats a shape the way error messages write it: `[2, 3]`, `[]` for 0-D.
template <class S>
std::string format_shape(const S& shape) {
  std::string text = "[";
  bool first = true;
  for (auto extent : shape) {
    if (!first) {
      text += ", ";
    }
    text += std::to_string(extent);
    first = false;
  }
  return text + "]";
}

/// Returns the number of elements of an array of `shape`. Raises
/// `std::invalid_argument` naming `op` and the shape when that number does
/// not fit std::size_t, where xtensor would wrap the product around and
/// allocate too little. A shape with a zero extent has 0 elements whatever
/// its other extents.
template <class S>
std::size_t checked_size(std::string_view op, const S& shape) {
  std::size_t count = 1;
  bool overflowed = false;
  for (auto extent : shape) {
    if (extent == 0) {
      return 0;
    }
    if (__builtin_mul_overflow(count, static_cast<std::size_t>(extent), &count)) {
      overflowed = true;
    }
  }
  if (overflowed) {
    throw std::invalid_argument(std::string(op) + ": shape " + format_shape(shape) +
                                " has more elements than std::size_t can count; check the "
                                "extents");
  }
  return count;
}

/// Converts any xtensor shape (svector, std::array) to a `Shape`.
template <class S>
Shape to_shape(const S& shape) {
  return Shape(shape.begin(), shape.end());
}

}  // namespace tapegrad
