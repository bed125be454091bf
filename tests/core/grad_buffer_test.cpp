// Tests of gradient buffers across backward passes: zero_grad, outputs held
// after their graph is released, retained graphs, and gradients summed over
// several uses of one tensor. Expected values are by hand.
#include <catch2/catch.hpp>

#include <stdexcept>

#include <tapegrad/core/core.hpp>

using namespace tapegrad;

TEMPLATE_TEST_CASE("zero_grad starts next sum afresh", "[core][backward]", float, double) {
  // d/dx sum(x * x) = 2x = [2, 4].
  using T = TestType;
  Tensor<T> x = parameter<T>({1, 2});

  backward(sum(x * x));
  CHECK(x.grad() == Array<T>{2, 4});
  backward(sum(x * x));
  CHECK(x.grad() == Array<T>{4, 8});

  x.zero_grad();
  CHECK_FALSE(x.has_grad());
  CHECK_THROWS_AS(x.grad(), std::logic_error);
  backward(sum(x * x));
  CHECK(x.grad() == Array<T>{2, 4});
}

TEMPLATE_TEST_CASE("zero_grad then new shape", "[core][backward]", float, double) {
  // A leaf whose value changes shape between steps gets a gradient of the
  // new shape: d/dx sum(3 x) = 3 everywhere.
  using T = TestType;
  Tensor<T> x = parameter<T>({1, 2});
  backward(sum(x * T(3)));
  x.zero_grad();
  x.mutable_value() = Array<T>{{1, 2, 3}, {4, 5, 6}};

  backward(sum(x * T(3)));
  CHECK(x.grad() == Array<T>{{3, 3, 3}, {3, 3, 3}});
}

TEMPLATE_TEST_CASE("reused tensor sums its gradients", "[core][backward]", float, double) {
  // d/dx sum(x * x + x) = 2x + 1 = [3, -1] at x = [1, -1].
  using T = TestType;
  Tensor<T> x = parameter<T>({1, -1});
  backward(sum(x * x + x));
  CHECK(x.grad() == Array<T>{3, -1});
}

TEMPLATE_TEST_CASE("held scalar output stays usable", "[core][backward]", float, double) {
  // add's backward moves its incoming gradient into x (dy/dx = 1). y outlives
  // its released graph, so feeding it to a new graph must reach the usual
  // error, not a moved-from gradient buffer.
  using T = TestType;
  Tensor<T> x = parameter<T>(Array<T>(T(2)));
  Tensor<T> y = x + T(1);
  backward(y);
  CHECK(x.grad() == Array<T>(T(1)));

  Tensor<T> z = y * y;
  CHECK_THROWS_AS(backward(z), std::logic_error);
  Tape<T>::current().clear();
}

TEMPLATE_TEST_CASE("retained graph runs backward twice", "[core][backward]", float, double) {
  // y = x + 1: each pass adds dy/dx = 1 and moves y's incoming gradient into
  // x, so the next pass must seed y afresh.
  using T = TestType;
  Tensor<T> x = parameter<T>(Array<T>(T(3)));
  Tensor<T> y = x + T(1);

  backward(y, RetainGraph::yes);
  backward(y, RetainGraph::yes);
  CHECK(x.grad() == Array<T>(T(2)));
  backward(y);
  CHECK(x.grad() == Array<T>(T(3)));
  CHECK(Tape<T>::current().size() == 0);
}

TEMPLATE_TEST_CASE("grad leaves stored grad untouched", "[core][backward]", float, double) {
  // grad() returns d/dx sum(x * x) = 2x and leaves x.grad() as it was; a
  // later backward still starts from the stored [5, 5].
  using T = TestType;
  Tensor<T> x = parameter<T>({1, 2});
  backward(sum(x * T(5)));

  const std::vector<Array<T>> grads = grad<T>({sum(x * x)}, {x});
  REQUIRE(grads.size() == 1);
  CHECK(grads[0] == Array<T>{2, 4});
  CHECK(x.grad() == Array<T>{5, 5});

  backward(sum(x * x));
  CHECK(x.grad() == Array<T>{7, 9});
}
