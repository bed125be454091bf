// Softmax and log-softmax along any axis, with large and masked logits.
//
// Expected values come from Debian's PyTorch 1.13 in float64 (the snippet that
// printed them is above each test) or from hand computation shown in comments.
// Float runs compare with the float64 values at kRelativeTolerance<float>.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
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

}  // namespace

// import torch, torch.nn.functional as F
// x = torch.tensor([[1., 2., 3.], [-1., 0., 5.]], dtype=torch.float64, requires_grad=True)
// g = torch.tensor([[0.1, -0.2, 0.3], [0.5, 0.0, -1.0]], dtype=torch.float64)
// for f in (F.softmax, F.log_softmax):
//     for dim in (-1, 0):
//         x.grad = None; y = f(x, dim=dim); y.backward(g); print(y.tolist(), x.grad.tolist())
TEMPLATE_TEST_CASE("softmax matches PyTorch on both axes", "[core][loss]", float, double) {
  using T = TestType;
  const Tensor<T> upstream{{0.1, -0.2, 0.3}, {0.5, 0.0, -1.0}};

  Tensor<T> x = parameter<T>({{1, 2, 3}, {-1, 0, 5}});
  Tensor<T> last = softmax(x);
  check_close(last.value(), {{0.09003057317038045, 0.2447284710547976, 0.6652409557748218},
                             {0.0024561149044509535, 0.006676412513376451, 0.9908674725821726}});
  backward(last, upstream);
  check_close(x.grad(), {{-0.005368491552911496, -0.08801161435095449, 0.09338010590386599},
                         {0.0036587255697582647, 0.006607240974904132, -0.010265966544662383}});

  x.zero_grad();
  Tensor<T> first = softmax(x, 0);
  check_close(first.value(), {{0.8807970779778823, 0.8807970779778823, 0.11920292202211755},
                              {0.11920292202211755, 0.11920292202211755, 0.8807970779778823}});
  backward(first, upstream);
  check_close(x.grad(), {{-0.04199743416140259, -0.020998717080701335, 0.13649166102455842},
                         {0.04199743416140261, 0.0209987170807013, -0.1364916610245586}});
}

// Same snippet as the softmax test, with F.log_softmax.
TEMPLATE_TEST_CASE("log_softmax matches PyTorch on both axes", "[core][loss]", float, double) {
  using T = TestType;
  const Tensor<T> upstream{{0.1, -0.2, 0.3}, {0.5, 0.0, -1.0}};

  Tensor<T> x = parameter<T>({{1, 2, 3}, {-1, 0, 5}});
  Tensor<T> last = log_softmax(x, -1);
  check_close(last.value(), {{-2.4076059644443806, -1.4076059644443804, -0.4076059644443804},
                             {-6.0091744845917345, -5.0091744845917345, -0.009174484591734727}});
  backward(last, upstream);
  check_close(x.grad(), {{0.08199388536592392, -0.24894569421095952, 0.16695180884503563},
                         {0.5012280574522254, 0.003338206256688226, -0.5045662637089137}});

  x.zero_grad();
  Tensor<T> first = log_softmax(x, 0);
  check_close(first.value(), {{-0.1269280110429726, -0.1269280110429726, -2.1269280110429727},
                              {-2.1269280110429727, -2.1269280110429727, -0.1269280110429726}});
  backward(first, upstream);
  check_close(x.grad(), {{-0.42847824678672936, -0.023840584404423538, 0.38344204541548227},
                         {0.42847824678672947, 0.023840584404423507, -0.38344204541548244}});
}

// x3 = (torch.arange(12, dtype=torch.float64).reshape(2, 3, 2) * 0.5 - 2.0).requires_grad_()
// g3 = torch.tensor([[[1., 0.], [0., -1.], [0.5, 0.5]], [[-0.5, 2.], [1., 1.], [0., -2.]]],
//                   dtype=torch.float64)
// y = F.softmax(x3, dim=1); y.backward(g3); print(y.tolist(), x3.grad.tolist())
// x3.grad = None; y = F.log_softmax(x3, dim=1); y.backward(g3); print(x3.grad.tolist())
TEMPLATE_TEST_CASE("softmax along a middle axis", "[core][loss]", float, double) {
  // Axis 1 of [2, 3, 2]: lanes are strided, and there are outer and inner blocks.
  using T = TestType;
  Array<T> values = xt::arange<T>(12) * T(0.5) - T(2);
  values.reshape({2, 3, 2});
  const Tensor<T> upstream{{{1, 0}, {0, -1}, {0.5, 0.5}}, {{-0.5, 2}, {1, 1}, {0, -2}}};
  // Each lane is [a, a + 1, a + 2], so every lane has the probabilities of [0, 1, 2].
  const double p0 = 0.09003057317038046;
  const double p1 = 0.24472847105479764;
  const double p2 = 0.6652409557748218;

  Tensor<T> x = parameter<T>(values);
  Tensor<T> probabilities = softmax(x, 1);
  check_close(probabilities.value(),
              {{{p0, p0}, {p1, p1}, {p2, p2}}, {{p0, p0}, {p1, p1}, {p2, p2}}});
  backward(probabilities, upstream);
  check_close(x.grad(), {{{0.05197905679258377, -0.007912967752235166},
                          {-0.10343474551507649, -0.2662381475048809},
                          {0.05145568872249279, 0.2741511152571161}},
                         {{-0.0629955790526709, 0.26160114269945006},
                          {0.19585296877006586, 0.4663771614492389},
                          {-0.1328573897173949, -0.727978304148689}}});

  x.zero_grad();
  backward(log_softmax(x, -2), upstream);
  check_close(x.grad(), {{{0.8649541402444294, 0.04501528658519022},
                          {-0.36709270658219645, -0.8776357644726012},
                          {-0.4978614336622327, 0.8326204778874109}},
                         {{-0.5450152865851903, 1.9099694268296195},
                          {0.8776357644726012, 0.7552715289452023},
                          {-0.3326204778874109, -2.665240955774822}}});
}

TEMPLATE_TEST_CASE("softmax of logits at 1000", "[core][loss]", float, double) {
  // By hand: [1000, -1000, 0] -> [1, e^-2000, e^-1000], which rounds to [1, 0, 0], and
  // [1000, 1000, -1000] -> [1/2, 1/2, 0].
  using T = TestType;
  Tensor<T> x = parameter<T>({{1000, -1000, 0}, {1000, 1000, -1000}});
  Tensor<T> probabilities = softmax(x);
  REQUIRE(probabilities.value() == Array<T>{{1, 0, 0}, {0.5, 0.5, 0}});

  // dx = y * (g - sum(g * y)). In row 1, y = [1/2, 1/2, 0] and g = [1, 3, 5] give sum 2,
  // so dx = [1/2 * -1, 1/2 * 1, 0] = [-0.5, 0.5, 0]. Row 0, y = [1, 0, 0], gives 0.
  backward(probabilities, Tensor<T>{{1, 3, 5}, {1, 3, 5}});
  CHECK(x.grad() == Array<T>{{0, 0, 0}, {-0.5, 0.5, 0}});

  // log_softmax row 0 by hand: [0, -2000, -1000], exact in float and double.
  Tensor<T> log_probabilities = log_softmax(x);
  CHECK(log_probabilities.value()(0, 1) == -2000);
  CHECK(log_probabilities.value()(0, 2) == -1000);
  CHECK(all_finite(log_probabilities.value()));
}

TEMPLATE_TEST_CASE("softmax with -inf masks", "[core][loss]", float, double) {
  // By hand: softmax([0, -inf, 0]) = [1/2, 0, 1/2], softmax([-inf, 2, -inf]) = [0, 1, 0].
  using T = TestType;
  Tensor<T> x = parameter<T>({{0, -infinity<T>, 0}, {-infinity<T>, 2, -infinity<T>}});
  Tensor<T> probabilities = softmax(x);
  REQUIRE(probabilities.value() == Array<T>{{0.5, 0, 0.5}, {0, 1, 0}});

  // Row 0: dx = y * (g - sum(g * y)) with sum = (1 + 5) / 2 = 3 gives [-1, 0, 1].
  // Row 1: y = [0, 1, 0] gives [0, 3 - 3, 0]. Masked entries get exactly 0.
  backward(probabilities, Tensor<T>{{1, 3, 5}, {1, 3, 5}});
  CHECK(x.grad() == Array<T>{{-1, 0, 1}, {0, 0, 0}});
}

TEMPLATE_TEST_CASE("log_softmax with -inf masks", "[core][loss]", float, double) {
  // log_softmax([0, -inf, 0]) = [-log 2, -inf, -log 2]. Through nll_loss with target 2
  // the upstream is [0, 0, -1], so dx = g - softmax * sum(g) = [1/2, 0, -1/2].
  using T = TestType;
  const double log2 = std::log(2.0);
  Tensor<T> x = parameter<T>({{0, -infinity<T>, 0}});
  Tensor<T> log_probabilities = log_softmax(x);
  CHECK(log_probabilities.value()(0, 1) == -infinity<T>);
  check_close(log_probabilities.value(), {{-log2, -infinity<double>, -log2}});

  const std::vector<std::size_t> targets = {2};
  backward(nll_loss(log_probabilities, targets));
  CHECK(x.grad()(0, 1) == 0);
  check_close(x.grad(), {{0.5, 0, -0.5}});
}

TEMPLATE_TEST_CASE("softmax rejects a bad axis", "[core][loss]", float, double) {
  using T = TestType;
  Tensor<T> x = parameter<T>({{1, 2}, {3, 4}});
  REQUIRE_THROWS_MATCHES(
      softmax(x, 2), std::invalid_argument,
      Catch::Message("softmax: axis 2 is out of range for shape [2, 2]; pass an axis in "
                     "[-2, 1]"));
  Tensor<T> scalar = parameter<T>(Array<T>(T(1)));
  REQUIRE_THROWS_MATCHES(
      log_softmax(scalar), std::invalid_argument,
      Catch::Message("log_softmax: axis -1 is invalid for a 0-D tensor (shape []), which has "
                     "no axes; reshape it to [1] first"));
}

namespace {

// Returns a leaf that requires grad, with normal entries of the given spread.
Tensor<double> random_parameter(const Shape& shape, double stddev, Generator& generator) {
  return parameter<double>(normal<double>(shape, 0.0, stddev, generator).value());
}

}  // namespace

TEST_CASE("softmax finite differences on every axis", "[core][loss][gradcheck]") {
  Generator generator(21);
  for (const Shape& shape : {Shape{5}, Shape{1, 4}, Shape{3, 4}, Shape{2, 3, 4}}) {
    Tensor<double> x = random_parameter(shape, 2.0, generator);
    const auto rank = static_cast<std::int64_t>(shape.size());
    for (std::int64_t axis = -rank; axis < rank; ++axis) {
      INFO("x shape " << format_shape(shape) << ", axis " << axis);
      REQUIRE(check_gradients([axis](const auto& in) { return softmax(in[0], axis); }, {x}));
      REQUIRE(check_gradients([axis](const auto& in) { return log_softmax(in[0], axis); }, {x}));
    }
  }
}

TEST_CASE("softmax finite differences at 1000", "[core][loss][gradcheck]") {
  // Logits of spread 1000 put nearly all mass on one entry per row.
  Generator generator(22);
  Tensor<double> x = random_parameter({3, 4}, 1000.0, generator);
  REQUIRE(check_gradients([](const auto& in) { return softmax(in[0]); }, {x}));
  REQUIRE(check_gradients([](const auto& in) { return log_softmax(in[0]); }, {x}));
}

TEST_CASE("softmax finite differences with masks", "[core][loss][gradcheck]") {
  // The checker cannot perturb a -inf input, so a constant mask of 0 and -inf is added to
  // finite logits. A masked logit stays -inf when perturbed: its numeric gradient is 0, as
  // is the analytic one.
  const double masked = -std::numeric_limits<double>::infinity();
  const Tensor<double> mask = constant<double>({{0, masked, 0, 0}, {masked, 0, masked, 0}});
  Tensor<double> x = parameter<double>({{0.3, 1.5, -1.2, 0.8}, {0.7, 2.0, -0.1, -0.4}});
  REQUIRE(check_gradients([&mask](const auto& in) { return softmax(in[0] + mask); }, {x}));

  const std::vector<std::size_t> targets = {2, 3};
  REQUIRE(check_gradients(
      [&mask, &targets](const auto& in) { return nll_loss(log_softmax(in[0] + mask), targets); },
      {x}));
  REQUIRE(check_gradients(
      [&mask, &targets](const auto& in) { return cross_entropy(in[0] + mask, targets); }, {x}));
}
