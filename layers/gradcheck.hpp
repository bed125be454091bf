// Gradient check of a whole layer: its input and each of its parameters,
// against central finite differences (see core/gradcheck.hpp).
//
// Example, inside a Catch2 test (REQUIRE prints the report on failure):
//
//   auto model = MLP<double>({3, 4, 2}, 1);
//   REQUIRE(check_layer_gradients(*model, Tensor<double>{{0.5, -1, 2}}));
#pragma once

#include <iosfwd>
#include <string>
#include <utility>
#include <vector>

#include <tapegrad/core/gradcheck.hpp>
#include <tapegrad/layers/module.hpp>

namespace tapegrad {

/// Outcome of `check_layer_gradients`. Converts to bool (true when every
/// check passed) and prints every check with operator<<.
struct LayerGradCheckReport {
  bool passed = false;
  /// Printed form of the layer, such as `Dense(in=2, out=2, activation=relu)`.
  std::string layer;
  /// Check of dL/d input.
  GradCheckReport input;
  /// One check per parameter that requires grad, named by its dotted name,
  /// in `named_parameters()` order.
  std::vector<std::pair<std::string, GradCheckReport>> parameters;

  /// Returns the names of the failed checks: `input` and dotted parameter names.
  std::vector<std::string> failed() const;

  /// Returns the check of the parameter `name`. Raises `std::out_of_range`
  /// naming it when the layer has no such parameter.
  const GradCheckReport& parameter(const std::string& name) const;

  explicit operator bool() const noexcept { return passed; }
};

/// Prints the verdict with the names of the failed checks on the first line,
/// then the layer, then each check headed by its name (`input`, `0.weight`).
std::ostream& operator<<(std::ostream& out, const LayerGradCheckReport& report);

/// Checks the gradients that backward computes through `layer.forward(input)`
/// for the input and for every parameter that requires grad, one check each,
/// with `options` for every check. The input is checked through a copy made
/// with parameter(), so a constant input works; parameters are perturbed in
/// place and restored bit for bit.
///
/// The layer must be deterministic: raises `std::invalid_argument` when two
/// forward passes on the same input differ, as with Dropout in training mode
/// (call eval() first). The forward pass runs twice per checked entry, so keep
/// the layer small. Other errors are those of `check_gradients`.
template <class T>
LayerGradCheckReport check_layer_gradients(Module<T>& layer, const Tensor<T>& input,
                                           const GradCheckOptions& options = {});

}  // namespace tapegrad
