// Reductions: each forward, then its backward.
//
// Legend: a reduction over one axis views x as [outer, extent, inner] around
// that axis. The keepdims shape is x's shape with extent 1 at the axis.
#include <tapegrad/core/ops/reduce.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <stdexcept>
#include <string>

#include <xtensor/xbroadcast.hpp>
#include <xtensor/xbuilder.hpp>
#include <xtensor/xoperation.hpp>
#include <xtensor/xreducer.hpp>

#include <tapegrad/core/accumulate.hpp>
#include <tapegrad/core/tape.hpp>

namespace tapegrad {
namespace {

// NOTE: xt::sum with evaluation_strategy::immediate crashes on xarray in
// Debian's xtensor 0.24, so every reduction here uses the lazy reducer.

template <class T>
Tensor<T> record_reduction(const char* op, const Tensor<T>& x, Array<T>&& value,
                           typename Node<T>::Backward backward, NodeAttributes attributes = {}) {
  const Tensor<T>* inputs[] = {&x};
  return Tape<T>::current().record(op, std::move(value), backward, inputs, attributes);
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

// Returns `shape` with extent 1 at `axis`: the keepdims shape.
template <class S>
Shape kept_shape(const S& shape, std::size_t axis) {
  Shape kept = to_shape(shape);
  kept[axis] = 1;
  return kept;
}

// Returns `shape` without `axis`, or with extent 1 there for KeepDims::yes.
template <class S>
Shape reduced_shape(const S& shape, std::size_t axis, KeepDims keepdims) {
  Shape reduced = kept_shape(shape, axis);
  if (keepdims == KeepDims::no) {
    reduced.erase(reduced.begin() + static_cast<std::ptrdiff_t>(axis));
  }
  return reduced;
}

// Stores the axis counted from the front; backward recovers the keepdims shape
// from it and the input shape, whatever `keepdims` was.
NodeAttributes axis_attributes(std::size_t axis) {
  NodeAttributes attributes;
  attributes.axis = static_cast<std::int64_t>(axis);
  return attributes;
}

// Returns grad_out, which has the output's shape, reshaped to the keepdims
// shape so that it broadcasts against the input.
template <class T>
Array<T>& reshape_to_kept(Node<T>& node, Array<T>& grad_out) {
  const auto axis = static_cast<std::size_t>(node.attributes.axis);
  grad_out.reshape(kept_shape(node.in[0]->value.shape(), axis));
  return grad_out;
}

// Returns the maximum over the middle dimension of x viewed as
// [outer, extent, inner], shaped [outer * inner]. NaN wins, as in torch.amax.
template <class T>
Array<T> max_over(const Array<T>& x, std::size_t outer, std::size_t extent, std::size_t inner) {
  Array<T> result = xt::empty<T>(Shape{outer * inner});
  for (std::size_t o = 0; o < outer; ++o) {
    const T* block = x.data() + o * extent * inner;
    T* row = result.data() + o * inner;
    std::copy(block, block + inner, row);
    for (std::size_t k = 1; k < extent; ++k) {
      const T* slice = block + k * inner;
      for (std::size_t i = 0; i < inner; ++i) {
        if (slice[i] > row[i] || std::isnan(slice[i])) {
          row[i] = slice[i];
        }
      }
    }
  }
  return result;
}

// d sum(x)/dx_i = 1: the gradient is grad_out broadcast to x's shape.
template <class T>
void sum_all_backward(Node<T>& node, Array<T>& grad_out) {
  const T upstream = *grad_out.begin();
  accumulate_grad(node.in[0], Array<T>(node.in[0]->value.shape(), upstream));
}

// d sum(x, axis)/dx = 1 along the axis: grad_out broadcast back over the axis.
template <class T>
void sum_axis_backward(Node<T>& node, Array<T>& grad_out) {
  const Array<T>& grad_kept = reshape_to_kept(node, grad_out);
  accumulate_grad(node.in[0], xt::broadcast(grad_kept, node.in[0]->value.shape()));
}

// d mean(x)/dx_i = 1 / n for n elements.
template <class T>
void mean_all_backward(Node<T>& node, Array<T>& grad_out) {
  const Array<T>& x = node.in[0]->value;
  const T share = *grad_out.begin() / static_cast<T>(x.size());
  accumulate_grad(node.in[0], Array<T>(x.shape(), share));
}

// d mean(x, axis)/dx = 1 / extent along the axis.
template <class T>
void mean_axis_backward(Node<T>& node, Array<T>& grad_out) {
  const Array<T>& x = node.in[0]->value;
  const auto extent = static_cast<T>(x.shape()[static_cast<std::size_t>(node.attributes.axis)]);
  const Array<T> share = reshape_to_kept(node, grad_out) / extent;
  accumulate_grad(node.in[0], xt::broadcast(share, x.shape()));
}

// d max(x)/dx_i = 1 / count where x_i equals the maximum (count of ties), else 0.
// A NaN maximum matches no entry, and 0 * (g / 0) gives NaN everywhere, as in
// torch.amax.
template <class T>
void max_all_backward(Node<T>& node, Array<T>& grad_out) {
  const Array<T>& x = node.in[0]->value;
  const T maximum = *node.out->value.begin();
  const auto is_max = xt::cast<T>(xt::equal(x, maximum));
  const T count = xt::sum(is_max)();
  accumulate_grad(node.in[0], is_max * (*grad_out.begin() / count));
}

// d max(x, axis)/dx = 1 / count where x equals its slice's maximum, else 0,
// with count the ties in that slice (NaN as in max_all_backward).
template <class T>
void max_axis_backward(Node<T>& node, Array<T>& grad_out) {
  const Array<T>& x = node.in[0]->value;
  const auto axis = static_cast<std::size_t>(node.attributes.axis);
  Array<T> maximum = node.out->value;
  maximum.reshape(kept_shape(x.shape(), axis));
  const Array<T>& grad_kept = reshape_to_kept(node, grad_out);

  const auto is_max = xt::cast<T>(xt::equal(x, maximum));
  const Array<T> count = xt::sum(is_max, std::array<std::size_t, 1>{axis}, xt::keep_dims);
  accumulate_grad(node.in[0], is_max * (grad_kept / count));
}

}  // namespace

template <class T>
Tensor<T> sum(const Tensor<T>& x) {
  Array<T> value = xt::sum(x.value());
  return record_reduction("sum", x, std::move(value), sum_all_backward<T>);
}

template <class T>
Tensor<T> sum(const Tensor<T>& x, std::int64_t axis, KeepDims keepdims) {
  if (x.dim() == 0) {
    check_scalar_axis("sum", axis);
    return sum(x);
  }
  const std::size_t index = normalize_axis("sum", axis, x.shape());
  Array<T> value = xt::sum(x.value(), std::array<std::size_t, 1>{index});
  value.reshape(reduced_shape(x.shape(), index, keepdims));
  return record_reduction("sum", x, std::move(value), sum_axis_backward<T>,
                          axis_attributes(index));
}

template <class T>
Tensor<T> mean(const Tensor<T>& x) {
  // An empty x gives 0 / 0 = NaN, as torch.mean does.
  Array<T> value = xt::sum(x.value());
  value /= static_cast<T>(x.size());
  return record_reduction("mean", x, std::move(value), mean_all_backward<T>);
}

template <class T>
Tensor<T> mean(const Tensor<T>& x, std::int64_t axis, KeepDims keepdims) {
  if (x.dim() == 0) {
    check_scalar_axis("mean", axis);
    return mean(x);
  }
  const std::size_t index = normalize_axis("mean", axis, x.shape());
  Array<T> value = xt::sum(x.value(), std::array<std::size_t, 1>{index});
  value /= static_cast<T>(x.shape()[index]);
  value.reshape(reduced_shape(x.shape(), index, keepdims));
  return record_reduction("mean", x, std::move(value), mean_axis_backward<T>,
                          axis_attributes(index));
}

template <class T>
Tensor<T> max(const Tensor<T>& x) {
  if (x.size() == 0) {
    throw std::invalid_argument("max: the tensor of shape " + format_shape(x.shape()) +
                                " has no elements, so it has no maximum; reduce over a "
                                "nonzero axis with max(x, axis) or check the input");
  }
  Array<T> value = max_over(x.value(), 1, x.size(), 1);
  value.reshape(Shape{});
  return record_reduction("max", x, std::move(value), max_all_backward<T>);
}

template <class T>
Tensor<T> max(const Tensor<T>& x, std::int64_t axis, KeepDims keepdims) {
  if (x.dim() == 0) {
    check_scalar_axis("max", axis);
    return max(x);
  }
  const auto& shape = x.shape();
  const std::size_t index = normalize_axis("max", axis, shape);
  const std::size_t extent = shape[index];
  if (extent == 0) {
    throw std::invalid_argument("max: axis " + std::to_string(axis) + " of the tensor of shape " +
                                format_shape(shape) +
                                " has extent 0, so it has no maximum; reduce over a nonzero axis");
  }
  std::size_t outer = 1;
  std::size_t inner = 1;
  for (std::size_t d = 0; d < shape.size(); ++d) {
    if (d < index) {
      outer *= shape[d];
    } else if (d > index) {
      inner *= shape[d];
    }
  }
  Array<T> value = max_over(x.value(), outer, extent, inner);
  value.reshape(reduced_shape(shape, index, keepdims));
  return record_reduction("max", x, std::move(value), max_axis_backward<T>,
                          axis_attributes(index));
}

template Tensor<float> sum(const Tensor<float>&);
template Tensor<double> sum(const Tensor<double>&);
template Tensor<float> sum(const Tensor<float>&, std::int64_t, KeepDims);
template Tensor<double> sum(const Tensor<double>&, std::int64_t, KeepDims);
template Tensor<float> mean(const Tensor<float>&);
template Tensor<double> mean(const Tensor<double>&);
template Tensor<float> mean(const Tensor<float>&, std::int64_t, KeepDims);
template Tensor<double> mean(const Tensor<double>&, std::int64_t, KeepDims);
template Tensor<float> max(const Tensor<float>&);
template Tensor<double> max(const Tensor<double>&);
template Tensor<float> max(const Tensor<float>&, std::int64_t, KeepDims);
template Tensor<double> max(const Tensor<double>&, std::int64_t, KeepDims);

}  // namespace tapegrad
