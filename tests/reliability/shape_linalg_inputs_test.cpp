// matmul, transpose and the shape ops given mismatched shapes, zero-size
// tensors, NaN and Inf, and empty handles.
//
// Decisions:
// - Mismatched shapes, bad axes and out-of-range indices raise
//   std::invalid_argument naming the op and the shapes or values.
// - matmul with inner dimension 0 gives zeros, as a sum over nothing, and
//   with an outer dimension 0 an empty result, as in PyTorch.
// - matmul propagates NaN, and Inf * 0 = NaN, to exactly the outputs that
//   read them, in both gemm paths: the plain loop for small products and
//   OpenBLAS above 4,096 multiply-adds.
// - Shape ops copy values, so NaN and Inf pass through unchanged.
// - An empty Tensor handle raises std::logic_error instead of crashing.
#include <catch2/catch.hpp>

#include <cstdint>
#include <stdexcept>
#include <vector>

#include <tapegrad/core/core.hpp>

#include "bad_input.hpp"

using namespace tapegrad;
using namespace tapegrad::testing;

TEST_CASE("matmul rejects mismatched operands", "[reliability][linalg]") {
  const Tensor<float> a = parameter<float>(Array<float>(Shape{2, 3}, 1.0f));
  const Tensor<float> b = parameter<float>(Array<float>(Shape{4, 2}, 1.0f));
  check_rejects([&] { matmul(a, b); }, {"matmul:", "[2, 3]", "[4, 2]"});
  check_rejects([&] { matmul(a, b, Transpose::rhs); },
                {"matmul:", "[2, 3]", "[4, 2] (transposed)"});
  const Tensor<float> cube = parameter<float>(Array<float>(Shape{2, 3, 4}, 1.0f));
  check_rejects([&] { matmul(cube, b); }, {"matmul:", "1-D or 2-D", "[2, 3, 4]"});
  const Tensor<float> scalar = parameter<float>(Array<float>(1.0f));
  check_rejects([&] { matmul(scalar, a); }, {"matmul:", "[]"});
  const Tensor<float> vector = parameter<float>(Array<float>{1, 2, 3});
  check_rejects([&] { matmul(vector, a, Transpose::lhs); }, {"matmul:", "transposed"});
  check_rejects([&] { transpose(vector); }, {"transpose:", "[3]"});
}

TEST_CASE("matmul with zero-size dimensions", "[reliability][linalg]") {
  // torch.zeros(2, 0) @ torch.zeros(0, 3) = torch.zeros(2, 3).
  Tensor<double> a = parameter<double>(Array<double>(Shape{2, 0}));
  Tensor<double> b = parameter<double>(Array<double>(Shape{0, 3}));
  const Tensor<double> product = matmul(a, b);
  check_values(product.value(), Shape{2, 3}, {0, 0, 0, 0, 0, 0});
  backward(sum(product));
  CHECK(to_shape(a.grad().shape()) == Shape{2, 0});
  CHECK(to_shape(b.grad().shape()) == Shape{0, 3});

  // An empty batch: [0, 4] . [3, 4]^T = [0, 3]; the weight gradient sums
  // over no rows, so it is exactly 0.
  Tensor<double> batch = parameter<double>(Array<double>(Shape{0, 4}));
  Tensor<double> weight = parameter<double>(Array<double>(Shape{3, 4}, 0.5));
  const Tensor<double> out = matmul(batch, weight, Transpose::rhs);
  check_values(out.value(), Shape{0, 3}, {});
  backward(sum(out));
  check_values(weight.grad(), Shape{3, 4}, std::vector<double>(12, 0.0));
}

TEST_CASE("matmul propagates NaN in both paths", "[reliability][linalg]") {
  // Row 0 of lhs contains a NaN and row 1 an inf, and rhs is all zeros. By
  // IEEE 754, NaN * 0 and inf * 0 are NaN, so rows 0 and 1 of the product
  // are NaN and row 2 is 0, as in PyTorch. With K = 4 gemm runs its own
  // loop, and with K = 4,096 (3 * 1 * 4,096 multiply-adds) it calls OpenBLAS.
  for (const std::size_t inner : {std::size_t{4}, std::size_t{4096}}) {
    INFO("inner dimension " << inner);
    Array<double> lhs = xt::ones<double>(Shape{3, inner});
    lhs(0, 1) = quiet_nan;
    lhs(1, 2) = inf;
    const Tensor<double> product =
        matmul(constant<double>(lhs), constant<double>(xt::zeros<double>(Shape{inner, 1})));
    check_values(product.value(), Shape{3, 1}, {quiet_nan, quiet_nan, 0});

    // The gradient of the rhs, lhs^T . grad_out, carries the NaN too.
    Tensor<double> rhs = parameter<double>(xt::zeros<double>(Shape{inner, 1}));
    backward(sum(matmul(constant<double>(lhs), rhs)));
    CHECK(std::isnan(rhs.grad()(1, 0)));
    CHECK(rhs.grad()(2, 0) == inf);
    CHECK(rhs.grad()(0, 0) == 3.0);
  }
}

TEST_CASE("shape ops reject bad arguments", "[reliability][shape]") {
  const Tensor<float> x = parameter<float>(Array<float>(Shape{2, 3}, 1.0f));
  check_rejects([&] { reshape(x, {4, 2}); }, {"reshape:", "[2, 3]", "[4, 2]"});
  check_rejects([&] { reshape(x, {-1, -1}); }, {"reshape:", "more than one -1"});
  check_rejects([&] { reshape(x, {-2, 3}); }, {"reshape:", "-2"});
  check_rejects([&] { flatten(x, 2); }, {"flatten:", "2", "[2, 3]"});

  const Tensor<float> y = parameter<float>(Array<float>(Shape{2, 4}, 1.0f));
  check_rejects([&] { concat({x, y}, 0); }, {"concat:", "[2, 4]", "[2, 3]"});
  check_rejects([&] { concat({x, y}, 2); }, {"concat:", "axis 2"});
  check_rejects([&] { concat(std::vector<Tensor<float>>{}); }, {"concat:", "no tensors"});

  check_rejects([&] { slice(x, 1, 2, 4); }, {"slice:", "[2, 4)", "[2, 3]"});
  check_rejects([&] { slice(x, 1, 2, 1); }, {"slice:", "[2, 1)"});
  check_rejects([&] { slice(x, -3, 0, 1); }, {"slice:", "axis -3"});

  const std::vector<std::size_t> rows = {0, 2};
  check_rejects([&] { select_rows(x, rows); }, {"select_rows:", "row index 2", "[2, 3]"});
  const Tensor<float> scalar = parameter<float>(Array<float>(1.0f));
  check_rejects([&] { select_rows(scalar, rows); }, {"select_rows:", "[]"});
}

TEST_CASE("shape ops on zero-size tensors", "[reliability][shape]") {
  Tensor<float> empty = parameter<float>(Array<float>(Shape{0, 3}));
  const Tensor<float> filled = parameter<float>(Array<float>{{1, 2, 3}});
  CHECK(to_shape(reshape(empty, {-1, 3}).shape()) == Shape{0, 3});
  CHECK(to_shape(reshape(empty, {3, 0}).shape()) == Shape{3, 0});
  // torch.zeros(0, 3).reshape(0, -1) raises: any extent fits.
  check_rejects([&] { reshape(empty, {0, -1}); }, {"reshape:", "cannot infer"});
  CHECK(to_shape(flatten(empty).shape()) == Shape{0, 3});
  CHECK(to_shape(concat({empty, filled, empty}).shape()) == Shape{1, 3});
  CHECK(to_shape(slice(filled, 1, 1, 1).shape()) == Shape{1, 0});
  CHECK(to_shape(select_rows(empty, std::vector<std::size_t>{}).shape()) == Shape{0, 3});
  check_rejects([&] { select_rows(empty, std::vector<std::size_t>{0}); },
                {"select_rows:", "row index 0", "[0, 3]"});

  // Backward through a mix of them reaches the empty leaf with an empty gradient.
  const Tensor<float> joined = concat({empty, filled});
  backward(sum(select_rows(joined, std::vector<std::size_t>{0, 0})));
  CHECK(to_shape(empty.grad().shape()) == Shape{0, 3});
}

TEST_CASE("shape ops pass NaN through", "[reliability][shape]") {
  // Every shape op copies values; the gradient routes back by position.
  Tensor<double> x = parameter<double>(Array<double>{{quiet_nan, 1}, {inf, -inf}});
  const Tensor<double> moved = transpose(reshape(concat({x, x}, 0), {2, 4}));
  // concat gives [[nan, 1], [inf, -inf], [nan, 1], [inf, -inf]]; reshaped to
  // [2, 4] and transposed, column 0 is the first four values.
  check_values(moved.value(), Shape{4, 2}, {quiet_nan, quiet_nan, 1, 1, inf, inf, -inf, -inf});
  const Tensor<double> picked = select_rows(slice(moved, 0, 1, 3), std::vector<std::size_t>{1});
  check_values(picked.value(), Shape{1, 2}, {inf, inf});
  backward(sum(picked));
  // The two picked entries are x[1, 0] read twice through concat.
  check_values(x.grad(), Shape{2, 2}, {0, 0, 2, 0});
}

TEST_CASE("ops reject empty tensor handles", "[reliability][shape]") {
  const Tensor<float> missing;
  const Tensor<float> x = parameter<float>(Array<float>{1, 2});
  CHECK_THROWS_AS(add(x, missing), std::logic_error);
  CHECK_THROWS_AS(tapegrad::exp(missing), std::logic_error);
  CHECK_THROWS_AS(sum(missing), std::logic_error);
  CHECK_THROWS_AS(matmul(missing, x), std::logic_error);
  CHECK_THROWS_AS(concat({x, missing}), std::logic_error);
  CHECK_THROWS_AS(cross_entropy(missing, std::vector<std::size_t>{0}), std::logic_error);
  CHECK_THROWS_AS(backward(missing), std::logic_error);
}

TEST_CASE("ops reject element counts that overflow", "[reliability][shape]") {
  // xtensor multiplies extents in std::size_t and wraps around, so these
  // shapes would get a buffer of 0 or 1 elements for 2^64 claimed ones.
  const std::size_t big = std::size_t{1} << 32;
  const auto big_extent = static_cast<std::int64_t>(big);
  const std::string size_text = "more elements than std::size_t can count";

  const Tensor<float> empty = parameter<float>(Array<float>(Shape{0}));
  check_rejects([&] { reshape(empty, {big_extent, big_extent}); }, {"reshape:", size_text});
  // (2^32 + 1)(2^32 - 1) = 2^64 - 1, and (2^64 - 1)^2 wraps modulo 2^64 to
  // exactly 1, so the four extents claim the single element of the input.
  const Tensor<float> single = parameter<float>(Array<float>(Shape{1}, 1.0f));
  check_rejects(
      [&] {
        reshape(single, {big_extent + 1, big_extent - 1, big_extent + 1, big_extent - 1});
      },
      {"reshape:", size_text});

  // Zero-size operands whose product has 2^64 elements: each would crash
  // when the op writes the output it believes it allocated.
  const Tensor<float> tall = parameter<float>(Array<float>(Shape{big, 0}));
  const Tensor<float> wide = parameter<float>(Array<float>(Shape{0, big}));
  check_rejects([&] { matmul(tall, wide); }, {"matmul:", "[4294967296, 4294967296]", size_text});
  const Tensor<float> column = parameter<float>(Array<float>(Shape{big, 1}));
  const Tensor<float> row = parameter<float>(Array<float>(Shape{1, big}));
  check_rejects([&] { add(column, row); }, {"add:", size_text});
  // flatten has the same guard, but its input [0, 2^32, 2^32] cannot be
  // built without overflowing xtensor's signed strides, which UBSan rejects.
  const Tensor<float> half = parameter<float>(Array<float>(Shape{std::size_t{1} << 63, 0}));
  check_rejects([&] { concat({half, half}); }, {"concat:", "std::size_t"});

  check_rejects([&] { zeros<float>(Shape{big, big}); }, {"zeros:", size_text});
  check_rejects([&] { full<double>(Shape{big, big, 2}, 1.0); }, {"full:", size_text});
  // A zero extent makes any shape empty, and that is valid.
  CHECK(zeros<float>(Shape{big, big, 0}).size() == 0);
}
