// Computes one gradient through the installed headers and library, and exits
// with status 1 if it differs from the hand value.
#include <iostream>

#include <xtensor/xio.hpp>

#include <tapegrad/core/core.hpp>

int main() {
  using tapegrad::Tensor;
  // d/dx (x * x) = 2 x, so x = [1, -2, 3] with dL/dy = [1, 1, 1] gives
  // [2, -4, 6] exactly.
  Tensor<double> x = tapegrad::parameter<double>({1, -2, 3});
  tapegrad::backward(x * x, Tensor<double>{1, 1, 1});
  const tapegrad::Array<double> expected = {2, -4, 6};
  if (x.grad() != expected) {
    std::cerr << "consumer: gradient " << x.grad() << ", expected " << expected << "\n";
    return 1;
  }
  std::cout << "consumer: gradient matches\n";
  return 0;
}
