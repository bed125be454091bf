// Loss functions: cross_entropy, nll_loss, mse_loss and
// binary_cross_entropy_with_logits, with every Reduction.
//
// Expected values come from Debian's PyTorch 1.13 in float64 (the snippet that
// printed them is above each test) or from hand computation shown in comments.
// Float runs compare with the float64 values at kRelativeTolerance<float>.
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <stdexcept>
#include <vector>

#include <xtensor/xbuilder.hpp>
#include <xtensor/xmath.hpp>

#include <tapegrad/core/core.hpp>

#include "close_to.hpp"

using namespace tapegrad;
using tapegrad::testing::check_close;
using tapegrad::testing::kRelativeTolerance;

namespace {

template <class T>
constexpr T infinity = std::numeric_limits<T>::infinity();

template <class T>
bool all_finite(const Array<T>& values) {
  return xt::all(xt::isfinite(values));
}

// Logits and targets of the PyTorch cross-entropy snippets below.
template <class T>
Tensor<T> three_row_logits() {
  return parameter<T>({{2.0, -1.0, 0.5, 0.0}, {0.1, 0.2, 3.0, -2.0}, {-0.5, 1.5, 0.3, 0.7}});
}
const std::vector<std::size_t> three_row_targets = {0, 2, 3};

}  // namespace

// logits = torch.tensor([[2.0, -1.0, 0.5, 0.0], [0.1, 0.2, 3.0, -2.0], [-0.5, 1.5, 0.3, 0.7]],
//                       dtype=torch.float64, requires_grad=True)
// t = torch.tensor([0, 2, 3])
// for red in ("mean", "sum"):
//     logits.grad = None; l = F.cross_entropy(logits, t, reduction=red); l.backward()
//     print(l.item(), logits.grad.tolist())
TEMPLATE_TEST_CASE("cross_entropy mean and sum match PyTorch", "[core][loss]", float, double) {
  using T = TestType;
  Tensor<T> logits = three_row_logits<T>();

  Tensor<T> mean_loss = cross_entropy(logits, three_row_targets);
  REQUIRE(mean_loss.dim() == 0);
  CHECK(mean_loss.item() == Approx(0.6307848368607831).epsilon(kRelativeTolerance<T>));
  backward(mean_loss);
  check_close(
      logits.grad(),
      {{-0.0966333590379419, 0.01178459780291629, 0.05281490317165991, 0.032033858063365735},
       {0.016338449505206392, 0.018056779239601563, -0.03639597691440725, 0.0020007481695992753},
       {0.023921074700605102, 0.1767541629094818, 0.05323733079972235, -0.25391256840980925}});

  logits.zero_grad();
  Tensor<T> sum_loss = cross_entropy(logits, three_row_targets, Reduction::sum);
  REQUIRE(sum_loss.dim() == 0);
  CHECK(sum_loss.item() == Approx(1.8923545105823494).epsilon(kRelativeTolerance<T>));
  backward(sum_loss);
  check_close(
      logits.grad(),
      {{-0.2899000771138257, 0.03535379340874887, 0.15844470951497974, 0.09610157419009721},
       {0.04901534851561918, 0.05417033771880469, -0.10918793074322175, 0.006002244508797826},
       {0.0717632241018153, 0.5302624887284454, 0.15971199239916706, -0.7617377052294277}});
}

// (same logits and t as above)
// l = F.cross_entropy(logits, t, reduction="none")
// l.backward(torch.tensor([1.0, -2.0, 0.5], dtype=torch.float64))
// print(l.tolist(), logits.grad.tolist())
TEMPLATE_TEST_CASE("cross_entropy without reduction", "[core][loss]", float, double) {
  using T = TestType;
  Tensor<T> logits = three_row_logits<T>();

  Tensor<T> losses = cross_entropy(logits, three_row_targets, Reduction::none);
  check_close(losses.value(), {0.342349582389822, 0.11562179490671844, 1.434383133285809});
  backward(losses, Tensor<T>{1.0, -2.0, 0.5});
  check_close(
      logits.grad(),
      {{-0.2899000771138257, 0.03535379340874887, 0.15844470951497974, 0.09610157419009721},
       {-0.09803069703123836, -0.10834067543760938, 0.2183758614864435, -0.012004489017595652},
       {0.03588161205090765, 0.2651312443642227, 0.07985599619958353, -0.38086885261471387}});
}

// one = torch.tensor([[0.3, -0.7, 1.1]], dtype=torch.float64, requires_grad=True)
// l = F.cross_entropy(one, torch.tensor([1])); l.backward(); print(l.item(), one.grad.tolist())
TEMPLATE_TEST_CASE("cross_entropy of a one-row batch", "[core][loss]", float, double) {
  using T = TestType;
  Tensor<T> logits = parameter<T>({{0.3, -0.7, 1.1}});
  const std::vector<std::size_t> targets = {1};

  Tensor<T> loss = cross_entropy(logits, targets);
  CHECK(loss.item() == Approx(2.2791044981327357).epsilon(kRelativeTolerance<T>));
  backward(loss);
  check_close(logits.grad(), {{0.27828639489053975, -0.8976241565620529, 0.6193377616715132}});
}

TEMPLATE_TEST_CASE("cross_entropy of logits at 1000", "[core][loss]", float, double) {
  // By hand. Row 0, [1000, -1000, 0] with target 1: log-sum-exp = 1000 + log(1 + e^-2000 +
  // e^-1000), which rounds to 1000, so the loss is 1000 - (-1000) = 2000; softmax is
  // [1, 0, 0]. Row 1, [-1000, 1000, 1000] with target 2: loss log 2, softmax [0, 1/2, 1/2].
  // Mean loss (2000 + log 2) / 2; gradient (softmax - onehot) / 2.
  using T = TestType;
  Tensor<T> logits = parameter<T>({{1000, -1000, 0}, {-1000, 1000, 1000}});
  const std::vector<std::size_t> targets = {1, 2};

  Tensor<T> loss = cross_entropy(logits, targets);
  CHECK(loss.item() == Approx(1000 + std::log(2.0) / 2).epsilon(kRelativeTolerance<T>));
  backward(loss);
  REQUIRE(all_finite(logits.grad()));
  CHECK(logits.grad() == Array<T>{{0.5, -0.5, 0}, {0, 0.25, -0.25}});

  Tensor<T> negated = parameter<T>({{-1000, 1000, -1000}});
  const std::vector<std::size_t> first = {0};
  Tensor<T> worst = cross_entropy(negated, first, Reduction::sum);
  CHECK(worst.item() == 2000);
  backward(worst);
  CHECK(negated.grad() == Array<T>{{-1, 1, 0}});
}

TEMPLATE_TEST_CASE("cross_entropy with -inf masks", "[core][loss]", float, double) {
  // By hand. Row 0, [0, -inf, 0] with target 0: softmax [1/2, 0, 1/2], loss log 2.
  // Row 1, [-inf, 1, -inf] with target 1: softmax [0, 1, 0], loss 0.
  // Mean gradient (softmax - onehot) / 2 = [[-1/4, 0, 1/4], [0, 0, 0]].
  using T = TestType;
  Tensor<T> logits = parameter<T>({{0, -infinity<T>, 0}, {-infinity<T>, 1, -infinity<T>}});
  const std::vector<std::size_t> targets = {0, 1};

  Tensor<T> loss = cross_entropy(logits, targets);
  CHECK(loss.item() == Approx(std::log(2.0) / 2).epsilon(kRelativeTolerance<T>));
  backward(loss);
  CHECK(logits.grad() == Array<T>{{-0.25, 0, 0.25}, {0, 0, 0}});
}

TEMPLATE_TEST_CASE("cross_entropy of reused logits", "[core][loss]", float, double) {
  // L = CE(x, [0]) + CE(x, [2]), both sums. By hand with x = [0, 0, 0] (softmax 1/3 each):
  // L = 2 log 3 and dL/dx = (p - e0) + (p - e2) = [-1/3, 2/3, -1/3].
  using T = TestType;
  Tensor<T> logits = parameter<T>({{0, 0, 0}});
  const std::vector<std::size_t> first = {0};
  const std::vector<std::size_t> last = {2};

  Tensor<T> loss =
      cross_entropy(logits, first, Reduction::sum) + cross_entropy(logits, last, Reduction::sum);
  CHECK(loss.item() == Approx(2 * std::log(3.0)).epsilon(kRelativeTolerance<T>));
  backward(loss);
  check_close(logits.grad(), {{-1.0 / 3, 2.0 / 3, -1.0 / 3}});
}

TEMPLATE_TEST_CASE("cross_entropy records one node", "[core][loss]", float, double) {
  using T = TestType;
  Tape<T>::current().clear();
  Tensor<T> logits = parameter<T>({{0.3, -0.7, 1.1}});
  const std::vector<std::size_t> targets = {1};

  Tensor<T> loss = cross_entropy(logits, targets);
  CHECK(Tape<T>::current().size() == 1);

  // Constant logits record nothing and give the same value.
  Tensor<T> fixed = constant<T>({{0.3, -0.7, 1.1}});
  Tensor<T> same = cross_entropy(fixed, targets);
  CHECK(Tape<T>::current().size() == 1);
  CHECK(same.item() == loss.item());
  Tape<T>::current().clear();
}

TEMPLATE_TEST_CASE("cross_entropy rejects bad targets", "[core][loss]", float, double) {
  using T = TestType;
  Tensor<T> logits = three_row_logits<T>();

  const std::vector<std::size_t> out_of_range = {0, 4, 1};
  REQUIRE_THROWS_MATCHES(
      cross_entropy(logits, out_of_range), std::invalid_argument,
      Catch::Message("cross_entropy: target 4 at position 1 is out of range for logits of "
                     "shape [3, 4]; class indices must be in [0, 4)"));

  const std::vector<std::size_t> too_few = {0, 1};
  REQUIRE_THROWS_MATCHES(
      cross_entropy(logits, too_few), std::invalid_argument,
      Catch::Message("cross_entropy: got 2 targets for logits of shape [3, 4]; pass one class "
                     "index per row (3)"));

  Tensor<T> vector = parameter<T>({1, 2, 3});
  const std::vector<std::size_t> single_target = {0};
  REQUIRE_THROWS_MATCHES(
      cross_entropy(vector, single_target), std::invalid_argument,
      Catch::Message("cross_entropy: logits must have shape [N, C], got [3]; reshape one "
                     "sample to [1, C]"));

  Tensor<T> empty = parameter<T>(xt::zeros<T>({0, 4}));
  const std::vector<std::size_t> none;
  REQUIRE_THROWS_MATCHES(
      cross_entropy(empty, none), std::invalid_argument,
      Catch::Message("cross_entropy: the mean over logits of shape [0, 4] is undefined, "
                     "because it is empty; use Reduction::sum or Reduction::none"));
  CHECK(cross_entropy(empty, none, Reduction::sum).item() == 0);
  CHECK(to_shape(cross_entropy(empty, none, Reduction::none).shape()) == Shape{0});
}

TEMPLATE_TEST_CASE("nll_loss with every reduction", "[core][loss]", float, double) {
  // By hand: log_probs [[-0.5, -1.2, -2.0], [-0.1, -3.0, -2.5]], targets [2, 0].
  // Losses [2.0, 0.1]: mean 1.05, sum 2.1. d/d log_probs is -1 (sum), -1/2 (mean), or
  // -upstream (none) at each target and 0 elsewhere.
  using T = TestType;
  Tensor<T> log_probs = parameter<T>({{-0.5, -1.2, -2.0}, {-0.1, -3.0, -2.5}});
  const std::vector<std::size_t> targets = {2, 0};

  Tensor<T> mean_loss = nll_loss(log_probs, targets);
  CHECK(mean_loss.item() == Approx(1.05).epsilon(kRelativeTolerance<T>));
  backward(mean_loss);
  CHECK(log_probs.grad() == Array<T>{{0, 0, -0.5}, {-0.5, 0, 0}});

  log_probs.zero_grad();
  Tensor<T> sum_loss = nll_loss(log_probs, targets, Reduction::sum);
  CHECK(sum_loss.item() == Approx(2.1).epsilon(kRelativeTolerance<T>));
  backward(sum_loss);
  CHECK(log_probs.grad() == Array<T>{{0, 0, -1}, {-1, 0, 0}});

  log_probs.zero_grad();
  Tensor<T> losses = nll_loss(log_probs, targets, Reduction::none);
  CHECK(losses.value() == Array<T>{2.0, 0.1});
  backward(losses, Tensor<T>{2, -1});
  CHECK(log_probs.grad() == Array<T>{{0, 0, -2}, {1, 0, 0}});
}

TEMPLATE_TEST_CASE("nll_loss of log_softmax equals cross_entropy", "[core][loss]", float, double) {
  using T = TestType;
  Tensor<T> logits = three_row_logits<T>();
  Tensor<T> composed = nll_loss(log_softmax(logits), three_row_targets);
  // The mean from the cross_entropy PyTorch snippet above.
  CHECK(composed.item() == Approx(0.6307848368607831).epsilon(kRelativeTolerance<T>));
  backward(composed);
  const Array<T> composed_grad = logits.grad();

  logits.zero_grad();
  backward(cross_entropy(logits, three_row_targets));
  check_close(logits.grad(), xt::cast<double>(composed_grad));
}

TEMPLATE_TEST_CASE("nll_loss rejects bad targets", "[core][loss]", float, double) {
  using T = TestType;
  Tensor<T> log_probs = parameter<T>({{-0.5, -1.2, -2.0}});
  const std::vector<std::size_t> targets = {3};
  REQUIRE_THROWS_MATCHES(
      nll_loss(log_probs, targets), std::invalid_argument,
      Catch::Message("nll_loss: target 3 at position 0 is out of range for log_probs of shape "
                     "[1, 3]; class indices must be in [0, 3)"));
  const std::vector<std::size_t> too_many = {0, 1};
  REQUIRE_THROWS_MATCHES(
      nll_loss(log_probs, too_many, Reduction::sum), std::invalid_argument,
      Catch::Message("nll_loss: got 2 targets for log_probs of shape [1, 3]; pass one class "
                     "index per row (1)"));
}

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
