// Custom ops: a node whose backward is a user closure kept in NodeExtra.
#include <tapegrad/core/custom_op.hpp>

#include <algorithm>
#include <stdexcept>
#include <string>
#include <utility>

#include <tapegrad/core/accumulate.hpp>
#include <tapegrad/core/grad_mode.hpp>
#include <tapegrad/core/tape.hpp>

namespace tapegrad {
namespace {

// Whether a returned array whose shape differs from its input's means "no
// gradient": it has no elements, or it is 0-D as `Array<T>()` is. A 0-D array
// for a 0-D input has the input's shape, so it never gets here.
template <class T>
bool means_no_gradient(const Array<T>& grad) {
  return grad.size() == 0 || grad.dimension() == 0;
}

// The gradients are whatever the user's closure returns for grad_out.
template <class T>
void custom_backward(Node<T>& node, Array<T>& grad_out) {
  const NodeExtra<T>& extra = *node.extra;
  std::vector<Array<T>> grads;
  {
    // The closure computes plain arrays; ops it calls must not record nodes
    // onto the tape that backward is walking.
    NoGradGuard no_grad;
    grads = extra.custom(grad_out);
  }

  const std::size_t input_count = node.input_count();
  if (grads.size() != input_count) {
    throw std::invalid_argument("custom_op '" + extra.name + "': backward returned " +
                                std::to_string(grads.size()) + " gradients for " +
                                std::to_string(input_count) +
                                " inputs; return one array per input, in input order");
  }
  std::vector<bool> has_gradient(input_count, true);
  for (std::size_t index = 0; index < input_count; ++index) {
    const TensorImpl<T>& input = *node.input(index);
    const auto& expected = input.value.shape();
    const auto& actual = grads[index].shape();
    if (std::equal(actual.begin(), actual.end(), expected.begin(), expected.end())) {
      continue;
    }
    if (!means_no_gradient(grads[index])) {
      throw std::invalid_argument(
          "custom_op '" + extra.name + "': backward returned a gradient of shape " +
          format_shape(actual) + " for input " + std::to_string(index) + " of shape " +
          format_shape(expected) +
          "; return an array of the input's shape, or an empty array for no gradient");
    }
    has_gradient[index] = false;
  }

  // Every shape is checked before any is added, so a bad gradient leaves no
  // input half-updated.
  for (std::size_t index = 0; index < input_count; ++index) {
    if (has_gradient[index]) {
      accumulate_grad(node.input(index), std::move(grads[index]));
    }
  }
}

}  // namespace

template <class T>
Tensor<T> custom_op(std::string name, Array<T> value, const std::vector<Tensor<T>>& inputs,
                    CustomBackward<T> backward, SourceLocation where) {
  if (!backward) {
    throw std::invalid_argument("custom_op '" + name +
                                "': backward is empty; pass a function that returns one "
                                "gradient per input");
  }
  std::vector<const Tensor<T>*> input_pointers;
  input_pointers.reserve(inputs.size());
  for (const Tensor<T>& input : inputs) {
    input_pointers.push_back(&input);
  }
  if (!should_record<T>(input_pointers)) {
    if (anomaly_enabled()) {
      detail::check_forward_value<T>(name.c_str(), value, input_pointers, where);
    }
    return Tensor<T>(std::move(value));
  }

  auto extra = std::make_unique<NodeExtra<T>>();
  extra->custom = std::move(backward);
  extra->name = std::move(name);
  // The node's op name points into `extra`, which the node owns and never moves.
  const char* op = extra->name.c_str();
  return Tape<T>::current().record(op, std::move(value), custom_backward<T>, input_pointers, {},
                                   std::move(extra), where);
}

template Tensor<float> custom_op(std::string, Array<float>, const std::vector<Tensor<float>>&,
                                 CustomBackward<float>, SourceLocation);
template Tensor<double> custom_op(std::string, Array<double>, const std::vector<Tensor<double>>&,
                                  CustomBackward<double>, SourceLocation);

}  // namespace tapegrad
