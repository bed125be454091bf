// Shape ops: reshape, flatten, concat, slicing and row selection.
//
// None of them changes a value; each copies values into a new tensor, and its
// backward routes the gradient back to the positions the values came from.
// Bad shapes, axes or indices raise `std::invalid_argument` naming the op and
// the shapes and values involved.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <span>
#include <vector>

#include <tapegrad/core/source_location.hpp>
#include <tapegrad/core/tensor.hpp>

namespace tapegrad {

/// Returns the same values in `shape`. One extent may be -1: it is inferred
/// from the element count, as in torch.reshape. Raises `std::invalid_argument`
/// naming both shapes when the element counts differ, and for a second -1,
/// another negative extent, or a -1 that a 0-element tensor leaves ambiguous.
template <class T>
Tensor<T> reshape(const Tensor<T>& x, const std::vector<std::int64_t>& shape,
                  SourceLocation where = SourceLocation::current());

/// Collapses dimensions `start_axis` to the last into one:
/// [N, C, H, W] -> [N, C * H * W] for the default start_axis = 1. A 0-D
/// tensor flattens to [1] for start_axis 0 or -1.
template <class T>
Tensor<T> flatten(const Tensor<T>& x, std::int64_t start_axis = 1,
                  SourceLocation where = SourceLocation::current());

/// Joins tensors along `axis` (negative counts from the end); every other
/// extent must match. [N1, C] and [N2, C] along axis 0 -> [N1 + N2, C].
/// The same tensor may appear several times; its gradients add up.
template <class T>
Tensor<T> concat(const std::vector<Tensor<T>>& tensors, std::int64_t axis = 0,
                 SourceLocation where = SourceLocation::current());

/// `concat` with the tensors in braces, so T is deduced: `concat({a, b}, 1)`.
template <class T>
Tensor<T> concat(std::initializer_list<Tensor<T>> tensors, std::int64_t axis = 0,
                 SourceLocation where = SourceLocation::current()) {
  return concat(std::vector<Tensor<T>>(tensors), axis, where);
}

/// Returns entries start .. stop - 1 along `axis` (negative axis counts from
/// the end): [N, C] sliced on axis 0 from 2 to 5 -> [3, C]. Needs
/// start <= stop <= the extent of `axis`; start == stop gives an empty slice.
template <class T>
Tensor<T> slice(const Tensor<T>& x, std::int64_t axis, std::size_t start, std::size_t stop,
                SourceLocation where = SourceLocation::current());

/// Returns the rows `rows` of x, in that order, repeats allowed:
/// [N, ...] -> [rows.size(), ...]. Gradients of repeated rows add up. Each
/// index must be in [0, N).
template <class T>
Tensor<T> select_rows(const Tensor<T>& x, std::span<const std::size_t> rows,
                      SourceLocation where = SourceLocation::current());

}  // namespace tapegrad
