#include <tapegrad/layers/gradcheck.hpp>

#include <algorithm>
#include <ostream>
#include <sstream>
#include <stdexcept>

#include <tapegrad/core/grad_mode.hpp>

namespace tapegrad {
namespace {

// Raises unless two forward passes on `input` give the same values, because
// finite differences of a random function measure the noise.
template <class T>
void check_deterministic(Module<T>& layer, const Tensor<T>& input) {
  NoGradGuard no_grad;
  const Array<T> first = layer.forward(input).value();
  const Array<T> second = layer.forward(input).value();
  const bool same_shape = std::equal(first.shape().begin(), first.shape().end(),
                                     second.shape().begin(), second.shape().end());
  // NaN counts as equal to NaN, so a layer that outputs NaN is not taken for a random one.
  const bool same_values =
      same_shape && std::equal(first.begin(), first.end(), second.begin(), [](T a, T b) {
        return a == b || (a != a && b != b);
      });
  if (!same_values) {
    throw std::invalid_argument(
        "check_layer_gradients: " + layer.to_string() +
        " returned different outputs for the same input, so finite differences would measure "
        "randomness; call eval() to turn off Dropout, or make the layer deterministic");
  }
}

std::string indent_following_lines(const std::string& text) {
  std::string indented;
  for (char character : text) {
    indented += character;
    if (character == '\n') {
      indented += "  ";
    }
  }
  return indented;
}

}  // namespace

std::vector<std::string> LayerGradCheckReport::failed() const {
  std::vector<std::string> names;
  if (!input.passed) {
    names.push_back("input");
  }
  for (const auto& [name, check] : parameters) {
    if (!check.passed) {
      names.push_back(name);
    }
  }
  return names;
}

const GradCheckReport& LayerGradCheckReport::parameter(const std::string& name) const {
  for (const auto& [parameter_name, check] : parameters) {
    if (parameter_name == name) {
      return check;
    }
  }
  std::string known;
  for (const auto& [parameter_name, check] : parameters) {
    known += (known.empty() ? "" : ", ") + parameter_name;
  }
  throw std::out_of_range("LayerGradCheckReport: no check for a parameter named '" + name +
                          "'; the checked parameters are: " + (known.empty() ? "none" : known));
}

std::ostream& operator<<(std::ostream& out, const LayerGradCheckReport& report) {
  const std::vector<std::string> failed = report.failed();
  const std::size_t checks = 1 + report.parameters.size();
  out << "layer gradient check " << (report.passed ? "passed" : "FAILED") << ": "
      << failed.size() << " of " << checks << " checks failed";
  if (!failed.empty()) {
    std::string names;
    for (const std::string& name : failed) {
      names += (names.empty() ? "" : ", ") + name;
    }
    out << " (" << names << ")";
  }
  out << "\n  layer: " << indent_following_lines(report.layer);
  std::ostringstream input_text;
  input_text << report.input;
  out << "\n  input: " << indent_following_lines(input_text.str());
  for (const auto& [name, check] : report.parameters) {
    std::ostringstream check_text;
    check_text << check;
    out << "\n  " << name << ": " << indent_following_lines(check_text.str());
  }
  return out;
}

template <class T>
LayerGradCheckReport check_layer_gradients(Module<T>& layer, const Tensor<T>& input,
                                           const GradCheckOptions& options) {
  check_deterministic(layer, input);
  LayerGradCheckReport report;
  report.layer = layer.to_string();

  // A leaf copy, so the input gets a gradient even when it is a constant.
  const Tensor<T> input_leaf = parameter<T>(Array<T>(input.value()));
  report.input = check_gradients(
      [&layer](const std::vector<Tensor<T>>& inputs) { return layer.forward(inputs[0]); },
      std::vector<Tensor<T>>{input_leaf}, options);

  // Each parameter is checked on its own: the checker perturbs it in place,
  // and the layer reads the same tensor through its member handle.
  for (const auto& [name, tensor] : layer.named_parameters()) {
    if (!tensor.requires_grad()) {
      continue;
    }
    GradCheckReport check = check_gradients(
        [&layer, &input_leaf](const std::vector<Tensor<T>>&) { return layer.forward(input_leaf); },
        std::vector<Tensor<T>>{tensor}, options);
    report.parameters.emplace_back(name, std::move(check));
  }

  report.passed = report.input.passed;
  for (const auto& [name, check] : report.parameters) {
    report.passed = report.passed && check.passed;
  }
  return report;
}

template LayerGradCheckReport check_layer_gradients(Module<float>&, const Tensor<float>&,
                                                    const GradCheckOptions&);
template LayerGradCheckReport check_layer_gradients(Module<double>&, const Tensor<double>&,
                                                    const GradCheckOptions&);

}  // namespace tapegrad
