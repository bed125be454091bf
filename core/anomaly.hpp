// Anomaly mode: stop at the first NaN or Inf in a forward value or a gradient.
//
// Off by default. While an `AnomalyMode` guard lives on a thread, every op on
// that thread checks its forward value, recorded or not, and every backward
// pass checks each gradient an op adds to its inputs. The first NaN or Inf
// raises `AnomalyError`, naming the op, the element's index, the pass, and the
// source line that called the op. torch.autograd.detect_anomaly checks only
// the backward pass; this mode checks both.
//
// Every op function takes a trailing `SourceLocation` that defaults to
// its caller's line. The operators +, -, * and / cannot take one, so an op
// called through an operator reports a line in ops/elementwise.hpp. Call
// add(), sub(), mul() or div() instead to get your own line. Ops called inside
// a layer report the layer's source line.
//
// The check treats every NaN and Inf as an error, including a -inf used as a
// mask (`x + mask`). Turn the mode off around such code.
//
// When off, each op pays one test of a thread-local flag.
#pragma once

#include <filesystem>
#include <span>
#include <stdexcept>
#include <string>

#include <tapegrad/core/source_location.hpp>
#include <tapegrad/core/tensor.hpp>

namespace tapegrad {

/// The pass in which anomaly mode found a NaN or Inf.
enum class Pass { forward, backward };

/// Settings of an `AnomalyMode` guard.
struct AnomalyOptions {
  /// When not empty, the failing op's inputs are written to this folder as
  /// .npy files before `AnomalyError` is raised, so the failure can be
  /// replayed: OP_forward_input0.npy, ... for the forward pass, and
  /// OP_backward_input0.npy, ..., OP_backward_grad_out.npy for the backward
  /// pass (OP with characters other than letters, digits, '-' and '_'
  /// replaced by '_'). The folder is created if missing, and files of an
  /// earlier failure of the same op are overwritten.
  std::filesystem::path replay_folder;
};

/// Raised by anomaly mode at the first NaN or Inf. The message states
/// every field below in words.
class AnomalyError : public std::runtime_error {
 public:
  AnomalyError(const std::string& message, std::string op, Pass pass, Shape index,
               SourceLocation where);

  /// Name of the op whose value or gradient contains the NaN or Inf.
  const std::string& op() const noexcept { return op_; }
  Pass pass() const noexcept { return pass_; }
  /// Index of the first bad element: in the op's output for the forward
  /// pass, in the gradient of the input for the backward pass.
  const Shape& index() const noexcept { return index_; }
  /// Source location of the call that recorded the op.
  const SourceLocation& where() const noexcept { return where_; }

 private:
  std::string op_;
  Pass pass_;
  Shape index_;
  SourceLocation where_;
};

/// RAII guard that turns anomaly mode on for this thread for its lifetime.
/// Guards nest; each restores the previous mode and options on destruction.
///
///   {
///     AnomalyMode anomaly_mode;              // or AnomalyMode({"replay"})
///     Tensor<float> loss = model_loss(...);  // raises AnomalyError on NaN
///     backward(loss);
///   }
class AnomalyMode {
 public:
  explicit AnomalyMode(AnomalyOptions options = {});
  ~AnomalyMode();
  AnomalyMode(const AnomalyMode&) = delete;
  AnomalyMode& operator=(const AnomalyMode&) = delete;

 private:
  bool previous_enabled_;
  AnomalyOptions previous_options_;
};

namespace detail {
// Constant-initialized, so reading it costs one thread-local load with no
// initialization guard.
inline constinit thread_local bool anomaly_flag = false;
}  // namespace detail

/// Returns whether anomaly mode is on for this thread.
inline bool anomaly_enabled() noexcept { return detail::anomaly_flag; }

template <class T>
struct Node;

namespace detail {

/// Raises `AnomalyError` if `value`, the forward result of `op`, contains a
/// NaN or Inf. Called by the tape for every op while anomaly mode is on.
template <class T>
void check_forward_value(const char* op, const Array<T>& value,
                         std::span<const Tensor<T>* const> inputs, SourceLocation where);

/// Raises `AnomalyError` if the backward of `node` left a NaN or Inf in the
/// pending gradient of one of its inputs. `grad_out` is the upstream gradient
/// the backward received, kept for the replay files, or null.
template <class T>
void check_backward_grads(const Node<T>& node, const Array<T>* grad_out);

/// Raises `AnomalyError` if `seed`, the upstream gradient that starts backward
/// at the output of `op` (recorded at `where`), contains a NaN or Inf. `op` is
/// null for an output that is a leaf.
template <class T>
void check_backward_seed(const Array<T>& seed, const char* op, SourceLocation where);

/// Returns whether the current options ask for replay files.
bool anomaly_writes_replay() noexcept;

}  // namespace detail
}  // namespace tapegrad
