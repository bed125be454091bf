// Tape: the per-thread list of recorded ops, and the backward pass over it.
//
// Every op whose inputs require grad appends a Node while grad mode is on.
// Nodes sit in creation order, which is already a topological order, so
// backward is one reverse loop with no recursion: a chain of any depth works.
//
// Gradients accumulate: each backward call adds into `Tensor::grad()` until
// `zero_grad()` clears it, as in PyTorch. After backward the tape releases
// every node up to and including the output's, unless `RetainGraph::yes` is
// passed; a second backward through released nodes raises `std::logic_error`.
//
// A tape belongs to one thread. Two threads may train two models at once, each
// on its own tape; they must not share tensors that require grad.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include <tapegrad/core/anomaly.hpp>
#include <tapegrad/core/grad_mode.hpp>
#include <tapegrad/core/node.hpp>
#include <tapegrad/core/source_location.hpp>

namespace tapegrad {

/// Whether backward keeps the recorded nodes for another backward pass.
enum class RetainGraph { no, yes };

template <class T>
class Tape {
 public:
  Tape();
  Tape(const Tape&) = delete;
  Tape& operator=(const Tape&) = delete;

  /// Returns this thread's tape for element type T.
  static Tape& current();

  /// Number of nodes recorded and not yet released.
  std::size_t size() const noexcept { return nodes_.size(); }

  /// Bytes held for the live nodes: the node records, the output values and
  /// any arrays saved for backward. Leaf values belong to their owners and are
  /// not counted.
  std::size_t bytes() const noexcept { return bytes_; }

  /// Releases every node without running backward.
  void clear();

  /// Releases the nodes recorded after the first `size`, keeping the earlier
  /// ones live. Their outputs become constants that require no grad, so a
  /// handle that outlives them cannot reach a node recorded later. The
  /// gradient checker uses it to drop what its own forward pass recorded.
  void truncate(std::size_t size);

  /// Appends a node computing `value` from `inputs` and returns its output, or
  /// returns `value` as a constant when grad mode is off or no input requires
  /// grad (then `backward` is never called and nothing is recorded). `where`
  /// is the user's call of the op: public op functions take it as their last
  /// parameter and pass it on. In anomaly mode, raises `AnomalyError` when
  /// `value` contains a NaN or Inf, recorded or not.
  Tensor<T> record(const char* op, Array<T>&& value, typename Node<T>::Backward backward,
                   std::span<const Tensor<T>* const> inputs, NodeAttributes attributes = {},
                   std::unique_ptr<NodeExtra<T>> extra = nullptr,
                   SourceLocation where = SourceLocation::current());

  /// Runs the backward pass from `outputs` seeded with `seeds`. With
  /// `captures` empty it adds into `.grad()` of the leaves reached; otherwise
  /// it returns the gradients of `captures` and leaves `.grad()` untouched.
  std::vector<Array<T>> run_backward(std::span<const Tensor<T>> outputs,
                                     std::span<const Array<T>> seeds, RetainGraph retain,
                                     std::span<const Tensor<T>> captures);

 private:
  bool is_live(const TensorImpl<T>& impl) const noexcept;
  std::size_t node_index(const TensorImpl<T>& impl, const char* caller) const;
  void release_through(std::size_t last_index);
  void discard_pending(std::size_t last_index);

  std::vector<Node<T>> nodes_;
  /// References to inputs that no live node of this tape produced (leaves,
  /// tensors from released nodes), so borrowed input pointers stay valid.
  std::vector<std::shared_ptr<TensorImpl<T>>> kept_;
  std::uint64_t id_;
  /// node_id of nodes_[0]; ids below it are released.
  std::uint64_t first_id_ = 0;
  std::size_t bytes_ = 0;
};

/// Returns whether an op with these inputs records a node: grad mode is on
/// and at least one input requires grad.
template <class T>
bool should_record(std::span<const Tensor<T>* const> inputs) noexcept {
  if (!grad_enabled()) {
    return false;
  }
  for (const Tensor<T>* input : inputs) {
    if (input->impl().requires_grad) {
      return true;
    }
  }
  return false;
}

/// Computes gradients of a one-element `loss` and adds them into `.grad()` of
/// every leaf that requires grad. Raises `std::logic_error` for a loss with
/// more than one element (pass `grad_out` instead) or whose graph was released.
template <class T>
void backward(const Tensor<T>& loss, RetainGraph retain = RetainGraph::no);

/// Backward from `output` with the upstream gradient `grad_out` (dL/d output,
/// the shape of `output`), as `torch.autograd.backward(output, grad_out)`.
template <class T>
void backward(const Tensor<T>& output, const Tensor<T>& grad_out,
              RetainGraph retain = RetainGraph::no);

/// Returns d(sum of outputs)/d input for each of `inputs` without touching any
/// stored `.grad()`. Each output must have one element. An input the outputs do
/// not depend on gets zeros.
template <class T>
std::vector<Array<T>> grad(const std::vector<Tensor<T>>& outputs,
                           const std::vector<Tensor<T>>& inputs,
                           RetainGraph retain = RetainGraph::no);

/// `grad` with explicit upstream gradients, one per output.
template <class T>
std::vector<Array<T>> grad(const std::vector<Tensor<T>>& outputs,
                           const std::vector<Tensor<T>>& inputs,
                           const std::vector<Tensor<T>>& grad_outputs,
                           RetainGraph retain = RetainGraph::no);

extern template class Tape<float>;
extern template class Tape<double>;

}  // namespace tapegrad
