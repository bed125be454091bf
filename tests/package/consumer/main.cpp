// Computes one gradient through the installed core headers and library, and
// takes one SGD step on a Dense layer through the layers and optim headers.
// Exits with status 1 if a value differs from the hand value.
#include <iostream>

#include <xtensor/xio.hpp>

#include <tapegrad/core/core.hpp>
#include <tapegrad/layers/dense.hpp>
#include <tapegrad/optim/sgd.hpp>

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

  // A Dense layer 3 -> 1 starts with bias 0. With dL/dy = 1 the bias
  // gradient is 1, so one SGD step with lr 0.5 moves the bias to -0.5.
  tapegrad::Dense<double> layer(3, 1);
  tapegrad::SGD<double> optimizer(layer.parameters(), tapegrad::SGDOptions{.lr = 0.5});
  tapegrad::backward(layer.forward(Tensor<double>{1, 2, 3}), Tensor<double>{1});
  optimizer.step();
  if (layer.bias().value()(0) != -0.5) {
    std::cerr << "consumer: bias after one SGD step " << layer.bias().value()
              << ", expected [-0.5]\n";
    return 1;
  }
  std::cout << "consumer: gradient and SGD step match\n";
  return 0;
}
