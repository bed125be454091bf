// A small fixed problem shared by the optimizer tests, and array comparison.
//
// The problem has three parameters: w [2, 3] and b [3], trained on
//   loss = sum(c * w * w) + sum(b * b * b)
// with a fixed c, and `unused` [1], which no loss reaches, so it never has a
// gradient. The golden values in the optimizer tests come from this torch
// 1.13 snippet (Debian's python3-torch), run in float64; each test gives the
// line that builds its optimizer and the values it printed:
//
//   import torch
//   def run(make, steps=4, late_b=False):
//       w = torch.tensor([[0.5, -1.0, 2.0], [1.5, 0.25, -0.75]], dtype=torch.float64,
//                        requires_grad=True)
//       b = torch.tensor([0.1, -0.2, 0.3], dtype=torch.float64, requires_grad=True)
//       unused = torch.tensor([7.0], dtype=torch.float64, requires_grad=True)
//       c = torch.tensor([[1.0, 2.0, -1.0], [0.5, -3.0, 1.0]], dtype=torch.float64)
//       opt = make([w, b, unused])
//       for t in range(steps):
//           opt.zero_grad()
//           loss = (c * w * w).sum()
//           if not late_b or t > 0:
//               loss = loss + (b * b * b).sum()
//           loss.backward()
//           opt.step()
//           if t == 0 or t == steps - 1:
//               print(t + 1, w.tolist(), b.tolist())
//       assert unused.item() == 7.0
#pragma once

#include <memory>
#include <string>

#include <catch2/catch.hpp>

#include <tapegrad/core/core.hpp>
#include <tapegrad/optim/optimizer.hpp>

namespace optim_test {

using tapegrad::Array;
using tapegrad::Tensor;

/// Allowed difference from a float64 torch value, relative to max(1, |value|).
/// Float runs differ from torch's float64 run by rounding only.
template <class T>
constexpr double golden_tolerance() {
  return std::is_same_v<T, double> ? 1e-12 : 2e-5;
}

/// Checks shape and every element of `actual` against `expected`.
template <class T>
void check_close(const Array<T>& actual, const Array<double>& expected, double tolerance) {
  REQUIRE(tapegrad::format_shape(actual.shape()) == tapegrad::format_shape(expected.shape()));
  for (std::size_t i = 0; i < expected.size(); ++i) {
    INFO("flat index " << i);
    CHECK(static_cast<double>(actual.data()[i]) ==
          Approx(expected.data()[i]).epsilon(tolerance).margin(tolerance));
  }
}

/// Which terms of the loss a training step includes.
enum class LossTerms { w_and_b, w_only };

/// The problem described at the top of this file.
template <class T>
struct Problem {
  Tensor<T> w = tapegrad::parameter<T>({{0.5, -1.0, 2.0}, {1.5, 0.25, -0.75}});
  Tensor<T> b = tapegrad::parameter<T>({0.1, -0.2, 0.3});
  Tensor<T> unused = tapegrad::parameter<T>({7.0});
  Tensor<T> c = tapegrad::constant<T>({{1.0, 2.0, -1.0}, {0.5, -3.0, 1.0}});

  std::vector<Tensor<T>> parameters() const { return {w, b, unused}; }

  /// Runs one training step; with `LossTerms::w_only`, b gets no gradient.
  void train_step(tapegrad::Optimizer<T>& optimizer, LossTerms terms = LossTerms::w_and_b) {
    optimizer.zero_grad();
    Tensor<T> loss = tapegrad::sum(c * w * w);
    if (terms == LossTerms::w_and_b) {
      loss = loss + tapegrad::sum(b * b * b);
    }
    tapegrad::backward(loss);
    optimizer.step();
  }
};

/// Golden values of w and b after steps 1 and 4 of the torch snippet above.
struct Golden {
  Array<double> w1;
  Array<double> b1;
  Array<double> w4;
  Array<double> b4;
};

/// Trains `problem` for four steps and checks w and b after steps 1 and 4,
/// and that `unused` was never touched.
template <class T>
void check_golden(tapegrad::Optimizer<T>& optimizer, Problem<T>& problem, const Golden& golden) {
  constexpr double tolerance = golden_tolerance<T>();
  problem.train_step(optimizer);
  {
    INFO("w after step 1");
    check_close(problem.w.value(), golden.w1, tolerance);
  }
  {
    INFO("b after step 1");
    check_close(problem.b.value(), golden.b1, tolerance);
  }
  for (int step = 2; step <= 4; ++step) {
    problem.train_step(optimizer);
  }
  {
    INFO("w after step 4");
    check_close(problem.w.value(), golden.w4, tolerance);
  }
  {
    INFO("b after step 4");
    check_close(problem.b.value(), golden.b4, tolerance);
  }
  CHECK(problem.unused.value() == Array<T>{7.0});
  CHECK(optimizer.step_count(0) == 4);
  CHECK(optimizer.step_count(2) == 0);
}

}  // namespace optim_test
