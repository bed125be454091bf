// The gradient checker: the tape's gradients of L = sum(f(inputs) * r) against
// central finite differences, with kinks told apart from wrong gradients.
#include <tapegrad/core/gradcheck.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

#include <xtensor/xbuilder.hpp>

#include <tapegrad/core/tape.hpp>

namespace tapegrad {
namespace detail {
namespace {

// Multiplier on epsilon * sum(|out * r|) / 2h, the rounding error of a central
// difference. On float MLPs of 2 to 4 layers the measured error was at most
// 2.5 times that product, so 16 leaves a margin. NOTE: this is an estimate
// from those models, and a deeper or badly conditioned float-only function
// may need a larger atol.
constexpr double rounding_factor = 16.0;

struct Settings {
  double atol;
  double rtol;
  double step;
};

template <class T>
Settings resolve_settings(const GradCheckOptions& options, bool numeric_in_double) {
  Settings defaults{1e-5, 1e-3, 1e-6};
  if (std::is_same_v<T, float>) {
    defaults = numeric_in_double ? Settings{1e-4, 1e-3, 1e-6} : Settings{1e-4, 1e-2, 3e-3};
  }
  return {options.atol.value_or(defaults.atol), options.rtol.value_or(defaults.rtol),
          options.step.value_or(defaults.step)};
}

// L = sum(out * r) summed in double, and sum(|out * r|), which bounds how
// much rounding in `out` can move L.
struct LossValue {
  double value = 0.0;
  double scale = 0.0;
};

template <class N>
LossValue weighted_sum(const Array<N>& out, const Array<double>& upstream) {
  LossValue loss;
  for (std::size_t i = 0; i < out.size(); ++i) {
    const double term = static_cast<double>(out.data()[i]) * upstream.data()[i];
    loss.value += term;
    loss.scale += std::abs(term);
  }
  return loss;
}

// Returns the upstream gradient r: 1 for a one-element output, otherwise
// entries of magnitude in [0.5, 1.5) and random sign, rounded to T so both
// sides use the same values. The magnitude keeps every output entry in play.
template <class T>
Array<T> make_upstream(const Shape& shape, std::uint64_t seed) {
  Array<T> upstream = xt::ones<T>(shape);
  if (upstream.size() == 1) {
    return upstream;
  }
  Generator generator(seed);
  for (auto& entry : upstream) {
    const double magnitude = generator.uniform(0.5, 1.5);
    entry = static_cast<T>(generator.below(2) == 0 ? magnitude : -magnitude);
  }
  return upstream;
}

// Puts a tape back to `size` nodes on scope exit, also during unwinding.
template <class T>
class TapeTruncation {
 public:
  explicit TapeTruncation(Tape<T>& tape) : tape_(tape), size_(tape.size()) {}
  ~TapeTruncation() { tape_.truncate(size_); }
  TapeTruncation(const TapeTruncation&) = delete;
  TapeTruncation& operator=(const TapeTruncation&) = delete;

 private:
  Tape<T>& tape_;
  std::size_t size_;
};

// Writes the saved value back into an entry on scope exit.
template <class N>
class EntryRestorer {
 public:
  explicit EntryRestorer(N& entry) : entry_(entry), saved_(entry) {}
  ~EntryRestorer() { entry_ = saved_; }
  EntryRestorer(const EntryRestorer&) = delete;
  EntryRestorer& operator=(const EntryRestorer&) = delete;

 private:
  N& entry_;
  N saved_;
};

template <class T>
struct AnalyticSide {
  Shape output_shape;
  Array<double> upstream;
  /// dL/d input for each checked input, in the order of `checked`.
  std::vector<Array<T>> gradients;
};

template <class T>
AnalyticSide<T> run_analytic(const TensorFunction<T>& function,
                             const std::vector<Tensor<T>>& inputs,
                             const std::vector<Tensor<T>>& checked, std::uint64_t seed) {
  TapeTruncation<T> restore_tape(Tape<T>::current());
  const Tensor<T> output = function(inputs);
  if (!output.defined()) {
    throw std::invalid_argument("check_gradients: the function returned an undefined tensor");
  }
  AnalyticSide<T> side;
  side.output_shape = to_shape(output.shape());
  Array<T> upstream = make_upstream<T>(side.output_shape, seed);
  side.upstream = xt::cast<double>(upstream);
  if (output.requires_grad()) {
    side.gradients = grad<T>({output}, checked, {Tensor<T>(std::move(upstream))},
                             RetainGraph::yes);
  } else {
    // The output does not depend on any input on the tape: every dL/dx is 0.
    for (const auto& input : checked) {
      side.gradients.push_back(Array<T>(xt::zeros<T>(input.shape())));
    }
  }
  return side;
}

Shape unravel(std::size_t flat, const Shape& shape) {
  Shape index(shape.size());
  for (std::size_t axis = shape.size(); axis-- > 0;) {
    index[axis] = flat % shape[axis];
    flat /= shape[axis];
  }
  return index;
}

// std::max that keeps a NaN from either side, so a NaN error shows in summaries.
double max_with_nan(double a, double b) { return std::isnan(a) || a > b ? a : b; }

// Returns the ratio of an entry's error to its allowed error. NaN errors rank
// worst.
double excess(const GradCheckEntry& entry) {
  if (!(entry.abs_error <= entry.allowed_error)) {
    return entry.allowed_error > 0 && std::isfinite(entry.abs_error)
               ? entry.abs_error / entry.allowed_error
               : std::numeric_limits<double>::infinity();
  }
  return entry.allowed_error > 0 ? entry.abs_error / entry.allowed_error : 0.0;
}

// Fills in the errors of `entry` and decides whether it passes, is a kink, or
// fails. Returns whether it failed.
bool assess(GradCheckEntry& entry, const Settings& settings, double rounding) {
  entry.abs_error = std::abs(entry.analytic - entry.numeric);
  const double magnitude = std::max(std::abs(entry.analytic), std::abs(entry.numeric));
  entry.rel_error = magnitude > 0 ? entry.abs_error / magnitude : 0.0;
  if (!std::isfinite(entry.analytic) || !std::isfinite(entry.numeric)) {
    entry.rel_error = entry.abs_error = std::numeric_limits<double>::quiet_NaN();
  }
  entry.allowed_error = settings.atol + settings.rtol * std::abs(entry.numeric) + rounding;
  if (entry.abs_error <= entry.allowed_error) {
    return false;
  }
  // One-sided differences span h instead of 2h, so their rounding doubles.
  const double low = std::min(entry.left, entry.right);
  const double high = std::max(entry.left, entry.right);
  const double side_allowed =
      settings.atol + settings.rtol * std::max(std::abs(low), std::abs(high)) + 2 * rounding;
  entry.kink = high - low > side_allowed && entry.analytic >= low - side_allowed &&
               entry.analytic <= high + side_allowed;
  return !entry.kink;
}

template <class T, class N>
void run_numeric(const TensorFunction<N>& function, const std::vector<Tensor<N>>& inputs,
                 const std::vector<std::size_t>& positions, const AnalyticSide<T>& analytic,
                 const Settings& settings, GradCheckReport& report) {
  NoGradGuard no_grad;
  const auto evaluate = [&] {
    const Tensor<N> output = function(inputs);
    const auto& shape = output.shape();
    if (!std::equal(shape.begin(), shape.end(), analytic.output_shape.begin(),
                    analytic.output_shape.end())) {
      throw std::invalid_argument("check_gradients: the function returned shape " +
                                  format_shape(analytic.output_shape) + " on the tape but " +
                                  format_shape(shape) +
                                  " with a perturbed input; the output shape must not depend "
                                  "on input values");
    }
    return weighted_sum(output.value(), analytic.upstream);
  };
  const LossValue center = evaluate();
  const double epsilon = std::numeric_limits<N>::epsilon();

  for (std::size_t k = 0; k < positions.size(); ++k) {
    const std::size_t position = positions[k];
    Array<N>& values = inputs[position].impl().value;
    const Shape shape = to_shape(values.shape());
    GradCheckInputSummary& summary = report.inputs[position];
    for (std::size_t flat = 0; flat < values.size(); ++flat) {
      N& entry_value = values.data()[flat];
      const N x = entry_value;
      const double h = settings.step * std::max(1.0, std::abs(static_cast<double>(x)));
      // Differences are taken over the steps as rounded to N, which are exact.
      const N plus = static_cast<N>(x + h);
      const N minus = static_cast<N>(x - h);
      if (!(minus < x && x < plus)) {
        throw std::invalid_argument(
            "check_gradients: step " + std::to_string(settings.step) + " does not move input " +
            std::to_string(position) + " " + format_shape(unravel(flat, shape)) + " = " +
            std::to_string(static_cast<double>(x)) + " in " +
            (std::is_same_v<N, float> ? "float" : "double") + "; pass a larger step");
      }
      LossValue above;
      LossValue below;
      {
        // Written straight into the storage, not through mutable_value(): the
        // value is restored bit for bit, so the version must not change.
        EntryRestorer<N> restore(entry_value);
        entry_value = plus;
        above = evaluate();
        entry_value = minus;
        below = evaluate();
      }
      GradCheckEntry entry;
      entry.input = position;
      entry.index = unravel(flat, shape);
      entry.analytic = static_cast<double>(analytic.gradients[k].data()[flat]);
      const double span = static_cast<double>(plus) - static_cast<double>(minus);
      entry.numeric = (above.value - below.value) / span;
      entry.left = (center.value - below.value) / (static_cast<double>(x) - minus);
      entry.right = (above.value - center.value) / (plus - static_cast<double>(x));
      const double scale = std::max({above.scale, below.scale, center.scale});
      const double rounding = rounding_factor * epsilon * scale / span;
      const bool failed = assess(entry, settings, rounding);

      ++summary.entries;
      ++report.checked_entries;
      if (entry.kink) {
        ++summary.kinks;
        report.kinks.push_back(entry);
      } else {
        summary.max_abs_error = max_with_nan(summary.max_abs_error, entry.abs_error);
        summary.max_rel_error = max_with_nan(summary.max_rel_error, entry.rel_error);
      }
      if (failed) {
        ++summary.failed;
        ++report.failed_entries;
        report.failures.push_back(entry);
      }
      if (report.checked_entries == 1 || (report.worst.kink && !entry.kink) ||
          (entry.kink == report.worst.kink && excess(entry) > excess(report.worst))) {
        report.worst = entry;
      }
    }
  }
}

}  // namespace

template <class T>
GradCheckReport run_gradient_check(const TensorFunction<T>& function,
                                   const TensorFunction<double>& promoted,
                                   const std::vector<Tensor<T>>& inputs,
                                   const GradCheckOptions& options) {
  if (!grad_enabled()) {
    throw std::logic_error(
        "check_gradients: grad mode is off (a NoGradGuard is active), so the tape records "
        "nothing; call check_gradients outside the guard");
  }
  std::vector<std::size_t> positions;
  std::vector<Tensor<T>> checked;
  for (std::size_t position = 0; position < inputs.size(); ++position) {
    const Tensor<T>& input = inputs[position];
    const std::string name = "check_gradients: input " + std::to_string(position);
    if (!input.defined()) {
      throw std::invalid_argument(name + " is an empty (default-constructed) tensor handle");
    }
    if (!input.requires_grad()) {
      continue;
    }
    if (!input.is_leaf()) {
      throw std::invalid_argument(
          name + " is the result of an op on the tape, not a leaf; pass parameter(x.value()) "
                 "instead");
    }
    for (std::size_t earlier : positions) {
      if (inputs[earlier].impl_ptr() == input.impl_ptr()) {
        throw std::invalid_argument(name + " is the same tensor as input " +
                                    std::to_string(earlier) + "; pass each tensor once");
      }
    }
    positions.push_back(position);
    checked.push_back(input);
  }
  if (checked.empty()) {
    throw std::invalid_argument(
        "check_gradients: no input requires grad, so there is nothing to check; create the "
        "inputs to differentiate with parameter()");
  }

  const bool numeric_in_double = std::is_same_v<T, double> || static_cast<bool>(promoted);
  const Settings settings = resolve_settings<T>(options, numeric_in_double);
  GradCheckReport report;
  report.atol = settings.atol;
  report.rtol = settings.rtol;
  report.step = settings.step;
  report.seed = options.seed;
  report.input_type = std::is_same_v<T, float> ? "float" : "double";
  report.numeric_type = numeric_in_double ? "double" : "float";
  for (const Tensor<T>& input : inputs) {
    GradCheckInputSummary summary;
    summary.shape = to_shape(input.shape());
    summary.checked = input.requires_grad();
    report.inputs.push_back(summary);
  }

  const AnalyticSide<T> analytic = run_analytic(function, inputs, checked, options.seed);
  if constexpr (std::is_same_v<T, float>) {
    if (promoted) {
      std::vector<Tensor<double>> copies;
      for (const Tensor<T>& input : inputs) {
        copies.emplace_back(Array<double>(xt::cast<double>(input.value())));
        copies.back().impl().requires_grad = input.requires_grad();
      }
      run_numeric(promoted, copies, positions, analytic, settings, report);
    } else {
      run_numeric(function, inputs, positions, analytic, settings, report);
    }
  } else {
    run_numeric(function, inputs, positions, analytic, settings, report);
  }

  std::stable_sort(report.failures.begin(), report.failures.end(),
                   [](const GradCheckEntry& a, const GradCheckEntry& b) {
                     return excess(a) > excess(b);
                   });
  report.passed = report.failed_entries == 0;
  return report;
}

template GradCheckReport run_gradient_check(const TensorFunction<float>&,
                                            const TensorFunction<double>&,
                                            const std::vector<Tensor<float>>&,
                                            const GradCheckOptions&);
template GradCheckReport run_gradient_check(const TensorFunction<double>&,
                                            const TensorFunction<double>&,
                                            const std::vector<Tensor<double>>&,
                                            const GradCheckOptions&);

}  // namespace detail
}  // namespace tapegrad
