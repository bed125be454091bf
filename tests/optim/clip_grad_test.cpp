// Gradient clipping by global norm and by value, against hand values.
//
// The gradients are g1 = [3, -4] and g2 = [[12, 0]], so by hand
//   L2 norm   = sqrt(9 + 16 + 144) = 13
//   L1 norm   = 3 + 4 + 12 = 19
//   max norm  = 12
// and clipping scales both by max_norm / (norm + 1e-6) when that is below 1,
// as torch.nn.utils.clip_grad_norm_ does.
#include <limits>
#include <vector>

#include <catch2/catch.hpp>

#include <tapegrad/optim/clip_grad.hpp>

#include "optim_test_support.hpp"

using namespace tapegrad;

namespace {

template <class T>
struct Gradients {
  Tensor<T> first = parameter<T>({1.0, 2.0});
  Tensor<T> second = parameter<T>({{5.0, 6.0}});
  /// No loss reaches this one, so it has no gradient.
  Tensor<T> without_grad = parameter<T>({1.0});

  /// Sets the gradients to `scale` times g1 and g2 above.
  explicit Gradients(T scale = 1) {
    const Tensor<T> c1 = constant<T>({T(3) * scale, T(-4) * scale});
    const Tensor<T> c2 = constant<T>({{T(12) * scale, T(0)}});
    backward(sum(c1 * first) + sum(c2 * second));
  }

  std::vector<Tensor<T>> parameters() const { return {first, second, without_grad}; }
};

template <class T>
constexpr double clip_tolerance() {
  return std::is_same_v<T, double> ? 1e-15 : 1e-6;
}

}  // namespace

TEMPLATE_TEST_CASE("clip_grad_norm scales above max", "[optim][clip]", float, double) {
  using T = TestType;
  Gradients<T> gradients;
  const double norm = clip_grad_norm(gradients.parameters(), 6.5);
  CHECK(norm == Approx(13.0).epsilon(clip_tolerance<T>()));

  const double coefficient = 6.5 / (13.0 + 1e-6);
  optim_test::check_close(gradients.first.grad(),
                          Array<double>{3 * coefficient, -4 * coefficient}, clip_tolerance<T>());
  optim_test::check_close(gradients.second.grad(), Array<double>{{12 * coefficient, 0}},
                          clip_tolerance<T>());
  CHECK_FALSE(gradients.without_grad.has_grad());
}

TEMPLATE_TEST_CASE("clip_grad_norm keeps small gradients", "[optim][clip]", float, double) {
  using T = TestType;
  Gradients<T> gradients;
  CHECK(clip_grad_norm(gradients.parameters(), 26.0) == Approx(13.0));
  CHECK(gradients.first.grad() == Array<T>{3, -4});
  CHECK(gradients.second.grad() == Array<T>{{12, 0}});
}

TEMPLATE_TEST_CASE("clip_grad_norm L1 and max norms", "[optim][clip]", float, double) {
  using T = TestType;
  {
    Gradients<T> gradients;
    CHECK(clip_grad_norm(gradients.parameters(), 9.5, 1.0) ==
          Approx(19.0).epsilon(clip_tolerance<T>()));
    const double coefficient = 9.5 / (19.0 + 1e-6);
    optim_test::check_close(gradients.second.grad(), Array<double>{{12 * coefficient, 0}},
                            clip_tolerance<T>());
  }
  {
    Gradients<T> gradients;
    const double infinity = std::numeric_limits<double>::infinity();
    CHECK(clip_grad_norm(gradients.parameters(), 6.0, infinity) == 12.0);
    const double coefficient = 6.0 / (12.0 + 1e-6);
    optim_test::check_close(gradients.first.grad(),
                            Array<double>{3 * coefficient, -4 * coefficient},
                            clip_tolerance<T>());
  }
}

TEMPLATE_TEST_CASE("clip_grad_norm zero gradient stays zero", "[optim][clip]", float, double) {
  using T = TestType;
  Gradients<T> gradients(0);
  CHECK(clip_grad_norm(gradients.parameters(), 1.0) == 0.0);
  CHECK(gradients.first.grad() == Array<T>{0, 0});
  CHECK(gradients.second.grad() == Array<T>{{0, 0}});
  // A zero max_norm zeroes the gradients, still without NaN.
  CHECK(clip_grad_norm(gradients.parameters(), 0.0) == 0.0);
  CHECK(gradients.first.grad() == Array<T>{0, 0});
}

TEST_CASE("clip_grad_norm with no gradients", "[optim][clip]") {
  const std::vector<Tensor<double>> parameters{parameter<double>({1.0, 2.0})};
  CHECK(clip_grad_norm(parameters, 1.0) == 0.0);
  CHECK_FALSE(parameters[0].has_grad());
}

TEMPLATE_TEST_CASE("clip_grad_value clamps entries", "[optim][clip]", float, double) {
  using T = TestType;
  Gradients<T> gradients;
  clip_grad_value(gradients.parameters(), 3.5);
  CHECK(gradients.first.grad() == Array<T>{3, -3.5});
  CHECK(gradients.second.grad() == Array<T>{{3.5, 0}});
  CHECK_FALSE(gradients.without_grad.has_grad());
}

TEST_CASE("clipping rejects invalid arguments", "[optim][clip]") {
  Gradients<double> gradients;
  CHECK_THROWS_WITH(clip_grad_norm(gradients.parameters(), -1.0),
                    "clip_grad_norm: max_norm must be >= 0, got -1");
  CHECK_THROWS_WITH(clip_grad_norm(gradients.parameters(), 1.0, 0.0),
                    "clip_grad_norm: norm_type must be > 0 or infinity, got 0");
  CHECK_THROWS_WITH(clip_grad_value(gradients.parameters(), -0.5),
                    "clip_grad_value: clip_value must be >= 0, got -0.5");
}
