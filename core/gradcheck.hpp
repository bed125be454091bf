// Gradient checker: compares the tape's gradients with central finite
// differences, entry by entry.
//
// For a function f of tensors, the checker builds the scalar loss
// L = sum(f(inputs) * r), where r is a seeded random upstream gradient (r = 1
// when f returns one element). The analytic side is dL/dx from the tape. The
// numeric side is (L(x + h) - L(x - h)) / 2h for every entry x of every input
// that requires grad. It is a testing tool: each entry costs two evaluations
// of f, so keep the inputs small (tens to hundreds of entries).
//
// Example, inside a Catch2 test (REQUIRE prints the report on failure):
//
//   Tensor<double> x = parameter<double>({{1, -2}, {3, 0.5}});
//   Tensor<double> w = parameter<double>({0.5, -1});
//   REQUIRE(check_gradients(
//       [](const auto& in) { return matmul(in[0], in[1]); }, {x, w}));
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <iosfwd>
#include <optional>
#include <type_traits>
#include <utility>
#include <vector>

#include <tapegrad/core/tensor.hpp>

namespace tapegrad {

/// Settings of `check_gradients`. Unset tolerances and step take the defaults
/// of the precision being checked:
///
///   analytic  numeric  step   atol   rtol   when
///   double    double   1e-6   1e-5   1e-3   double inputs (torch.autograd.gradcheck's values)
///   float     double   1e-6   1e-4   1e-3   float inputs, function accepts double
///   float     float    3e-3   1e-4   1e-2   float inputs, function is float-only
///
/// Example: `check_gradients(f, {x}, {.rtol = 1e-2, .seed = 7})`.
struct GradCheckOptions {
  /// Absolute tolerance on |analytic - numeric|.
  std::optional<double> atol;
  /// Tolerance relative to |numeric|.
  std::optional<double> rtol;
  /// Relative finite-difference step: entry x moves by h = step * max(1, |x|).
  std::optional<double> step;
  /// Seed of the random upstream gradient for non-scalar outputs.
  std::uint64_t seed = 42;
};

/// One checked entry of one input.
struct GradCheckEntry {
  /// Position of the input in the `inputs` list.
  std::size_t input = 0;
  /// Multi-dimensional index of the entry within that input.
  Shape index;
  /// dL/dx from the tape.
  double analytic = 0.0;
  /// Central difference (L(x + h) - L(x - h)) / 2h.
  double numeric = 0.0;
  /// One-sided differences (L(x) - L(x - h)) / h and (L(x + h) - L(x)) / h.
  double left = 0.0;
  double right = 0.0;
  double abs_error = 0.0;
  /// abs_error / max(|analytic|, |numeric|), or 0 when both are 0.
  double rel_error = 0.0;
  /// Error this entry may have: atol + rtol * |numeric| + rounding allowance.
  double allowed_error = 0.0;
  /// The central difference disagrees, but left and right differ (a kink,
  /// such as relu at 0) and the analytic value lies between them: a valid
  /// subgradient, not a failure.
  bool kink = false;
};

/// Results for one input.
struct GradCheckInputSummary {
  Shape shape;
  /// False for an input that requires no grad: it is passed to the function
  /// but not differentiated.
  bool checked = false;
  std::size_t entries = 0;
  std::size_t failed = 0;
  std::size_t kinks = 0;
  /// Largest errors over the entries that are not kinks.
  double max_abs_error = 0.0;
  double max_rel_error = 0.0;
};

/// Outcome of `check_gradients`. Converts to bool (true when every entry
/// passed or is a kink) and prints a readable summary with operator<<.
struct GradCheckReport {
  bool passed = false;
  /// The entry whose error is largest relative to its allowed error, kinks
  /// excluded unless every entry is a kink.
  GradCheckEntry worst;
  /// Failed entries, worst first.
  std::vector<GradCheckEntry> failures;
  /// Entries accepted as kinks, in input and index order.
  std::vector<GradCheckEntry> kinks;
  /// One summary per input, in the order of `inputs`.
  std::vector<GradCheckInputSummary> inputs;
  std::size_t checked_entries = 0;
  std::size_t failed_entries = 0;
  /// Tolerances and step actually used, defaults filled in.
  double atol = 0.0;
  double rtol = 0.0;
  double step = 0.0;
  std::uint64_t seed = 0;
  /// Element type of the inputs ("float" or "double").
  const char* input_type = "";
  /// Element type the finite differences were computed in.
  const char* numeric_type = "";

  explicit operator bool() const noexcept { return passed; }
};

/// Prints the verdict and the worst entry on the first line, then one line per
/// input and up to five failures and five kinks.
std::ostream& operator<<(std::ostream& out, const GradCheckReport& report);

namespace detail {

template <class T>
using TensorFunction = std::function<Tensor<T>(const std::vector<Tensor<T>>&)>;

template <class T>
GradCheckReport run_gradient_check(const TensorFunction<T>& function,
                                   const TensorFunction<double>& promoted,
                                   const std::vector<Tensor<T>>& inputs,
                                   const GradCheckOptions& options);

}  // namespace detail

/// Checks the tape's gradients of `function` with respect to every input that
/// requires grad against central finite differences, and returns the report.
///
/// `function` takes `const std::vector<Tensor<T>>&` and returns a Tensor<T> of
/// any shape. It must be deterministic and may close over other tensors, such
/// as a layer's parameters: the checker perturbs each input entry in place
/// through the shared handle, so a closure over the same tensor sees the
/// change. Every value is restored bit for bit afterwards, also when the
/// function throws, and the version counter is left alone.
///
/// Precision: for float inputs, a function that is also invocable with
/// `std::vector<Tensor<double>>` (a generic lambda) has its numeric side run
/// on double copies of the inputs, so only the analytic side is in float. A
/// float-only function has its numeric side in float: the loss is summed in
/// double from the float output, the default step is 3e-3 instead of 1e-6
/// (near the cube root of float's epsilon, which balances truncation against
/// rounding), rtol is 1e-2, and each entry's allowed error adds a rounding
/// allowance of 16 * epsilon * max(sum(|out * r|)) / 2h over the evaluations.
/// The same allowance, with double's epsilon, applies on the double side,
/// where it is negligible. A generic lambda whose body does
/// not compile for double (it uses a float layer) is a compile error, not a
/// fallback: spell out `const std::vector<Tensor<float>>&` for those.
///
/// Tape: the numeric evaluations run under NoGradGuard. The analytic pass
/// uses `grad(...)`, so no input's stored `.grad()` changes, and the nodes it
/// records are released afterwards. Nodes recorded before the call stay live.
///
/// Raises `std::invalid_argument` when no input requires grad, an input is an
/// undefined handle or an op's result rather than a leaf, or the function
/// returns differently shaped outputs. Raises `std::logic_error` when called
/// with grad mode off.
template <class T, class F>
GradCheckReport check_gradients(F&& function, const std::vector<Tensor<T>>& inputs,
                                const GradCheckOptions& options = {}) {
  detail::TensorFunction<T> on_inputs = [&function](const std::vector<Tensor<T>>& values) {
    return Tensor<T>(function(values));
  };
  detail::TensorFunction<double> promoted;
  if constexpr (std::is_same_v<T, float> &&
                std::is_invocable_r_v<Tensor<double>, F&, const std::vector<Tensor<double>>&>) {
    promoted = [&function](const std::vector<Tensor<double>>& values) {
      return Tensor<double>(function(values));
    };
  }
  return detail::run_gradient_check(on_inputs, promoted, inputs, options);
}

/// `check_gradients` with the inputs in braces: `check_gradients(f, {x, w})`.
template <class T, class F>
GradCheckReport check_gradients(F&& function, std::initializer_list<Tensor<T>> inputs,
                                const GradCheckOptions& options = {}) {
  return check_gradients(std::forward<F>(function), std::vector<Tensor<T>>(inputs), options);
}

}  // namespace tapegrad
