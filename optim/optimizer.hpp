// Optimizer: the interface every tapegrad optimizer implements, and the state
// they share (parameters, learning rate, per-parameter step counts and buffers).
//
// An optimizer updates the values of a module's `parameters()` in place from
// their gradients. State lives in vectors parallel to the parameters, so the
// position of a parameter is its key in `state()`. This is not a parameter-group
// optimizer: one learning rate and one set of hyperparameters cover every
// parameter.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include <tapegrad/core/array.hpp>
#include <tapegrad/core/tensor.hpp>

namespace tapegrad {

/// Base class of SGD, Adam, AdamW, RMSprop and Adagrad.
///
/// A training step reads forward / loss / backward / step:
///
///     Adam<float> optimizer(model.parameters(), AdamOptions{.lr = 1e-3});
///     optimizer.zero_grad();
///     backward(loss);
///     optimizer.step();
///
/// The constructor allocates every buffer, so `step()` itself does no heap
/// allocation. An optimizer is neither copied nor moved, because
/// learning-rate schedulers hold a reference to it.
template <class T>
class Optimizer {
 public:
  virtual ~Optimizer() = default;
  Optimizer(const Optimizer&) = delete;
  Optimizer& operator=(const Optimizer&) = delete;

  /// Updates every parameter that has a gradient. Parameters without one are
  /// skipped, as in PyTorch: their values, buffers and step counts stay.
  void step();

  /// Clears every parameter's gradient, like PyTorch's
  /// `zero_grad(set_to_none=True)`.
  void zero_grad();

  double learning_rate() const noexcept { return lr_; }

  /// Sets the learning rate used by the next `step()`. Raises
  /// `std::invalid_argument` for a negative or non-finite value.
  void set_learning_rate(double lr);

  const std::vector<Tensor<T>>& parameters() const noexcept { return parameters_; }

  /// Returns the number of updates parameter `index` has received.
  std::int64_t step_count(std::size_t index) const { return steps_.at(index); }

  /// Returns everything needed to resume training, as 0-D arrays for the
  /// hyperparameters (`lr`, `beta1`, ...) and the step counts (`step.0`,
  /// `step.1`, ...), and one array per parameter and buffer, shaped like the
  /// parameter (`exp_avg.0`, `exp_avg_sq.0`, ...). Flags such as `nesterov`
  /// are stored as 0 or 1.
  NamedArrays<T> state() const;

  /// Restores a `state()` taken from an optimizer of the same kind, built with
  /// options that use the same buffers, over parameters of the same shapes.
  /// Entries may come in any order. Raises `std::invalid_argument` naming the
  /// entry for a missing or unexpected entry, a shape mismatch (both shapes
  /// given) or an invalid value. The optimizer is unchanged when it raises.
  ///
  /// Hyperparameters are stored at the precision of T. A loaded value that
  /// equals the current value rounded to T keeps the current, more precise
  /// value, so a float optimizer resumes exactly as if never interrupted.
  /// NOTE: a learning rate that a scheduler changed differs from the one the
  /// optimizer is built with, so with T = float it resumes rounded to float
  /// (about 6e-8 relative), and a chained schedule can drift by that much.
  void load_state(const NamedArrays<T>& state);

 protected:
  /// A hyperparameter other than the learning rate, as it appears in `state()`.
  struct Hyperparameter {
    const char* name;
    double value;
  };

  /// Takes the parameters to update and the initial learning rate. `name`
  /// (a string literal such as "Adam") starts every error message. Raises
  /// `std::invalid_argument` for an empty list, an undefined or non-leaf
  /// tensor, a tensor listed twice, or an invalid learning rate.
  Optimizer(const char* name, std::vector<Tensor<T>> parameters, double lr);

  /// Applies one update to parameter `index`, whose gradient is `grad`.
  /// `step` counts this parameter's updates, this one included (1 at first).
  virtual void update(std::size_t index, Array<T>& value, const Array<T>& grad,
                      std::int64_t step) = 0;

  /// Returns the hyperparameters other than `lr`, in the order `state()`
  /// stores them.
  virtual std::vector<Hyperparameter> hyperparameters() const = 0;

  /// Replaces the hyperparameters with `values`, given in the order of
  /// `hyperparameters()`. Checks them as the constructor does and raises
  /// `std::invalid_argument` without changing anything when one is invalid or
  /// would need buffers this optimizer does not have.
  virtual void set_hyperparameters(std::span<const double> values) = 0;

  /// Adds a per-parameter buffer, one array shaped like each parameter and
  /// filled with `initial_value`, and returns its index for `buffer()`.
  std::size_t add_buffer(const char* name, T initial_value = T(0));

  Array<T>& buffer(std::size_t buffer_index, std::size_t parameter_index) {
    return buffers_[buffer_index].arrays[parameter_index];
  }

  const char* name() const noexcept { return name_; }

 private:
  struct BufferSet {
    const char* name;
    std::vector<Array<T>> arrays;
  };

  const char* name_;
  std::vector<Tensor<T>> parameters_;
  double lr_;
  std::vector<std::int64_t> steps_;
  std::vector<BufferSet> buffers_;
};

extern template class Optimizer<float>;
extern template class Optimizer<double>;

}  // namespace tapegrad
