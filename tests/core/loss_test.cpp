// Losses against class targets, cross_entropy and nll_loss, with every
// Reduction.
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

namespace {

constexpr Reduction every_reduction[] = {Reduction::mean, Reduction::sum, Reduction::none};

// Returns a leaf that requires grad, with normal entries of the given spread.
Tensor<double> random_parameter(const Shape& shape, double stddev, Generator& generator) {
  return parameter<double>(normal<double>(shape, 0.0, stddev, generator).value());
}

// Returns `count` class indices drawn uniformly from [0, classes).
std::vector<std::size_t> random_targets(std::size_t count, std::size_t classes,
                                        Generator& generator) {
  std::vector<std::size_t> targets(count);
  for (std::size_t& target : targets) {
    target = static_cast<std::size_t>(generator.below(classes));
  }
  return targets;
}

}  // namespace

TEST_CASE("cross_entropy finite differences", "[core][loss][gradcheck]") {
  Generator generator(31);
  for (const Shape& shape : {Shape{1, 3}, Shape{4, 5}, Shape{3, 2}}) {
    for (const double spread : {1.0, 1000.0}) {
      Tensor<double> logits = random_parameter(shape, spread, generator);
      const std::vector<std::size_t> targets = random_targets(shape[0], shape[1], generator);
      for (const Reduction reduction : every_reduction) {
        INFO("logits shape " << format_shape(shape) << ", spread " << spread << ", reduction "
                             << static_cast<int>(reduction));
        REQUIRE(check_gradients(
            [&targets, reduction](const auto& in) {
              return cross_entropy(in[0], targets, reduction);
            },
            {logits}));
      }
    }
  }
}

TEST_CASE("cross_entropy finite differences with reuse", "[core][loss][gradcheck]") {
  // The logits feed the loss twice, once through a product with themselves.
  Generator generator(32);
  Tensor<double> logits = random_parameter({3, 4}, 1.0, generator);
  const std::vector<std::size_t> targets = {1, 0, 3};
  REQUIRE(check_gradients(
      [&targets](const auto& in) {
        return cross_entropy(in[0], targets) + cross_entropy(in[0] * in[0], targets);
      },
      {logits}));
}

TEST_CASE("nll_loss finite differences", "[core][loss][gradcheck]") {
  Generator generator(33);
  for (const Shape& shape : {Shape{1, 3}, Shape{4, 5}}) {
    Tensor<double> log_probs = random_parameter(shape, 1.0, generator);
    const std::vector<std::size_t> targets = random_targets(shape[0], shape[1], generator);
    for (const Reduction reduction : every_reduction) {
      INFO("log_probs shape " << format_shape(shape) << ", reduction "
                              << static_cast<int>(reduction));
      REQUIRE(check_gradients(
          [&targets, reduction](const auto& in) { return nll_loss(in[0], targets, reduction); },
          {log_probs}));
    }
  }
}
