// Reshape and flatten: each forward, then its backward.
//
// Both copy the values unchanged into a new shape, so the backward reads
// grad_out in the input's shape.
#include <tapegrad/core/ops/shape.hpp>

#include <optional>
#include <stdexcept>
#include <string>

#include <tapegrad/core/accumulate.hpp>
#include <tapegrad/core/ops/axis_split.hpp>
#include <tapegrad/core/tape.hpp>

namespace tapegrad {
namespace {

template <class S>
std::size_t element_count(const S& shape) {
  std::size_t count = 1;
  for (auto extent : shape) {
    count *= static_cast<std::size_t>(extent);
  }
  return count;
}

// Returns `requested` with its -1 extent, if any, replaced by the extent that
// keeps the element count of `input`.
template <class S>
Shape resolve_reshape(const std::vector<std::int64_t>& requested, const S& input) {
  const std::size_t count = element_count(input);
  auto mismatch = [&] {
    return std::invalid_argument("reshape: cannot reshape a tensor of shape " +
                                 format_shape(input) + " (" + std::to_string(count) +
                                 " elements) into " + format_shape(requested) +
                                 "; the new shape must hold the same number of elements");
  };

  Shape shape(requested.size());
  std::optional<std::size_t> inferred_axis;
  Shape known_extents;
  for (std::size_t axis = 0; axis < requested.size(); ++axis) {
    const std::int64_t extent = requested[axis];
    if (extent == -1) {
      if (inferred_axis) {
        throw std::invalid_argument("reshape: shape " + format_shape(requested) +
                                    " has more than one -1 extent; at most one can be inferred");
      }
      inferred_axis = axis;
    } else if (extent < 0) {
      throw std::invalid_argument("reshape: shape " + format_shape(requested) +
                                  " has the invalid extent " + std::to_string(extent) +
                                  "; extents must be >= 0, or -1 for the one inferred extent");
    } else {
      shape[axis] = static_cast<std::size_t>(extent);
      known_extents.push_back(shape[axis]);
    }
  }
  const std::size_t known = checked_size("reshape", known_extents);

  if (!inferred_axis) {
    if (known != count) {
      throw mismatch();
    }
    return shape;
  }
  if (known == 0) {
    if (count != 0) {
      throw mismatch();
    }
    throw std::invalid_argument("reshape: cannot infer the -1 extent of " +
                                format_shape(requested) + " for a tensor of shape " +
                                format_shape(input) +
                                " (0 elements), because any extent fits; give every extent");
  }
  if (count % known != 0) {
    throw mismatch();
  }
  shape[*inferred_axis] = count / known;
  return shape;
}

// d reshape(x)/dx = identity: grad_out is the input's gradient in the input's shape
template <class T>
void reshape_backward(Node<T>& node, Array<T>& grad_out) {
  grad_out.reshape(node.in[0]->value.shape());
  accumulate_grad(node.in[0], std::move(grad_out));
}

template <class T>
Tensor<T> record_reshape(const char* op, const Tensor<T>& x, const Shape& shape,
                         SourceLocation where) {
  Array<T> value = x.value();
  value.reshape(shape);
  const Tensor<T>* inputs[] = {&x};
  return Tape<T>::current().record(op, std::move(value), reshape_backward<T>, inputs, {}, nullptr,
                                   where);
}

}  // namespace

template <class T>
Tensor<T> reshape(const Tensor<T>& x, const std::vector<std::int64_t>& shape,
                  SourceLocation where) {
  return record_reshape("reshape", x, resolve_reshape(shape, x.shape()), where);
}

template <class T>
Tensor<T> flatten(const Tensor<T>& x, std::int64_t start_axis, SourceLocation where) {
  const auto& input = x.shape();
  if (input.empty()) {
    // A 0-D tensor flattens to [1], as in torch.flatten; axis 0 and -1 both name it.
    if (start_axis != 0 && start_axis != -1) {
      throw std::invalid_argument("flatten: start_axis " + std::to_string(start_axis) +
                                  " is out of range for a 0-D tensor (shape []); pass 0");
    }
    return record_reshape("flatten", x, Shape{1}, where);
  }
  const std::size_t start = detail::resolve_axis("flatten", start_axis, input);
  Shape shape(input.begin(), input.begin() + static_cast<std::ptrdiff_t>(start));
  std::size_t collapsed = 1;
  for (std::size_t axis = start; axis < input.size(); ++axis) {
    collapsed *= input[axis];
  }
  // Extents after a zero extent may multiply past std::size_t. xtensor's own
  // signed strides overflowed when such an input was built, so this is a
  // last guard.
  checked_size("flatten", Shape(input.begin() + static_cast<std::ptrdiff_t>(start), input.end()));
  shape.push_back(collapsed);
  return record_reshape("flatten", x, shape, where);
}

template Tensor<float> reshape(const Tensor<float>&, const std::vector<std::int64_t>&,
                               SourceLocation);
template Tensor<double> reshape(const Tensor<double>&, const std::vector<std::int64_t>&,
                                SourceLocation);
template Tensor<float> flatten(const Tensor<float>&, std::int64_t, SourceLocation);
template Tensor<double> flatten(const Tensor<double>&, std::int64_t, SourceLocation);

}  // namespace tapegrad
