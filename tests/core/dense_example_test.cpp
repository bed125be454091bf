// The Dense worked example, built from matmul, add and relu nodes.
//
// x = [2, 3], W = [[1, 2], [0, -1]], b = [1, -1]:
//   y = W x + b = [1*2 + 2*3 + 1, 0*2 - 1*3 - 1] = [9, -4], relu(y) = [9, 0].
// With dL/dy' = [0.5, -0.2] after relu, the relu mask [1, 0] gives
// dL/dy = [0.5, 0], so by hand:
//   dL/dx = W^T [0.5, 0] = [0.5, 1.0]
//   dL/dW = [0.5, 0]^T [2, 3] = [[1, 1.5], [0, 0]]
//   dL/db = [0.5, 0]
// Every number is exact in binary floating point, so the checks are exact.
#include <catch2/catch.hpp>

#include <tapegrad/core/core.hpp>

using namespace tapegrad;

TEMPLATE_TEST_CASE("dense example matches hand values", "[core][dense]", float, double) {
  using T = TestType;
  Tensor<T> x = parameter<T>({2, 3});
  Tensor<T> weight = parameter<T>({{1, 2}, {0, -1}});
  Tensor<T> bias = parameter<T>({1, -1});

  Tensor<T> y = add(matmul(weight, x), bias);
  Tensor<T> activated = relu(y);
  REQUIRE(y.value() == Array<T>{9, -4});
  REQUIRE(activated.value() == Array<T>{9, 0});

  backward(activated, Tensor<T>{T(0.5), T(-0.2)});

  CHECK(x.grad() == Array<T>{0.5, 1.0});
  CHECK(weight.grad() == Array<T>{{1, 1.5}, {0, 0}});
  CHECK(bias.grad() == Array<T>{0.5, 0});
  CHECK(Tape<T>::current().size() == 0);
}

TEMPLATE_TEST_CASE("dense example as a batch of one", "[core][dense]", float, double) {
  // The same layer on a batch [1, 2]: Y = X W^T + b, with W^T handed to gemm.
  using T = TestType;
  Tensor<T> x = parameter<T>({{2, 3}});
  Tensor<T> weight = parameter<T>({{1, 2}, {0, -1}});
  Tensor<T> bias = parameter<T>({1, -1});

  Tensor<T> activated = relu(matmul(x, weight, Transpose::rhs) + bias);
  REQUIRE(activated.value() == Array<T>{{9, 0}});

  backward(activated, Tensor<T>{{T(0.5), T(-0.2)}});

  CHECK(x.grad() == Array<T>{{0.5, 1.0}});
  CHECK(weight.grad() == Array<T>{{1, 1.5}, {0, 0}});
  CHECK(bias.grad() == Array<T>{0.5, 0});
}
