// Tests of the tape and the backward pass: reused values, accumulation across
// calls, deep chains, grad mode, retained and released graphs, call-order
// errors, grad(), in-place writes, and the tape emptying after every step.
#include <catch2/catch.hpp>

#include <cmath>
#include <stdexcept>
#include <vector>

#include <tapegrad/core/core.hpp>

using namespace tapegrad;

TEMPLATE_TEST_CASE("tape diamond sums both paths", "[core][tape]", float, double) {
  // y = (2x)(3x) = 6x^2 reaches x through two nodes: dy/dx = 12x.
  using T = TestType;
  Tensor<T> x = parameter<T>({1, -2});
  const Tensor<T> doubled = x * T(2);
  const Tensor<T> tripled = x * T(3);
  backward(sum(doubled * tripled));

  CHECK(x.grad() == Array<T>{12, -24});
}

TEMPLATE_TEST_CASE("tape x - x has zero gradient", "[core][tape]", float, double) {
  // The two paths contribute 1 and -1, which sum to exactly 0.
  using T = TestType;
  Tensor<T> x = parameter<T>({1.5, -2.25});
  const Tensor<T> y = x - x;
  backward(sum(y));

  CHECK(y.value() == Array<T>{0, 0});
  CHECK(x.grad() == Array<T>{0, 0});
}

TEMPLATE_TEST_CASE("tape x * x gives 2x", "[core][tape]", float, double) {
  using T = TestType;
  Tensor<T> x = parameter<T>({3, -0.5});
  backward(sum(x * x));

  CHECK(x.grad() == Array<T>{6, -1});
}

TEMPLATE_TEST_CASE("tape weight shared by two matmuls", "[core][tape]", float, double) {
  // W x1 = [1 + 4, 3 + 8] = [5, 11] and W x2 = [3 - 2, 9 - 4] = [1, 5]. For
  // L = sum(W x1) + sum(W x2), dW = 1 x1^T + 1 x2^T = [[1 + 3, 2 - 1], [1 + 3, 2 - 1]].
  using T = TestType;
  Tensor<T> weight = parameter<T>({{1, 2}, {3, 4}});
  const Tensor<T> x1 = constant<T>({1, 2});
  const Tensor<T> x2 = constant<T>({3, -1});
  const Tensor<T> y1 = matmul(weight, x1);
  const Tensor<T> y2 = matmul(weight, x2);
  backward(sum(y1) + sum(y2));

  CHECK(y1.value() == Array<T>{5, 11});
  CHECK(y2.value() == Array<T>{1, 5});
  CHECK(weight.grad() == Array<T>{{4, 1}, {4, 1}});
}

TEMPLATE_TEST_CASE("tape accumulates until zero_grad", "[core][tape]", float, double) {
  // Each backward of sum(x^2) adds 2x = [2, 4].
  using T = TestType;
  Tensor<T> x = parameter<T>({1, 2});
  backward(sum(x * x));
  CHECK(x.grad() == Array<T>{2, 4});

  backward(sum(x * x));
  CHECK(x.grad() == Array<T>{4, 8});

  x.zero_grad();
  CHECK_FALSE(x.has_grad());
  backward(sum(x * x));
  CHECK(x.grad() == Array<T>{2, 4});
}

TEST_CASE("tape runs a 100,000-op chain", "[core][tape]") {
  // y = ((x c + 1) c + 1) ... with 50,000 multiplications and 50,000
  // additions: dy/dx = c^50000. The value follows the same recurrence.
  constexpr int pairs = 50000;
  constexpr double factor = 1.00001;
  constexpr double chain_tolerance = 1e-9;
  Tape<double>& tape = Tape<double>::current();
  tape.clear();
  Tensor<double> x = parameter<double>({0.5});

  Tensor<double> y = x;
  double expected_value = 0.5;
  for (int step = 0; step < pairs; ++step) {
    y = y * factor + 1.0;
    expected_value = expected_value * factor + 1.0;
  }
  CHECK(tape.size() == 2 * pairs);
  backward(sum(y));

  CHECK(y.item() == Approx(expected_value).epsilon(chain_tolerance));
  CHECK(x.grad()(0) == Approx(std::pow(factor, pairs)).epsilon(chain_tolerance));
  CHECK(tape.size() == 0);
}

TEST_CASE("NoGradGuard records nothing and nests", "[core][tape]") {
  Tape<double>& tape = Tape<double>::current();
  tape.clear();
  Tensor<double> x = parameter<double>({1, 2});

  REQUIRE(grad_enabled());
  {
    NoGradGuard outer;
    const Tensor<double> y = x * 2.0;
    CHECK_FALSE(grad_enabled());
    CHECK(tape.size() == 0);
    CHECK_FALSE(y.requires_grad());
    CHECK(y.is_leaf());
    CHECK(y.value() == Array<double>{2, 4});
    {
      NoGradGuard inner;
      CHECK_FALSE(grad_enabled());
    }
    // Leaving the inner guard restores the outer guard's mode, still off.
    CHECK_FALSE(grad_enabled());
    const Tensor<double> z = x + 1.0;
    CHECK(tape.size() == 0);
    CHECK_FALSE(z.requires_grad());
  }
  CHECK(grad_enabled());
  const Tensor<double> recorded = x * 2.0;
  CHECK(tape.size() == 1);
  CHECK(recorded.requires_grad());
  tape.clear();
}

TEMPLATE_TEST_CASE("RetainGraph::yes allows another backward", "[core][tape]", float, double) {
  using T = TestType;
  Tape<T>& tape = Tape<T>::current();
  tape.clear();
  Tensor<T> x = parameter<T>({1, 2});
  const Tensor<T> loss = sum(x * x);
  REQUIRE(tape.size() == 2);

  backward(loss, RetainGraph::yes);
  CHECK(x.grad() == Array<T>{2, 4});
  CHECK(tape.size() == 2);

  backward(loss);
  CHECK(x.grad() == Array<T>{4, 8});
  CHECK(tape.size() == 0);
}

TEMPLATE_TEST_CASE("backward through a released graph raises", "[core][tape]", float, double) {
  using T = TestType;
  Tensor<T> x = parameter<T>({1, 2});
  const Tensor<T> loss = sum(x * x);
  backward(loss);

  CHECK_THROWS_AS(backward(loss), std::logic_error);
  CHECK_THROWS_WITH(backward(loss), Catch::Contains("pass RetainGraph::yes"));
  // The failed calls add nothing.
  CHECK(x.grad() == Array<T>{2, 4});
}

TEMPLATE_TEST_CASE("grad() before backward raises", "[core][tape]", float, double) {
  using T = TestType;
  Tensor<T> x = parameter<T>({1, 2});
  const Tensor<T> c = constant<T>({1, 2});

  CHECK_THROWS_AS(x.grad(), std::logic_error);
  CHECK_THROWS_WITH(x.grad(), Catch::Contains("call backward()"));
  CHECK_THROWS_WITH(c.grad(), Catch::Contains("does not require grad"));
}

TEMPLATE_TEST_CASE("backward of a non-scalar needs grad_out", "[core][tape]", float, double) {
  using T = TestType;
  Tape<T>& tape = Tape<T>::current();
  tape.clear();
  Tensor<T> x = parameter<T>({1, 2});
  const Tensor<T> y = x * T(2);

  CHECK_THROWS_AS(backward(y), std::logic_error);
  CHECK_THROWS_WITH(backward(y), Catch::Contains("pass an upstream gradient"));
  CHECK_FALSE(x.has_grad());

  // With grad_out the same output works: d(2x)/dx times [1, -1].
  backward(y, Tensor<T>{1, -1});
  CHECK(x.grad() == Array<T>{2, -2});
  CHECK(tape.size() == 0);
}

TEMPLATE_TEST_CASE("grad() leaves stored gradients alone", "[core][tape]", float, double) {
  // h = 2x and L = sum(h^2) = 4 sum(x^2): dL/dh = 2h = [4, 8], dL/dx = 8x.
  using T = TestType;
  Tape<T>& tape = Tape<T>::current();
  tape.clear();
  Tensor<T> x = parameter<T>({1, 2});
  Tensor<T> unused = parameter<T>({5});
  backward(sum(x * x));  // stores 2x = [2, 4]

  const Tensor<T> h = x * T(2);
  const Tensor<T> loss = sum(h * h);
  const std::vector<Array<T>> grads = grad<T>({loss}, {h, x, unused});

  REQUIRE(grads.size() == 3);
  CHECK(grads[0] == Array<T>{4, 8});
  CHECK(grads[1] == Array<T>{8, 16});
  CHECK(grads[2] == Array<T>{0});
  CHECK(x.grad() == Array<T>{2, 4});
  CHECK_FALSE(unused.has_grad());
  CHECK(tape.size() == 0);
}

TEMPLATE_TEST_CASE("in-place write before backward raises", "[core][tape]", float, double) {
  // mul saved w for dL/dx = w, so changing w would give a wrong gradient.
  using T = TestType;
  Tape<T>& tape = Tape<T>::current();
  tape.clear();
  Tensor<T> x = parameter<T>({1, 2});
  Tensor<T> w = parameter<T>({3, 4});
  const Tensor<T> loss = sum(x * w);

  w.mutable_value()(0) = 5;

  CHECK_THROWS_AS(backward(loss), std::logic_error);
  CHECK_THROWS_WITH(backward(loss),
                    Catch::Contains("modified in place after the op was recorded"));
  CHECK_FALSE(x.has_grad());
  CHECK_FALSE(w.has_grad());
  tape.clear();

  // A write after backward, as an optimizer step does, is fine.
  const Tensor<T> next = sum(x * w);
  backward(next);
  w.mutable_value()(0) = 6;
  CHECK(x.grad() == Array<T>{5, 4});
}

TEST_CASE("tape empties after every training step", "[core][tape]") {
  // 10,000 steps of gradient descent on a least-squares fit of X W + b to a
  // fixed target. The tape must hold nodes before each backward and none after.
  constexpr int steps = 10000;
  constexpr double learning_rate = 0.01;
  Tape<double>& tape = Tape<double>::current();
  tape.clear();
  Generator generator(5);
  Tensor<double> weight = parameter(normal<double>({3, 2}, 0.0, 0.5, generator).value());
  Tensor<double> bias = parameter<double>({0, 0});
  const Tensor<double> x = normal<double>({4, 3}, 0.0, 1.0, generator);
  const Tensor<double> target = normal<double>({4, 2}, 0.0, 1.0, generator);

  double first_loss = 0.0;
  double last_loss = 0.0;
  for (int step = 0; step < steps; ++step) {
    const Tensor<double> error = matmul(x, weight) + bias - target;
    const Tensor<double> loss = sum(error * error) / 4.0;
    if (tape.size() == 0 || tape.bytes() == 0) {
      FAIL("step " << step << ": the forward pass recorded nothing");
    }
    backward(loss);
    if (tape.size() != 0 || tape.bytes() != 0) {
      FAIL("step " << step << ": the tape kept " << tape.size() << " nodes, " << tape.bytes()
                   << " bytes after backward");
    }
    weight.mutable_value() -= learning_rate * weight.grad();
    bias.mutable_value() -= learning_rate * bias.grad();
    weight.zero_grad();
    bias.zero_grad();
    if (step == 0) {
      first_loss = loss.item();
    }
    last_loss = loss.item();
  }
  CHECK(last_loss < first_loss);
}

TEMPLATE_TEST_CASE("tape truncate keeps earlier nodes", "[core][tape]", float, double) {
  using T = TestType;
  Tape<T>& tape = Tape<T>::current();
  tape.clear();
  Tensor<T> x = parameter<T>({1, 2});
  const Tensor<T> earlier = x * T(3);
  const std::size_t bytes = tape.bytes();
  const Tensor<T> dropped = x * T(5);
  REQUIRE(tape.size() == 2);

  tape.truncate(1);

  CHECK(tape.size() == 1);
  CHECK(tape.bytes() == bytes);
  CHECK_FALSE(dropped.requires_grad());
  CHECK(dropped.is_leaf());
  CHECK(dropped.value() == Array<T>{5, 10});
  // A node recorded after the truncation takes the dropped node's place.
  const Tensor<T> later = earlier * T(2);
  backward(sum(later));
  CHECK(x.grad() == Array<T>{6, 6});
  CHECK(tape.size() == 0);
}
