// The Dense worked example: one layer y = W x + b followed by relu, built
// from the ops matmul, add and relu, with its three gradients.
//
// Prints every value beside the one computed by hand and exits with status 1
// if any differs, so ctest runs it as a test too.
#include <cstdlib>
#include <iomanip>
#include <iostream>
#include <sstream>
#include <string>

#include <tapegrad/core/core.hpp>

using tapegrad::Array;
using tapegrad::Tensor;

namespace {

// Formats a 1-D or 2-D array as nested brackets: [0.5, 1] or [[1, 2], [0, -1]].
std::string format_array(const Array<double>& array) {
  std::ostringstream text;
  if (array.dimension() == 1) {
    text << "[";
    for (std::size_t i = 0; i < array.size(); ++i) {
      text << (i > 0 ? ", " : "") << array(i);
    }
    text << "]";
    return text.str();
  }
  text << "[";
  for (std::size_t row = 0; row < array.shape()[0]; ++row) {
    text << (row > 0 ? ", " : "") << "[";
    for (std::size_t column = 0; column < array.shape()[1]; ++column) {
      text << (column > 0 ? ", " : "") << array(row, column);
    }
    text << "]";
  }
  text << "]";
  return text.str();
}

void print_input(const std::string& name, const Array<double>& value) {
  std::cout << std::left << std::setw(10) << name << format_array(value) << "\n";
}

// Prints one computed value beside its expected value and returns whether
// they are equal. Every value here is exact in binary floating point, so the
// comparison is exact.
bool print_checked(const std::string& name, const Array<double>& computed,
                   const Array<double>& expected) {
  const bool matches = computed == expected;
  std::cout << std::left << std::setw(10) << name << std::setw(22) << format_array(computed)
            << std::setw(22) << format_array(expected) << (matches ? "ok" : "MISMATCH") << "\n";
  return matches;
}

}  // namespace

int main() {
  Tensor<double> x = tapegrad::parameter<double>({2, 3});
  Tensor<double> weight = tapegrad::parameter<double>({{1, 2}, {0, -1}});
  Tensor<double> bias = tapegrad::parameter<double>({1, -1});

  // Forward: three recorded nodes.
  Tensor<double> y = tapegrad::add(tapegrad::matmul(weight, x), bias);
  Tensor<double> activated = tapegrad::relu(y);

  // Backward from the upstream gradient dL/dy' = [0.5, -0.2], where y' = relu(y).
  tapegrad::backward(activated, Tensor<double>{0.5, -0.2});

  std::cout << "Dense worked example: y = W x + b, y' = relu(y), dL/dy' = [0.5, -0.2]\n\n";
  print_input("x", x.value());
  print_input("W", weight.value());
  print_input("b", bias.value());
  std::cout << "\n"
            << std::left << std::setw(10) << "" << std::setw(22) << "computed" << std::setw(22)
            << "by hand" << "check\n";

  // By hand: y = [1*2 + 2*3 + 1, 0*2 - 1*3 - 1]. The relu mask [1, 0] turns
  // dL/dy' into dL/dy = [0.5, 0], so dL/dx = W^T dL/dy, dL/dW = dL/dy x^T and
  // dL/db = dL/dy.
  bool all_match = true;
  all_match &= print_checked("y", y.value(), {9, -4});
  all_match &= print_checked("relu(y)", activated.value(), {9, 0});
  all_match &= print_checked("dL/dx", x.grad(), {0.5, 1.0});
  all_match &= print_checked("dL/dW", weight.grad(), {{1, 1.5}, {0, 0}});
  all_match &= print_checked("dL/db", bias.grad(), {0.5, 0});
  return all_match ? EXIT_SUCCESS : EXIT_FAILURE;
}
