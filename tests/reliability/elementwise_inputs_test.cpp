// Binary elementwise ops (add, sub, mul, div, pow, maximum, minimum) given
// shapes that do not broadcast, zero-size operands, and NaN and Inf values.
//
// Decisions:
// - Shapes that do not broadcast raise std::invalid_argument naming the op
//   and both shapes, as PyTorch raises a RuntimeError.
// - A zero-size operand gives a zero-size result. The other operand's
//   gradient is then a sum over no elements: exactly 0.
// - NaN and Inf follow IEEE 754 in the value and the gradient, matching
//   PyTorch 1.13 element for element.
// - The one exception: at a NaN, maximum and minimum send the whole gradient
//   to the operand that supplied the NaN. PyTorch sends it to both, which
//   doubles it.
#include <catch2/catch.hpp>

#include <functional>
#include <string>
#include <vector>

#include <xtensor/xadapt.hpp>

#include <tapegrad/core/core.hpp>

#include "bad_input.hpp"

using namespace tapegrad;
using namespace tapegrad::testing;

namespace {

using BinaryOp = std::function<Tensor<double>(const Tensor<double>&, const Tensor<double>&)>;

struct NamedBinaryOp {
  std::string name;
  BinaryOp op;
};

std::vector<NamedBinaryOp> binary_ops() {
  return {{"add", [](const auto& a, const auto& b) { return add(a, b); }},
          {"sub", [](const auto& a, const auto& b) { return sub(a, b); }},
          {"mul", [](const auto& a, const auto& b) { return mul(a, b); }},
          {"div", [](const auto& a, const auto& b) { return div(a, b); }},
          {"pow", [](const auto& a, const auto& b) { return tapegrad::pow(a, b); }},
          {"maximum", [](const auto& a, const auto& b) { return maximum(a, b); }},
          {"minimum", [](const auto& a, const auto& b) { return minimum(a, b); }}};
}

// Expected value and gradients of one op over the same operands.
struct Expected {
  std::string name;
  std::vector<double> value;
  std::vector<double> lhs_grad;
  std::vector<double> rhs_grad;
};

void check_table(const std::vector<double>& lhs, const std::vector<double>& rhs,
                 const std::vector<Expected>& table) {
  const std::vector<NamedBinaryOp> ops = binary_ops();
  REQUIRE(ops.size() == table.size());
  for (std::size_t index = 0; index < ops.size(); ++index) {
    const Expected& expected = table[index];
    INFO("op " << expected.name);
    REQUIRE(ops[index].name == expected.name);
    Tensor<double> a = parameter<double>(xt::adapt(lhs, Shape{lhs.size()}));
    Tensor<double> b = parameter<double>(xt::adapt(rhs, Shape{rhs.size()}));
    const Tensor<double> y = ops[index].op(a, b);
    backward(sum(y));
    check_values(y.value(), expected.value);
    check_values(a.grad(), expected.lhs_grad);
    check_values(b.grad(), expected.rhs_grad);
  }
}

}  // namespace

TEST_CASE("binary ops reject unbroadcastable shapes", "[reliability][elementwise]") {
  const Tensor<double> a = parameter<double>(Array<double>(Shape{2, 3}, 1.0));
  const Tensor<double> b = parameter<double>(Array<double>(Shape{4}, 1.0));
  for (const NamedBinaryOp& entry : binary_ops()) {
    INFO("op " << entry.name);
    check_rejects([&] { entry.op(a, b); }, {entry.name + ":", "[2, 3]", "[4]"});
  }
  // Through an operator, and with the shapes the other way round.
  check_rejects([&] { return a * b; }, {"mul:", "[2, 3]", "[4]"});
  check_rejects([&] { return b - a; }, {"sub:", "[4]", "[2, 3]"});
  // Equal rank, one extent differs and neither is 1.
  const Tensor<double> c = constant<double>(Array<double>(Shape{2, 2}, 1.0));
  check_rejects([&] { return add(a, c); }, {"add:", "[2, 3]", "[2, 2]"});
}

TEST_CASE("binary ops on zero-size operands", "[reliability][elementwise]") {
  // [0, 3] with [3] broadcasts to [0, 3]; the [3] operand's gradient sums
  // over zero rows, which is exactly 0.
  for (const NamedBinaryOp& entry : binary_ops()) {
    INFO("op " << entry.name);
    Tensor<double> empty = parameter<double>(Array<double>(Shape{0, 3}));
    Tensor<double> row = parameter<double>(Array<double>{2.0, 3.0, 4.0});
    const Tensor<double> y = entry.op(empty, row);
    CHECK(to_shape(y.shape()) == Shape{0, 3});
    backward(sum(y));
    CHECK(to_shape(empty.grad().shape()) == Shape{0, 3});
    check_values(row.grad(), {0.0, 0.0, 0.0});
  }
  // [0] with a 0-D scalar gives [0].
  const Tensor<double> nothing = parameter<double>(Array<double>(Shape{0}));
  CHECK(to_shape(add(nothing, 1.0).shape()) == Shape{0});
  // [0] with [2] does not broadcast: 0 is not 1.
  const Tensor<double> pair = parameter<double>(Array<double>{1.0, 2.0});
  check_rejects([&] { return add(nothing, pair); }, {"add:", "[0]", "[2]"});
}

TEST_CASE("binary ops with infinities", "[reliability][elementwise]") {
  // Expected values from PyTorch 1.13 in float64:
  //   a = torch.tensor([inf, -inf, 2., 0., inf], dtype=torch.float64, requires_grad=True)
  //   b = torch.tensor([2., inf, -inf, 0., inf], dtype=torch.float64, requires_grad=True)
  //   y = op(a, b); y.backward(torch.ones_like(y)); print(y, a.grad, b.grad)
  const std::vector<double> a = {inf, -inf, 2.0, 0.0, inf};
  const std::vector<double> b = {2.0, inf, -inf, 0.0, inf};
  check_table(
      a, b,
      {{"add", {inf, quiet_nan, -inf, 0, inf}, {1, 1, 1, 1, 1}, {1, 1, 1, 1, 1}},
       {"sub", {inf, -inf, inf, 0, quiet_nan}, {1, 1, 1, 1, 1}, {-1, -1, -1, -1, -1}},
       {"mul", {inf, -inf, -inf, 0, inf}, {2, inf, -inf, 0, inf}, {inf, -inf, 2, 0, inf}},
       {"div",
        {inf, quiet_nan, 0, quiet_nan, quiet_nan},
        {0.5, 0, 0, inf, 0},
        {-inf, quiet_nan, 0, quiet_nan, quiet_nan}},
       {"pow", {inf, inf, 0, 1, inf}, {inf, inf, quiet_nan, 0, inf}, {inf, quiet_nan, 0, 0, inf}},
       {"maximum", {inf, inf, 2, 0, inf}, {1, 0, 1, 0.5, 0.5}, {0, 1, 0, 0.5, 0.5}},
       {"minimum", {2, -inf, -inf, 0, inf}, {0, 1, 0, 0.5, 0.5}, {1, 0, 1, 0.5, 0.5}}});
}

TEST_CASE("binary ops with NaN", "[reliability][elementwise]") {
  // Expected values from PyTorch 1.13 as above, with
  //   a = [nan, 3., nan], b = [2., nan, nan],
  // except the maximum and minimum gradients: there the operand that
  // supplied the NaN gets the gradient, 1, and the other gets 0. PyTorch
  // gives 1 to both, so their sum would count the upstream gradient twice.
  const std::vector<double> a = {quiet_nan, 3.0, quiet_nan};
  const std::vector<double> b = {2.0, quiet_nan, quiet_nan};
  check_table(a, b,
              {{"add", {quiet_nan, quiet_nan, quiet_nan}, {1, 1, 1}, {1, 1, 1}},
               {"sub", {quiet_nan, quiet_nan, quiet_nan}, {1, 1, 1}, {-1, -1, -1}},
               {"mul",
                {quiet_nan, quiet_nan, quiet_nan},
                {2, quiet_nan, quiet_nan},
                {quiet_nan, 3, quiet_nan}},
               {"div",
                {quiet_nan, quiet_nan, quiet_nan},
                {0.5, quiet_nan, quiet_nan},
                {quiet_nan, quiet_nan, quiet_nan}},
               {"pow",
                {quiet_nan, quiet_nan, quiet_nan},
                {quiet_nan, quiet_nan, quiet_nan},
                {quiet_nan, quiet_nan, quiet_nan}},
               {"maximum", {quiet_nan, quiet_nan, quiet_nan}, {1, 0, 1}, {0, 1, 0}},
               {"minimum", {quiet_nan, quiet_nan, quiet_nan}, {1, 0, 1}, {0, 1, 0}}});
}

TEST_CASE("binary ops keep NaN in place", "[reliability][elementwise]") {
  // A NaN in one entry of a broadcast operand reaches exactly the outputs
  // that read it: column 1 of [2, 3] + [3] with the NaN at rhs[1].
  const Tensor<float> lhs = constant<float>(Array<float>{{1, 2, 3}, {4, 5, 6}});
  const Tensor<float> rhs = constant<float>(Array<float>{10, NAN, 30});
  check_values(add(lhs, rhs).value(), Shape{2, 3}, {11, quiet_nan, 33, 14, quiet_nan, 36});
}
