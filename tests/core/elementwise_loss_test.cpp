// Elementwise losses, mse_loss and binary_cross_entropy_with_logits, with
// every Reduction.
//
// Expected values come from Debian's PyTorch 1.13 in float64 (the snippet that
// printed them is above each test) or from hand computation shown in comments.
// Float runs compare with the float64 values at kRelativeTolerance<float>.
#include <catch2/catch.hpp>

#include <limits>
#include <stdexcept>

#include <xtensor/xbuilder.hpp>

#include <tapegrad/core/core.hpp>

#include "close_to.hpp"

using namespace tapegrad;
using tapegrad::testing::check_close;
using tapegrad::testing::kRelativeTolerance;

namespace {

template <class T>
constexpr T infinity = std::numeric_limits<T>::infinity();

}  // namespace

TEMPLATE_TEST_CASE("mse_loss with every reduction", "[core][loss]", float, double) {
  // By hand: prediction [[1, 2], [3, 4]], target [[0, 2.5], [1, 5]], difference
  // [[1, -0.5], [2, -1]], squares [[1, 0.25], [4, 1]]: sum 6.25, mean 1.5625.
  // d/d prediction = 2 * difference * upstream (/ 4 for the mean); d/d target is its negative.
  using T = TestType;
  Tensor<T> prediction = parameter<T>({{1, 2}, {3, 4}});
  Tensor<T> target = parameter<T>({{0, 2.5}, {1, 5}});

  Tensor<T> mean_loss = mse_loss(prediction, target);
  CHECK(mean_loss.item() == 1.5625);
  backward(mean_loss);
  CHECK(prediction.grad() == Array<T>{{0.5, -0.25}, {1, -0.5}});
  CHECK(target.grad() == Array<T>{{-0.5, 0.25}, {-1, 0.5}});

  prediction.zero_grad();
  target.zero_grad();
  Tensor<T> sum_loss = mse_loss(prediction, target, Reduction::sum);
  CHECK(sum_loss.item() == 6.25);
  backward(sum_loss);
  CHECK(prediction.grad() == Array<T>{{2, -1}, {4, -2}});
  CHECK(target.grad() == Array<T>{{-2, 1}, {-4, 2}});

  prediction.zero_grad();
  target.zero_grad();
  Tensor<T> losses = mse_loss(prediction, target, Reduction::none);
  CHECK(losses.value() == Array<T>{{1, 0.25}, {4, 1}});
  backward(losses, Tensor<T>{{1, 2}, {0, -1}});
  CHECK(prediction.grad() == Array<T>{{2, -2}, {0, 2}});
  CHECK(target.grad() == Array<T>{{-2, 2}, {0, -2}});
}

TEMPLATE_TEST_CASE("mse_loss of a constant target and reuse", "[core][loss]", float, double) {
  using T = TestType;
  Tensor<T> prediction = parameter<T>({1, -3});
  Tensor<T> target = constant<T>({0, 1});

  // By hand: mean of [1, 16] = 8.5; gradient 2 * [1, -4] / 2 = [1, -4].
  Tensor<T> loss = mse_loss(prediction, target);
  CHECK(loss.item() == 8.5);
  backward(loss);
  CHECK(prediction.grad() == Array<T>{1, -4});

  // mse(x, x) = 0 and its gradients from both sides cancel exactly.
  prediction.zero_grad();
  Tensor<T> zero = mse_loss(prediction, prediction);
  CHECK(zero.item() == 0);
  backward(zero);
  CHECK(prediction.grad() == Array<T>{0, 0});
}

TEMPLATE_TEST_CASE("mse_loss rejects mismatched shapes", "[core][loss]", float, double) {
  using T = TestType;
  Tensor<T> prediction = parameter<T>({{1, 2}, {3, 4}});
  Tensor<T> target = constant<T>({1, 2});
  REQUIRE_THROWS_MATCHES(
      mse_loss(prediction, target), std::invalid_argument,
      Catch::Message("mse_loss: prediction has shape [2, 2] but target has shape [2]; the "
                     "shapes must match exactly (no broadcasting)"));

  Tensor<T> empty = parameter<T>(xt::zeros<T>({0}));
  REQUIRE_THROWS_MATCHES(
      mse_loss(empty, empty), std::invalid_argument,
      Catch::Message("mse_loss: the mean over prediction of shape [0] is undefined, because it "
                     "is empty; use Reduction::sum or Reduction::none"));
}

// p = torch.tensor([[0.5, -1.0, 2.0], [0.0, 3.0, -0.2]], dtype=torch.float64, requires_grad=True)
// q = torch.tensor([[1.0, 0.0, 0.3], [0.5, 1.0, 0.0]], dtype=torch.float64, requires_grad=True)
// for red in ("mean", "sum"):
//     p.grad = None; q.grad = None
//     l = F.binary_cross_entropy_with_logits(p, q, reduction=red); l.backward()
//     print(l.item(), p.grad.tolist(), q.grad.tolist())
// p.grad = None; q.grad = None
// up = torch.tensor([[1.0, -1.0, 2.0], [0.5, 0.0, 3.0]], dtype=torch.float64)
// l = F.binary_cross_entropy_with_logits(p, q, reduction="none"); l.backward(up)
// print(l.tolist(), p.grad.tolist(), q.grad.tolist())
TEMPLATE_TEST_CASE("binary_cross_entropy_with_logits matches PyTorch", "[core][loss]", float,
                   double) {
  using T = TestType;
  Tensor<T> logits = parameter<T>({{0.5, -1.0, 2.0}, {0.0, 3.0, -0.2}});
  Tensor<T> target = parameter<T>({{1.0, 0.0, 0.3}, {0.5, 1.0, 0.0}});

  Tensor<T> mean_loss = binary_cross_entropy_with_logits(logits, target);
  CHECK(mean_loss.item() == Approx(0.6090233473760969).epsilon(kRelativeTolerance<T>));
  backward(mean_loss);
  check_close(logits.grad(), {{-0.0629234447996909, 0.04482357022833252, 0.09679951299631373},
                              {0.0, -0.007904312196261106, 0.07502766711458703}});
  check_close(target.grad(), {{-0.08333333333333333, 0.16666666666666666, -0.3333333333333333},
                              {-0.0, -0.5, 0.03333333333333333}});

  logits.zero_grad();
  target.zero_grad();
  Tensor<T> sum_loss = binary_cross_entropy_with_logits(logits, target, Reduction::sum);
  CHECK(sum_loss.item() == Approx(3.654140084256581).epsilon(kRelativeTolerance<T>));
  backward(sum_loss);
  check_close(logits.grad(), {{-0.3775406687981454, 0.2689414213699951, 0.5807970779778824},
                              {0.0, -0.047425873177566635, 0.45016600268752216}});
  check_close(target.grad(), {{-0.5, 1.0, -2.0}, {-0.0, -3.0, 0.2}});

  logits.zero_grad();
  target.zero_grad();
  Tensor<T> losses = binary_cross_entropy_with_logits(logits, target, Reduction::none);
  check_close(losses.value(), {{0.4740769841801067, 0.31326168751822286, 1.5269280110429726},
                               {0.6931471805599453, 0.048587351573741965, 0.5981388693815918}});
  backward(losses, Tensor<T>{{1.0, -1.0, 2.0}, {0.5, 0.0, 3.0}});
  check_close(logits.grad(), {{-0.3775406687981454, -0.2689414213699951, 1.1615941559557648},
                              {0.0, -0.0, 1.3504980080625666}});
  check_close(target.grad(), {{-0.5, -1.0, -4.0}, {-0.0, -0.0, 0.6000000000000001}});
}

TEMPLATE_TEST_CASE("binary_cross_entropy_with_logits at 1000 and inf", "[core][loss]", float,
                   double) {
  // By hand, per element: loss = max(x, 0) - x t + log(1 + e^-|x|), with e^-1000 = 0:
  // x = 1000, t = 1 -> 0; x = -1000, t = 0 -> 0; x = 1000, t = 0 -> 1000;
  // x = -1000, t = 1 -> 1000. Logit gradient sigmoid(x) - t = [0, 0, 1, -1].
  using T = TestType;
  Tensor<T> logits = parameter<T>({1000, -1000, 1000, -1000});
  Tensor<T> target = constant<T>({1, 0, 0, 1});

  Tensor<T> losses = binary_cross_entropy_with_logits(logits, target, Reduction::none);
  CHECK(losses.value() == Array<T>{0, 0, 1000, 1000});
  backward(losses, Tensor<T>{1, 1, 1, 1});
  CHECK(logits.grad() == Array<T>{0, 0, 1, -1});

  // Infinite logits that agree with their target give loss 0 and gradient 0, where
  // PyTorch 1.13 gives NaN for the loss:
  // F.binary_cross_entropy_with_logits(torch.tensor([inf, -inf]), torch.tensor([1., 0.]),
  //                                    reduction="none") -> tensor([nan, nan])
  Tensor<T> certain = parameter<T>({infinity<T>, -infinity<T>});
  Tensor<T> agreeing = constant<T>({1, 0});
  Tensor<T> loss = binary_cross_entropy_with_logits(certain, agreeing, Reduction::sum);
  CHECK(loss.item() == 0);
  backward(loss);
  CHECK(certain.grad() == Array<T>{0, 0});
}

TEMPLATE_TEST_CASE("binary_cross_entropy_with_logits rejects shapes", "[core][loss]", float,
                   double) {
  using T = TestType;
  Tensor<T> logits = parameter<T>({{0.5, -1.0}});
  Tensor<T> target = constant<T>({{1, 0}, {0, 1}});
  REQUIRE_THROWS_MATCHES(
      binary_cross_entropy_with_logits(logits, target), std::invalid_argument,
      Catch::Message("binary_cross_entropy_with_logits: logits has shape [1, 2] but target has "
                     "shape [2, 2]; the shapes must match exactly (no broadcasting)"));
}

namespace {

constexpr Reduction every_reduction[] = {Reduction::mean, Reduction::sum, Reduction::none};

// Returns a leaf that requires grad, with normal entries of the given spread.
Tensor<double> random_parameter(const Shape& shape, double stddev, Generator& generator) {
  return parameter<double>(normal<double>(shape, 0.0, stddev, generator).value());
}

}  // namespace

TEST_CASE("mse_loss finite differences", "[core][loss][gradcheck]") {
  Generator generator(41);
  for (const Shape& shape : {Shape{3}, Shape{2, 3}, Shape{2, 2, 2}}) {
    Tensor<double> prediction = random_parameter(shape, 1.0, generator);
    Tensor<double> target = random_parameter(shape, 1.0, generator);
    for (const Reduction reduction : every_reduction) {
      INFO("shape " << format_shape(shape) << ", reduction " << static_cast<int>(reduction));
      REQUIRE(
          check_gradients([reduction](const auto& in) { return mse_loss(in[0], in[1], reduction); },
                          {prediction, target}));
      // The target also enters the prediction, so its gradient has two paths.
      REQUIRE(check_gradients(
          [reduction](const auto& in) { return mse_loss(in[0] * in[1], in[1], reduction); },
          {prediction, target}));
    }
  }
}

TEST_CASE("binary_cross_entropy_with_logits finite differences", "[core][loss][gradcheck]") {
  Generator generator(42);
  for (const Shape& shape : {Shape{4}, Shape{2, 3}}) {
    for (const double spread : {2.0, 1000.0}) {
      Tensor<double> logits = random_parameter(shape, spread, generator);
      Tensor<double> target =
          parameter<double>(uniform<double>(shape, 0.0, 1.0, generator).value());
      for (const Reduction reduction : every_reduction) {
        INFO("shape " << format_shape(shape) << ", spread " << spread << ", reduction "
                      << static_cast<int>(reduction));
        REQUIRE(check_gradients(
            [reduction](const auto& in) {
              return binary_cross_entropy_with_logits(in[0], in[1], reduction);
            },
            {logits, target}));
      }
    }
  }
}
