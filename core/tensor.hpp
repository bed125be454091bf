// Tensor: a cheap-to-copy handle to a value, its gradient and its place on the
// tape.
//
// Copies of a Tensor share one TensorImpl, as copies of a torch::Tensor do.
// Values are float or double arrays of any rank, 0-D scalars included.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <memory>
#include <type_traits>

#include <tapegrad/core/array.hpp>
#include <tapegrad/core/random.hpp>

namespace tapegrad {

/// Shared state behind Tensor handles. Ops and the tape use it directly; user
/// code goes through Tensor.
template <class T>
struct TensorImpl {
  Array<T> value;
  /// Gradient summed over backward calls; meaningful only while `has_grad`.
  Array<T> grad;
  /// Gradient collected during the backward pass under way.
  Array<T> pending;
  bool requires_grad = false;
  bool has_grad = false;
  bool has_pending = false;
  /// Set while `grad(outputs, inputs)` collects this tensor's gradient.
  bool captured = false;
  /// Count of in-place writes, checked by backward against the recorded count.
  std::uint32_t version = 0;
  /// Tape and node that produced this tensor; 0 for leaves.
  std::uint64_t tape_id = 0;
  std::uint64_t node_id = 0;
  /// Tape epoch during which the tape last took a reference to this leaf.
  std::uint64_t kept_epoch = 0;

  bool is_leaf() const noexcept { return tape_id == 0; }
};

template <class T>
class Tensor {
  static_assert(std::is_same_v<T, float> || std::is_same_v<T, double>,
                "tapegrad tensors hold float or double");

 public:
  using value_type = T;

  /// An empty handle; `defined()` is false and every other member throws.
  Tensor() = default;

  /// Constant tensors from nested initializer lists: `Tensor<float> x = {2, 3};`.
  Tensor(xt::nested_initializer_list_t<T, 1> values) : Tensor(Array<T>(values)) {}
  Tensor(xt::nested_initializer_list_t<T, 2> values) : Tensor(Array<T>(values)) {}
  Tensor(xt::nested_initializer_list_t<T, 3> values) : Tensor(Array<T>(values)) {}
  Tensor(xt::nested_initializer_list_t<T, 4> values) : Tensor(Array<T>(values)) {}

  /// A constant tensor that takes over `value`. Use `parameter` for a leaf
  /// that needs gradients.
  explicit Tensor(Array<T> value);

  explicit Tensor(std::shared_ptr<TensorImpl<T>> impl) : impl_(std::move(impl)) {}

  bool defined() const noexcept { return impl_ != nullptr; }

  const auto& shape() const { return checked().value.shape(); }
  std::size_t dim() const { return checked().value.dimension(); }
  std::size_t size() const { return checked().value.size(); }

  const Array<T>& value() const { return checked().value; }

  /// Returns the value for an in-place write, such as an optimizer step. The
  /// write is counted, and a backward pass that saved the old value raises
  /// `std::logic_error` instead of computing a wrong gradient.
  Array<T>& mutable_value();

  /// Returns the summed gradient. Raises `std::logic_error` when no backward
  /// pass has reached this tensor since it was created or last zeroed.
  const Array<T>& grad() const;
  bool has_grad() const { return checked().has_grad; }

  /// Clears the gradient, like PyTorch's `zero_grad(set_to_none=true)`: the
  /// next backward pass starts the sum afresh. Unlike PyTorch, the tensor
  /// keeps the gradient's buffer for that pass to write into.
  void zero_grad();

  bool requires_grad() const { return checked().requires_grad; }
  bool is_leaf() const { return checked().is_leaf(); }

  /// Returns the single element of a one-element tensor. Raises
  /// `std::invalid_argument` for any other size.
  T item() const;

  /// Returns a new constant tensor sharing nothing with the graph: a copy of
  /// the value that requires no grad.
  Tensor detach() const;

  /// The shared state, for ops and the tape.
  TensorImpl<T>& impl() const { return checked(); }
  const std::shared_ptr<TensorImpl<T>>& impl_ptr() const { return impl_; }

 private:
  TensorImpl<T>& checked() const;

  std::shared_ptr<TensorImpl<T>> impl_;
};

/// Returns a leaf tensor that requires grad: a trainable parameter or an input
/// whose gradient is wanted.
template <class T>
Tensor<T> parameter(Array<T> value);

/// Returns a leaf tensor that requires no grad.
template <class T>
Tensor<T> constant(Array<T> value);

template <class T>
Tensor<T> zeros(const Shape& shape);
template <class T>
Tensor<T> ones(const Shape& shape);
template <class T>
Tensor<T> full(const Shape& shape, T fill_value);
/// Returns a constant with entries uniform in [low, high).
template <class T>
Tensor<T> uniform(const Shape& shape, T low, T high, Generator& generator);
/// Returns a constant with normally distributed entries.
template <class T>
Tensor<T> normal(const Shape& shape, T mean, T stddev, Generator& generator);

/// Prints `tensor(VALUE, requires_grad)` with the value in xtensor's format.
template <class T>
std::ostream& operator<<(std::ostream& out, const Tensor<T>& tensor);

extern template class Tensor<float>;
extern template class Tensor<double>;

}  // namespace tapegrad
