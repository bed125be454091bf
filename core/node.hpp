// Node: one recorded op on the tape.
//
// A node is kept lean on purpose. It stores a plain function pointer for the
// backward pass, borrowed pointers to at most two inputs, the output it
// produced, a few scalar attributes and the source location of the call (one
// pointer). An optional side record serves the rare ops that need more (saved
// arrays, index lists, more inputs, a user closure). Backward reads the input and output
// values in place, so nothing is copied to record an op.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <tapegrad/core/source_location.hpp>
#include <tapegrad/core/tensor.hpp>

namespace tapegrad {

/// Scalar settings an op's backward needs: an exponent, an axis, a flag.
struct NodeAttributes {
  double scalar = 0.0;
  std::int64_t axis = 0;
  std::int64_t flags = 0;
};

template <class T>
struct Node;

/// Gradients a custom op returns for `grad_out`: one array per input, shaped
/// like that input, or an empty array for an input that gets no gradient.
template <class T>
using CustomBackward = std::function<std::vector<Array<T>>(const Array<T>& grad_out)>;

/// Side record for ops that keep more than the inputs and output.
template <class T>
struct NodeExtra {
  /// Inputs after the first two (concat), with their versions at record time.
  std::vector<TensorImpl<T>*> more_inputs;
  std::vector<std::uint32_t> more_versions;
  /// Array computed in forward that backward reuses (softmax probabilities).
  Array<T> saved;
  /// Integer data such as selected rows or target classes.
  std::vector<std::size_t> indices;
  /// A shape backward needs, such as the input shape of a reshape.
  Shape shape;
  /// The backward function and name of a user-defined op.
  CustomBackward<T> custom;
  std::string name;
};

template <class T>
struct Node {
  /// Adds this node's input gradients, given the gradient of its output.
  /// `grad_out` belongs to the call: a backward may move it into an input.
  using Backward = void (*)(Node& node, Array<T>& grad_out);

  Backward backward = nullptr;
  /// Op name for error messages; points to a string literal or `extra->name`.
  const char* op = "";
  /// Source location of the user's call of the op, for anomaly mode's messages.
  SourceLocation where;
  std::shared_ptr<TensorImpl<T>> out;
  std::array<TensorImpl<T>*, 2> in{nullptr, nullptr};
  std::array<std::uint32_t, 2> in_version{0, 0};
  std::uint32_t out_version = 0;
  NodeAttributes attributes;
  std::unique_ptr<NodeExtra<T>> extra;

  std::size_t input_count() const noexcept {
    const std::size_t first_two = (in[0] != nullptr) + (in[1] != nullptr);
    return extra ? first_two + extra->more_inputs.size() : first_two;
  }
  TensorImpl<T>* input(std::size_t index) const {
    return index < 2 ? in[index] : extra->more_inputs[index - 2];
  }
};

}  // namespace tapegrad
