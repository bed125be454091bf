// Reductions: each forward, then its backward.
//
// Legend: a reduction over one axis views x as [outer, extent, inner] around
// that axis, and a reduction over all elements views it as [1, size, 1]. The
// output, in any of its shapes, is then [outer, inner] in memory.
//
// NOTE: the loops below stand in for xtensor's reducers on purpose. In
// Debian's xtensor 0.24, xt::sum with evaluation_strategy::immediate crashes on
// xarray, and the lazy reducer offsets a null pointer on zero-size arrays,
// which UndefinedBehaviorSanitizer rejects.
#include <tapegrad/core/ops/reduce.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <stdexcept>
#include <string>
#include <vector>

#include <xtensor/xbuilder.hpp>

#include <tapegrad/core/accumulate.hpp>
#include <tapegrad/core/tape.hpp>

namespace tapegrad {
namespace {

// Extents of x viewed as [outer, extent, inner].
struct AxisSplit {
  std::size_t outer = 1;
  std::size_t extent = 1;
  std::size_t inner = 1;
};

template <class S>
AxisSplit split_at(const S& shape, std::size_t axis) {
  AxisSplit split;
  split.extent = shape[axis];
  for (std::size_t d = 0; d < shape.size(); ++d) {
    if (d < axis) {
      split.outer *= shape[d];
    } else if (d > axis) {
      split.inner *= shape[d];
    }
  }
  return split;
}

AxisSplit split_all(std::size_t size) { return AxisSplit{1, size, 1}; }

// Returns the split of the input of a node that reduced over attributes.axis.
template <class T>
AxisSplit node_split(const Node<T>& node) {
  return split_at(node.in[0]->value.shape(), static_cast<std::size_t>(node.attributes.axis));
}

// Returns `axis` counted from the front, or raises std::invalid_argument
// naming the op, the axis and the shape. Call only for x of rank >= 1.
template <class S>
std::size_t normalize_axis(const char* op, std::int64_t axis, const S& shape) {
  const auto rank = static_cast<std::int64_t>(shape.size());
  if (axis < -rank || axis >= rank) {
    throw std::invalid_argument(std::string(op) + ": axis " + std::to_string(axis) +
                                " is out of range for a tensor of shape " + format_shape(shape) +
                                "; pass an axis in [" + std::to_string(-rank) + ", " +
                                std::to_string(rank - 1) + "]");
  }
  return static_cast<std::size_t>(axis < 0 ? axis + rank : axis);
}

// Raises std::invalid_argument for an axis of a 0-D tensor other than 0 or -1,
// the only ones PyTorch accepts there.
void check_scalar_axis(const char* op, std::int64_t axis) {
  if (axis != 0 && axis != -1) {
    throw std::invalid_argument(std::string(op) + ": axis " + std::to_string(axis) +
                                " is out of range for a 0-D tensor (shape []); pass 0 or -1");
  }
}

// Returns `shape` without `axis`, or with extent 1 there for KeepDims::yes.
template <class S>
Shape reduced_shape(const S& shape, std::size_t axis, KeepDims keepdims) {
  Shape reduced = to_shape(shape);
  if (keepdims == KeepDims::yes) {
    reduced[axis] = 1;
  } else {
    reduced.erase(reduced.begin() + static_cast<std::ptrdiff_t>(axis));
  }
  return reduced;
}

// Stores the axis counted from the front; backward needs nothing else, since
// the output's layout in memory is the same with or without keepdims.
NodeAttributes axis_attributes(std::size_t axis) {
  NodeAttributes attributes;
  attributes.axis = static_cast<std::int64_t>(axis);
  return attributes;
}

template <class T>
Tensor<T> record_reduction(const char* op, const Tensor<T>& x, Array<T>&& value,
                           typename Node<T>::Backward backward, SourceLocation where,
                           NodeAttributes attributes = {}) {
  const Tensor<T>* inputs[] = {&x};
  return Tape<T>::current().record(op, std::move(value), backward, inputs, attributes, nullptr,
                                   where);
}

// Returns scale * (sum over the extent dimension), shaped `shape`. Sums
// accumulate in double, which keeps float sums of many terms accurate.
template <class T>
Array<T> sum_over(const Array<T>& x, AxisSplit split, double scale, const Shape& shape) {
  std::vector<double> totals(split.outer * split.inner, 0.0);
  for (std::size_t o = 0; o < split.outer; ++o) {
    double* row = totals.data() + o * split.inner;
    for (std::size_t k = 0; k < split.extent; ++k) {
      const T* slice = x.data() + (o * split.extent + k) * split.inner;
      for (std::size_t i = 0; i < split.inner; ++i) {
        row[i] += static_cast<double>(slice[i]);
      }
    }
  }
  Array<T> result = xt::empty<T>(shape);
  std::transform(totals.begin(), totals.end(), result.data(),
                 [scale](double total) { return static_cast<T>(total * scale); });
  return result;
}

// Returns the maximum over the extent dimension, shaped `shape`. The first
// NaN met stays, so a NaN in a slice makes its maximum NaN, as in torch.amax.
template <class T>
Array<T> max_over(const Array<T>& x, AxisSplit split, const Shape& shape) {
  Array<T> result = xt::empty<T>(shape);
  for (std::size_t o = 0; o < split.outer; ++o) {
    const T* block = x.data() + o * split.extent * split.inner;
    T* row = result.data() + o * split.inner;
    std::copy(block, block + split.inner, row);
    for (std::size_t k = 1; k < split.extent; ++k) {
      const T* slice = block + k * split.inner;
      for (std::size_t i = 0; i < split.inner; ++i) {
        if (slice[i] > row[i] || std::isnan(slice[i])) {
          row[i] = slice[i];
        }
      }
    }
  }
  return result;
}

// Returns an array shaped like `x` with dx[o, k, i] = scale * grad[o, i].
template <class T>
Array<T> spread_over(const Array<T>& grad, const Array<T>& x, AxisSplit split, T scale) {
  Array<T> dx = xt::empty<T>(x.shape());
  for (std::size_t o = 0; o < split.outer; ++o) {
    const T* row = grad.data() + o * split.inner;
    for (std::size_t k = 0; k < split.extent; ++k) {
      T* slice = dx.data() + (o * split.extent + k) * split.inner;
      for (std::size_t i = 0; i < split.inner; ++i) {
        slice[i] = scale * row[i];
      }
    }
  }
  return dx;
}

// Returns an array shaped like `x` with grad[o, i] / ties at the entries that
// equal their slice's maximum and 0 elsewhere, where ties counts those
// entries. A NaN maximum equals no entry, so ties is 0 and 0 * (g / 0) gives
// NaN for the whole slice, as in torch.amax.
template <class T>
Array<T> route_to_max(const Array<T>& grad, const Array<T>& x, const Array<T>& maximum,
                      AxisSplit split) {
  std::vector<T> ties(split.outer * split.inner, T(0));
  for (std::size_t o = 0; o < split.outer; ++o) {
    for (std::size_t k = 0; k < split.extent; ++k) {
      const T* slice = x.data() + (o * split.extent + k) * split.inner;
      for (std::size_t i = 0; i < split.inner; ++i) {
        ties[o * split.inner + i] += slice[i] == maximum.data()[o * split.inner + i] ? 1 : 0;
      }
    }
  }
  Array<T> dx = xt::empty<T>(x.shape());
  for (std::size_t o = 0; o < split.outer; ++o) {
    for (std::size_t k = 0; k < split.extent; ++k) {
      const std::size_t offset = (o * split.extent + k) * split.inner;
      for (std::size_t i = 0; i < split.inner; ++i) {
        const std::size_t out = o * split.inner + i;
        const T is_max = x.data()[offset + i] == maximum.data()[out] ? T(1) : T(0);
        dx.data()[offset + i] = is_max * (grad.data()[out] / ties[out]);
      }
    }
  }
  return dx;
}

// d sum(x)/dx_i = 1: every entry receives grad_out.
template <class T>
void sum_all_backward(Node<T>& node, Array<T>& grad_out) {
  const Array<T>& x = node.in[0]->value;
  accumulate_grad(node.in[0], spread_over(grad_out, x, split_all(x.size()), T(1)));
}

// d sum(x, axis)/dx = 1: each entry receives grad_out of its slice.
template <class T>
void sum_axis_backward(Node<T>& node, Array<T>& grad_out) {
  accumulate_grad(node.in[0], spread_over(grad_out, node.in[0]->value, node_split(node), T(1)));
}

// d mean(x)/dx_i = 1 / n for n elements.
template <class T>
void mean_all_backward(Node<T>& node, Array<T>& grad_out) {
  const Array<T>& x = node.in[0]->value;
  const T scale = T(1) / static_cast<T>(x.size());
  accumulate_grad(node.in[0], spread_over(grad_out, x, split_all(x.size()), scale));
}

// d mean(x, axis)/dx = 1 / extent for the extent of the axis.
template <class T>
void mean_axis_backward(Node<T>& node, Array<T>& grad_out) {
  const AxisSplit split = node_split(node);
  const T scale = T(1) / static_cast<T>(split.extent);
  accumulate_grad(node.in[0], spread_over(grad_out, node.in[0]->value, split, scale));
}

// d max(x)/dx_i = 1 / ties where x_i equals the maximum, 0 elsewhere.
template <class T>
void max_all_backward(Node<T>& node, Array<T>& grad_out) {
  const Array<T>& x = node.in[0]->value;
  accumulate_grad(node.in[0], route_to_max(grad_out, x, node.out->value, split_all(x.size())));
}

// d max(x, axis)/dx = 1 / ties where x equals its slice's maximum, 0 elsewhere.
template <class T>
void max_axis_backward(Node<T>& node, Array<T>& grad_out) {
  accumulate_grad(node.in[0],
                  route_to_max(grad_out, node.in[0]->value, node.out->value, node_split(node)));
}

}  // namespace

template <class T>
Tensor<T> sum(const Tensor<T>& x, SourceLocation where) {
  Array<T> value = sum_over(x.value(), split_all(x.size()), 1.0, Shape{});
  return record_reduction("sum", x, std::move(value), sum_all_backward<T>, where);
}

template <class T>
Tensor<T> sum(const Tensor<T>& x, std::int64_t axis, KeepDims keepdims, SourceLocation where) {
  if (x.dim() == 0) {
    check_scalar_axis("sum", axis);
    return sum(x, where);
  }
  const std::size_t index = normalize_axis("sum", axis, x.shape());
  Array<T> value = sum_over(x.value(), split_at(x.shape(), index), 1.0,
                            reduced_shape(x.shape(), index, keepdims));
  return record_reduction("sum", x, std::move(value), sum_axis_backward<T>, where,
                          axis_attributes(index));
}

template <class T>
Tensor<T> mean(const Tensor<T>& x, SourceLocation where) {
  // An empty x gives 0 * (1 / 0) = NaN, as torch.mean does.
  const double scale = 1.0 / static_cast<double>(x.size());
  Array<T> value = sum_over(x.value(), split_all(x.size()), scale, Shape{});
  return record_reduction("mean", x, std::move(value), mean_all_backward<T>, where);
}

template <class T>
Tensor<T> mean(const Tensor<T>& x, std::int64_t axis, KeepDims keepdims, SourceLocation where) {
  if (x.dim() == 0) {
    check_scalar_axis("mean", axis);
    return mean(x, where);
  }
  const std::size_t index = normalize_axis("mean", axis, x.shape());
  const AxisSplit split = split_at(x.shape(), index);
  const double scale = 1.0 / static_cast<double>(split.extent);
  Array<T> value = sum_over(x.value(), split, scale, reduced_shape(x.shape(), index, keepdims));
  return record_reduction("mean", x, std::move(value), mean_axis_backward<T>, where,
                          axis_attributes(index));
}

template <class T>
Tensor<T> max(const Tensor<T>& x, SourceLocation where) {
  if (x.size() == 0) {
    throw std::invalid_argument("max: the tensor of shape " + format_shape(x.shape()) +
                                " has no elements, so it has no maximum; reduce over a "
                                "nonzero axis with max(x, axis) or check the input");
  }
  Array<T> value = max_over(x.value(), split_all(x.size()), Shape{});
  return record_reduction("max", x, std::move(value), max_all_backward<T>, where);
}

template <class T>
Tensor<T> max(const Tensor<T>& x, std::int64_t axis, KeepDims keepdims, SourceLocation where) {
  if (x.dim() == 0) {
    check_scalar_axis("max", axis);
    return max(x, where);
  }
  const auto& shape = x.shape();
  const std::size_t index = normalize_axis("max", axis, shape);
  if (shape[index] == 0) {
    throw std::invalid_argument("max: axis " + std::to_string(axis) + " of the tensor of shape " +
                                format_shape(shape) +
                                " has extent 0, so it has no maximum; reduce over a nonzero axis");
  }
  Array<T> value =
      max_over(x.value(), split_at(shape, index), reduced_shape(shape, index, keepdims));
  return record_reduction("max", x, std::move(value), max_axis_backward<T>, where,
                          axis_attributes(index));
}

template Tensor<float> sum(const Tensor<float>&, SourceLocation);
template Tensor<double> sum(const Tensor<double>&, SourceLocation);
template Tensor<float> sum(const Tensor<float>&, std::int64_t, KeepDims, SourceLocation);
template Tensor<double> sum(const Tensor<double>&, std::int64_t, KeepDims, SourceLocation);
template Tensor<float> mean(const Tensor<float>&, SourceLocation);
template Tensor<double> mean(const Tensor<double>&, SourceLocation);
template Tensor<float> mean(const Tensor<float>&, std::int64_t, KeepDims, SourceLocation);
template Tensor<double> mean(const Tensor<double>&, std::int64_t, KeepDims, SourceLocation);
template Tensor<float> max(const Tensor<float>&, SourceLocation);
template Tensor<double> max(const Tensor<double>&, SourceLocation);
template Tensor<float> max(const Tensor<float>&, std::int64_t, KeepDims, SourceLocation);
template Tensor<double> max(const Tensor<double>&, std::int64_t, KeepDims, SourceLocation);

}  // namespace tapegrad
