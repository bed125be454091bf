// Softmax and log-softmax along any axis: each forward, then its backward.
//
// Both subtract the lane maximum m before exponentiating, so exp never
// overflows, and a -inf logit gives exp(-inf - m) = 0 exactly. A lane is the
// `extent` values along the axis, `stride` elements apart (see axis_split.hpp).
#include <tapegrad/core/ops/loss.hpp>

#include <algorithm>
#include <cmath>
#include <limits>

#include <xtensor/xbuilder.hpp>

#include <tapegrad/core/accumulate.hpp>
#include <tapegrad/core/ops/axis_split.hpp>
#include <tapegrad/core/tape.hpp>

namespace tapegrad {
namespace {

enum class SoftmaxOutput { probabilities, log_probabilities };

// Writes softmax (or log-softmax) of the lane at `x` into the lane at `y`.
template <class T>
void softmax_lane(const T* x, T* y, std::size_t extent, std::size_t stride, SoftmaxOutput output) {
  T max_value = -std::numeric_limits<T>::infinity();
  for (std::size_t a = 0; a < extent; ++a) {
    max_value = std::max(max_value, x[a * stride]);
  }
  T total = 0;
  for (std::size_t a = 0; a < extent; ++a) {
    const T shifted_exp = std::exp(x[a * stride] - max_value);
    y[a * stride] = shifted_exp;
    total += shifted_exp;
  }
  if (output == SoftmaxOutput::probabilities) {
    for (std::size_t a = 0; a < extent; ++a) {
      y[a * stride] /= total;
    }
  } else {
    const T log_total = max_value + std::log(total);
    for (std::size_t a = 0; a < extent; ++a) {
      y[a * stride] = x[a * stride] - log_total;
    }
  }
}

// Calls `lane(offset, stride)` with the flat offset of each lane along the split axis.
template <class F>
void for_each_lane(const detail::AxisSplit& split, F&& lane) {
  for (std::size_t outer = 0; outer < split.outer; ++outer) {
    for (std::size_t inner = 0; inner < split.inner; ++inner) {
      lane(outer * split.extent * split.inner + inner, split.inner);
    }
  }
}

template <class T>
Tensor<T> record_softmax(const char* op, const Tensor<T>& x, std::int64_t axis,
                         SoftmaxOutput output, typename Node<T>::Backward backward,
                         SourceLocation where) {
  const auto& shape = x.shape();
  const std::size_t resolved = detail::resolve_axis(op, axis, shape);
  const detail::AxisSplit split = detail::split_at_axis(shape, resolved);
  Array<T> value = xt::empty<T>(shape);
  const T* source = x.value().data();
  T* target = value.data();
  for_each_lane(split, [&](std::size_t offset, std::size_t stride) {
    softmax_lane(source + offset, target + offset, split.extent, stride, output);
  });

  NodeAttributes attributes;
  attributes.axis = static_cast<std::int64_t>(resolved);
  const Tensor<T>* inputs[] = {&x};
  return Tape<T>::current().record(op, std::move(value), backward, inputs, attributes, nullptr,
                                   where);
}

// d softmax(x)_j/dx_k = y_j ([j == k] - y_k), so dx = y * (grad_out - sum(grad_out * y))
template <class T>
void softmax_backward(Node<T>& node, Array<T>& grad_out) {
  const Array<T>& y = node.out->value;
  const detail::AxisSplit split =
      detail::split_at_axis(y.shape(), static_cast<std::size_t>(node.attributes.axis));
  // grad_out belongs to this call, so dx overwrites it lane by lane.
  for_each_lane(split, [&](std::size_t offset, std::size_t stride) {
    const T* probabilities = y.data() + offset;
    T* grad = grad_out.data() + offset;
    T weighted_sum = 0;
    for (std::size_t a = 0; a < split.extent; ++a) {
      weighted_sum += grad[a * stride] * probabilities[a * stride];
    }
    for (std::size_t a = 0; a < split.extent; ++a) {
      grad[a * stride] = probabilities[a * stride] * (grad[a * stride] - weighted_sum);
    }
  });
  accumulate_grad(node.in[0], std::move(grad_out));
}

}  // namespace

template <class T>
Tensor<T> softmax(const Tensor<T>& x, std::int64_t axis, SourceLocation where) {
  return record_softmax("softmax", x, axis, SoftmaxOutput::probabilities, softmax_backward<T>,
                        where);
}

namespace {

// d log_softmax(x)_j/dx_k = [j == k] - softmax_k, so dx = grad_out - exp(y) * sum(grad_out)
template <class T>
void log_softmax_backward(Node<T>& node, Array<T>& grad_out) {
  const Array<T>& y = node.out->value;
  const detail::AxisSplit split =
      detail::split_at_axis(y.shape(), static_cast<std::size_t>(node.attributes.axis));
  for_each_lane(split, [&](std::size_t offset, std::size_t stride) {
    const T* log_probabilities = y.data() + offset;
    T* grad = grad_out.data() + offset;
    T grad_sum = 0;
    for (std::size_t a = 0; a < split.extent; ++a) {
      grad_sum += grad[a * stride];
    }
    for (std::size_t a = 0; a < split.extent; ++a) {
      grad[a * stride] -= std::exp(log_probabilities[a * stride]) * grad_sum;
    }
  });
  accumulate_grad(node.in[0], std::move(grad_out));
}

}  // namespace

template <class T>
Tensor<T> log_softmax(const Tensor<T>& x, std::int64_t axis, SourceLocation where) {
  return record_softmax("log_softmax", x, axis, SoftmaxOutput::log_probabilities,
                        log_softmax_backward<T>, where);
}

template Tensor<float> softmax(const Tensor<float>&, std::int64_t, SourceLocation);
template Tensor<double> softmax(const Tensor<double>&, std::int64_t, SourceLocation);
template Tensor<float> log_softmax(const Tensor<float>&, std::int64_t, SourceLocation);
template Tensor<double> log_softmax(const Tensor<double>&, std::int64_t, SourceLocation);

}  // namespace tapegrad
