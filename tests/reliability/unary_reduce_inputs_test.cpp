// Unary ops and reductions given zero-size tensors, NaN and Inf, and bad axes.
//
// Decisions:
// - Unary ops keep the input's shape, zero-size included, and follow
//   PyTorch 1.13 at ±inf and NaN in value and gradient.
// - The one exception is the gradient of abs at NaN. It is NaN here, as
//   numpy.sign(NaN) is, so a NaN input shows in its gradient too; PyTorch
//   gives 0.
// - Reductions over no elements: sum gives 0, mean gives NaN (0 / 0) and
//   max raises std::invalid_argument, all as in PyTorch.
// - A NaN among reduced entries makes the reduced value NaN; an axis out of
//   range raises std::invalid_argument naming the op, axis and shape.
#include <catch2/catch.hpp>

#include <functional>
#include <string>
#include <vector>

#include <tapegrad/core/core.hpp>

#include "bad_input.hpp"

using namespace tapegrad;
using namespace tapegrad::testing;

namespace {

using UnaryOp = std::function<Tensor<double>(const Tensor<double>&)>;

struct UnaryCase {
  std::string name;
  UnaryOp op;
  std::vector<double> value;
  std::vector<double> grad;
};

// The reduction tests' input: a NaN in row 0, ±inf in row 1, +inf in row 2.
Array<double> mixed_matrix() { return {{1, quiet_nan, 3}, {inf, 2, -inf}, {inf, 1, 2}}; }

}  // namespace

TEST_CASE("unary ops at infinities and NaN", "[reliability][unary]") {
  // Expected values from PyTorch 1.13 in float64:
  //   x = torch.tensor([inf, -inf, nan, 0., -2.], dtype=torch.float64, requires_grad=True)
  //   y = op(x); y.sum().backward(); print(y, x.grad)
  // with op = torch.exp, ..., F.leaky_relu(x, 0.01), F.softplus, except the
  // abs gradient at NaN (see the file comment).
  // relu passes the gradient at NaN, as PyTorch does (its backward zeroes
  // only where x <= 0).
  const std::vector<UnaryCase> cases = {
      {"exp",
       [](const auto& x) { return tapegrad::exp(x); },
       {inf, 0, quiet_nan, 1, 0.1353352832366127},
       {inf, 0, quiet_nan, 1, 0.1353352832366127}},
      {"log",
       [](const auto& x) { return tapegrad::log(x); },
       {inf, quiet_nan, quiet_nan, -inf, quiet_nan},
       {0, 0, quiet_nan, inf, -0.5}},
      {"sqrt",
       [](const auto& x) { return tapegrad::sqrt(x); },
       {inf, quiet_nan, quiet_nan, 0, quiet_nan},
       {0, quiet_nan, quiet_nan, inf, quiet_nan}},
      {"abs",
       [](const auto& x) { return tapegrad::abs(x); },
       {inf, inf, quiet_nan, 0, 2},
       {1, -1, quiet_nan, 0, -1}},
      {"tanh",
       [](const auto& x) { return tapegrad::tanh(x); },
       {1, -1, quiet_nan, 0, -0.9640275800758169},
       {0, 0, quiet_nan, 1, 0.07065082485316443}},
      {"sigmoid",
       [](const auto& x) { return sigmoid(x); },
       {1, 0, quiet_nan, 0.5, 0.11920292202211755},
       {0, 0, quiet_nan, 0.25, 0.1049935854035065}},
      {"relu", [](const auto& x) { return relu(x); }, {inf, 0, quiet_nan, 0, 0}, {1, 0, 1, 0, 0}},
      {"leaky_relu",
       [](const auto& x) { return leaky_relu(x, 0.01); },
       {inf, -inf, quiet_nan, 0, -0.02},
       {1, 0.01, 0.01, 0.01, 0.01}},
      {"softplus",
       [](const auto& x) { return softplus(x); },
       {inf, 0, quiet_nan, 0.6931471805599453, 0.1269280110429725},
       {1, 0, quiet_nan, 0.5, 0.11920292202211755}}};
  for (const UnaryCase& entry : cases) {
    INFO("op " << entry.name);
    Tensor<double> x = parameter<double>(Array<double>{inf, -inf, quiet_nan, 0, -2});
    const Tensor<double> y = entry.op(x);
    backward(sum(y));
    check_values(y.value(), entry.value);
    check_values(x.grad(), entry.grad);
  }
}

TEST_CASE("unary ops on zero-size tensors", "[reliability][unary]") {
  const std::vector<std::function<Tensor<float>(const Tensor<float>&)>> ops = {
      [](const auto& x) { return tapegrad::exp(x); },
      [](const auto& x) { return tapegrad::log(x); },
      [](const auto& x) { return tapegrad::sqrt(x); },
      [](const auto& x) { return tapegrad::abs(x); },
      [](const auto& x) { return tapegrad::tanh(x); },
      [](const auto& x) { return sigmoid(x); },
      [](const auto& x) { return relu(x); },
      [](const auto& x) { return leaky_relu(x); },
      [](const auto& x) { return softplus(x); },
      [](const auto& x) { return neg(x); }};
  for (std::size_t index = 0; index < ops.size(); ++index) {
    INFO("op number " << index);
    Tensor<float> x = parameter<float>(Array<float>(Shape{2, 0, 3}));
    const Tensor<float> y = ops[index](x);
    CHECK(to_shape(y.shape()) == Shape{2, 0, 3});
    backward(sum(y));
    CHECK(to_shape(x.grad().shape()) == Shape{2, 0, 3});
  }
}

TEST_CASE("reductions with NaN and infinities", "[reliability][reduce]") {
  // Expected values from PyTorch 1.13 in float64:
  //   x = torch.tensor([[1., nan, 3.], [inf, 2., -inf], [inf, 1., 2.]],
  //                    dtype=torch.float64, requires_grad=True)
  //   y = f(x); y.sum().backward(); print(y, x.grad)
  // with f = torch.sum, x.sum(1), torch.mean, x.mean(1), torch.amax,
  // torch.amax(x, 1), torch.amax(x, 0).
  const double ninth = 1.0 / 9.0;
  const double third = 1.0 / 3.0;
  struct ReductionCase {
    std::string name;
    std::function<Tensor<double>(const Tensor<double>&)> op;
    std::vector<double> value;
    std::vector<double> grad;
  };
  const std::vector<ReductionCase> cases = {
      {"sum", [](const auto& x) { return sum(x); }, {quiet_nan}, std::vector<double>(9, 1.0)},
      {"sum axis 1",
       [](const auto& x) { return sum(x, 1); },
       {quiet_nan, quiet_nan, inf},
       std::vector<double>(9, 1.0)},
      {"mean", [](const auto& x) { return mean(x); }, {quiet_nan}, std::vector<double>(9, ninth)},
      {"mean axis 1",
       [](const auto& x) { return mean(x, 1); },
       {quiet_nan, quiet_nan, inf},
       std::vector<double>(9, third)},
      {"max", [](const auto& x) { return max(x); }, {quiet_nan}, std::vector<double>(9, quiet_nan)},
      {"max axis 1",
       [](const auto& x) { return max(x, 1); },
       {quiet_nan, inf, inf},
       {quiet_nan, quiet_nan, quiet_nan, 1, 0, 0, 1, 0, 0}},
      {"max axis 0",
       [](const auto& x) { return max(x, 0); },
       {inf, quiet_nan, 3},
       {0, quiet_nan, 1, 0.5, quiet_nan, 0, 0.5, quiet_nan, 0}}};
  for (const ReductionCase& entry : cases) {
    INFO("op " << entry.name);
    Tensor<double> x = parameter<double>(mixed_matrix());
    const Tensor<double> y = entry.op(x);
    backward(sum(y));
    const Shape shape = to_shape(y.shape());
    check_values(y.value(), shape, entry.value);
    check_values(x.grad(), Shape{3, 3}, entry.grad);
  }
}

TEST_CASE("reductions over zero-size tensors", "[reliability][reduce]") {
  // PyTorch 1.13: torch.zeros(0, 3).sum() = 0, .mean() = nan, .sum(0) = [0, 0, 0],
  // .mean(0) = [nan, nan, nan], .sum(1) = [] (shape [0]); torch.amax of an
  // empty tensor raises.
  Tensor<double> x = parameter<double>(Array<double>(Shape{0, 3}));
  check_values(sum(x).value(), Shape{}, {0});
  check_values(mean(x).value(), Shape{}, {quiet_nan});
  check_values(sum(x, 0).value(), {0, 0, 0});
  check_values(mean(x, 0).value(), {quiet_nan, quiet_nan, quiet_nan});
  check_values(sum(x, 1).value(), Shape{0}, {});
  check_values(mean(x, 1, KeepDims::yes).value(), Shape{0, 1}, {});
  check_values(max(x, 1).value(), Shape{0}, {});

  check_rejects([&] { max(x); }, {"max:", "[0, 3]"});
  check_rejects([&] { max(x, 0); }, {"max:", "axis 0", "[0, 3]"});

  // The gradient of an empty input is empty, whatever the reduction.
  backward(add(sum(x, 0), mean(x, 1, KeepDims::yes)), constant<double>(Array<double>(Shape{0, 3})));
  CHECK(to_shape(x.grad().shape()) == Shape{0, 3});
}

TEST_CASE("reductions reject axes out of range", "[reliability][reduce]") {
  const Tensor<float> x = parameter<float>(Array<float>(Shape{2, 3}, 1.0f));
  check_rejects([&] { sum(x, 2); }, {"sum:", "axis 2", "[2, 3]"});
  check_rejects([&] { mean(x, -3); }, {"mean:", "axis -3", "[2, 3]"});
  check_rejects([&] { max(x, 5, KeepDims::yes); }, {"max:", "axis 5", "[2, 3]"});
  const Tensor<float> scalar = parameter<float>(Array<float>(2.0f));
  check_rejects([&] { sum(scalar, 1); }, {"sum:", "axis 1", "0-D"});
}
