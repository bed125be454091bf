// Concat, slice and select_rows: each forward, then its backward.
//
// Each op copies values between row-major buffers in contiguous blocks (see
// axis_split.hpp); each backward copies the gradient blocks back.
#include <tapegrad/core/ops/shape.hpp>

#include <algorithm>
#include <memory>
#include <stdexcept>
#include <string>

#include <xtensor/xbuilder.hpp>

#include <tapegrad/core/accumulate.hpp>
#include <tapegrad/core/ops/axis_split.hpp>
#include <tapegrad/core/tape.hpp>

namespace tapegrad {
namespace {

// d concat(x_1, ..., x_n)/dx_k selects the block of the output that x_k filled
template <class T>
void concat_backward(Node<T>& node, Array<T>& grad_out) {
  const auto axis = static_cast<std::size_t>(node.attributes.axis);
  const detail::AxisSplit split = detail::split_at_axis(grad_out.shape(), axis);
  const std::size_t out_block = split.extent * split.inner;
  std::size_t offset = 0;
  for (std::size_t index = 0; index < node.input_count(); ++index) {
    TensorImpl<T>* input = node.input(index);
    const std::size_t block = input->value.shape()[axis] * split.inner;
    if (input->requires_grad) {
      Array<T> dx = xt::empty<T>(input->value.shape());
      for (std::size_t outer = 0; outer < split.outer; ++outer) {
        const T* source = grad_out.data() + outer * out_block + offset;
        std::copy(source, source + block, dx.data() + outer * block);
      }
      accumulate_grad(input, std::move(dx));
    }
    offset += block;
  }
}

}  // namespace

template <class T>
Tensor<T> concat(const std::vector<Tensor<T>>& tensors, std::int64_t axis, SourceLocation where) {
  if (tensors.empty()) {
    throw std::invalid_argument("concat: got no tensors; pass at least one");
  }
  const auto& first = tensors.front().shape();
  if (first.empty()) {
    throw std::invalid_argument(
        "concat: cannot join 0-D tensors (input 0 has shape []); reshape them to [1] first");
  }
  const std::size_t joined_axis = detail::resolve_axis("concat", axis, first);

  Shape shape = to_shape(first);
  shape[joined_axis] = 0;
  for (std::size_t index = 0; index < tensors.size(); ++index) {
    const auto& other = tensors[index].shape();
    bool matches = other.size() == first.size();
    for (std::size_t dim = 0; matches && dim < first.size(); ++dim) {
      matches = dim == joined_axis || other[dim] == first[dim];
    }
    if (!matches) {
      throw std::invalid_argument("concat: input " + std::to_string(index) + " has shape " +
                                  format_shape(other) + " but input 0 has shape " +
                                  format_shape(first) + "; every extent except axis " +
                                  std::to_string(joined_axis) + " must match");
    }
    // Zero-size inputs can have extents whose sum overflows.
    if (__builtin_add_overflow(shape[joined_axis], other[joined_axis], &shape[joined_axis])) {
      throw std::invalid_argument("concat: the extents along axis " + std::to_string(joined_axis) +
                                  " add up to more than std::size_t can count");
    }
  }
  checked_size("concat", shape);

  Array<T> value = xt::empty<T>(shape);
  const detail::AxisSplit split = detail::split_at_axis(shape, joined_axis);
  const std::size_t out_block = split.extent * split.inner;
  std::size_t offset = 0;
  std::vector<const Tensor<T>*> inputs;
  inputs.reserve(tensors.size());
  for (const Tensor<T>& tensor : tensors) {
    const std::size_t block = tensor.shape()[joined_axis] * split.inner;
    for (std::size_t outer = 0; outer < split.outer; ++outer) {
      const T* source = tensor.value().data() + outer * block;
      std::copy(source, source + block, value.data() + outer * out_block + offset);
    }
    offset += block;
    inputs.push_back(&tensor);
  }

  NodeAttributes attributes;
  attributes.axis = static_cast<std::int64_t>(joined_axis);
  return Tape<T>::current().record("concat", std::move(value), concat_backward<T>, inputs,
                                   attributes, nullptr, where);
}

namespace {

// d slice(x)/dx is 1 at the positions kept and 0 elsewhere
template <class T>
void slice_backward(Node<T>& node, Array<T>& grad_out) {
  const auto axis = static_cast<std::size_t>(node.attributes.axis);
  const auto start = static_cast<std::size_t>(node.attributes.flags);
  Array<T> dx = xt::zeros<T>(node.in[0]->value.shape());
  const detail::AxisSplit split = detail::split_at_axis(dx.shape(), axis);
  const std::size_t block = grad_out.shape()[axis] * split.inner;
  for (std::size_t outer = 0; outer < split.outer; ++outer) {
    const T* source = grad_out.data() + outer * block;
    std::copy(source, source + block, dx.data() + (outer * split.extent + start) * split.inner);
  }
  accumulate_grad(node.in[0], std::move(dx));
}

}  // namespace

template <class T>
Tensor<T> slice(const Tensor<T>& x, std::int64_t axis, std::size_t start, std::size_t stop,
                SourceLocation where) {
  const auto& input = x.shape();
  const std::size_t sliced_axis = detail::resolve_axis("slice", axis, input);
  const std::size_t extent = input[sliced_axis];
  if (start > stop || stop > extent) {
    throw std::invalid_argument("slice: range [" + std::to_string(start) + ", " +
                                std::to_string(stop) + ") is invalid for axis " +
                                std::to_string(sliced_axis) + " of shape " + format_shape(input) +
                                "; need start <= stop <= " + std::to_string(extent));
  }

  Shape shape = to_shape(input);
  shape[sliced_axis] = stop - start;
  Array<T> value = xt::empty<T>(shape);
  const detail::AxisSplit split = detail::split_at_axis(input, sliced_axis);
  const std::size_t block = (stop - start) * split.inner;
  for (std::size_t outer = 0; outer < split.outer; ++outer) {
    const T* source = x.value().data() + (outer * extent + start) * split.inner;
    std::copy(source, source + block, value.data() + outer * block);
  }

  NodeAttributes attributes;
  attributes.axis = static_cast<std::int64_t>(sliced_axis);
  attributes.flags = static_cast<std::int64_t>(start);
  const Tensor<T>* inputs[] = {&x};
  return Tape<T>::current().record("slice", std::move(value), slice_backward<T>, inputs, attributes,
                                   nullptr, where);
}

namespace {

// d select_rows(x)/dx adds row k of grad_out into the row it was read from, so repeats sum
template <class T>
void select_rows_backward(Node<T>& node, Array<T>& grad_out) {
  const std::vector<std::size_t>& rows = node.extra->indices;
  Array<T> dx = xt::zeros<T>(node.in[0]->value.shape());
  const std::size_t row_size = rows.empty() ? 0 : grad_out.size() / rows.size();
  for (std::size_t position = 0; position < rows.size(); ++position) {
    const T* source = grad_out.data() + position * row_size;
    T* target = dx.data() + rows[position] * row_size;
    for (std::size_t column = 0; column < row_size; ++column) {
      target[column] += source[column];
    }
  }
  accumulate_grad(node.in[0], std::move(dx));
}

}  // namespace

template <class T>
Tensor<T> select_rows(const Tensor<T>& x, std::span<const std::size_t> rows, SourceLocation where) {
  const auto& input = x.shape();
  if (input.empty()) {
    throw std::invalid_argument(
        "select_rows: needs a tensor with at least one dimension, got shape []");
  }
  const std::size_t row_count = input[0];
  for (std::size_t position = 0; position < rows.size(); ++position) {
    if (rows[position] >= row_count) {
      throw std::invalid_argument("select_rows: row index " + std::to_string(rows[position]) +
                                  " at position " + std::to_string(position) +
                                  " is out of range for shape " + format_shape(input) +
                                  "; indices must be in [0, " + std::to_string(row_count) + ")");
    }
  }

  Shape shape = to_shape(input);
  shape[0] = rows.size();
  Array<T> value = xt::empty<T>(shape);
  const std::size_t row_size = row_count == 0 ? 0 : x.size() / row_count;
  for (std::size_t position = 0; position < rows.size(); ++position) {
    const T* source = x.value().data() + rows[position] * row_size;
    std::copy(source, source + row_size, value.data() + position * row_size);
  }

  const Tensor<T>* inputs[] = {&x};
  std::unique_ptr<NodeExtra<T>> extra;
  if (should_record<T>(inputs)) {
    extra = std::make_unique<NodeExtra<T>>();
    extra->indices.assign(rows.begin(), rows.end());
  }
  return Tape<T>::current().record("select_rows", std::move(value), select_rows_backward<T>, inputs,
                                   {}, std::move(extra), where);
}

template Tensor<float> concat(const std::vector<Tensor<float>>&, std::int64_t, SourceLocation);
template Tensor<double> concat(const std::vector<Tensor<double>>&, std::int64_t, SourceLocation);
template Tensor<float> slice(const Tensor<float>&, std::int64_t, std::size_t, std::size_t,
                             SourceLocation);
template Tensor<double> slice(const Tensor<double>&, std::int64_t, std::size_t, std::size_t,
                              SourceLocation);
template Tensor<float> select_rows(const Tensor<float>&, std::span<const std::size_t>,
                                   SourceLocation);
template Tensor<double> select_rows(const Tensor<double>&, std::span<const std::size_t>,
                                    SourceLocation);

}  // namespace tapegrad
