// The gradient checker: verdicts on correct and wrong gradients, kinks, the
// report, and what the checker must leave untouched.
#include <catch2/catch.hpp>

#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <tapegrad/core/accumulate.hpp>
#include <tapegrad/core/core.hpp>
#include <tapegrad/core/custom_op.hpp>

using namespace tapegrad;

namespace {

// y = x, with a backward that multiplies the gradient by `scale`: a scale of
// 1.1 is a gradient 10% too large.
template <class T>
void scaled_identity_backward(Node<T>& node, Array<T>& grad_out) {
  accumulate_grad(node.in[0], grad_out * static_cast<T>(node.attributes.scalar));
}

template <class T>
Tensor<T> scaled_identity(const Tensor<T>& x, double scale) {
  NodeAttributes attributes;
  attributes.scalar = scale;
  const Tensor<T>* inputs[] = {&x};
  return Tape<T>::current().record("scaled_identity", Array<T>(x.value()),
                                   scaled_identity_backward<T>, inputs, attributes);
}

// y = x, with a backward that reverses the gradient's entries. It is right
// only when every upstream entry is equal, as with an all-ones upstream.
template <class T>
void reversed_identity_backward(Node<T>& node, Array<T>& grad_out) {
  Array<T> reversed = grad_out;
  std::reverse(reversed.begin(), reversed.end());
  accumulate_grad(node.in[0], std::move(reversed));
}

template <class T>
Tensor<T> reversed_identity(const Tensor<T>& x) {
  const Tensor<T>* inputs[] = {&x};
  return Tape<T>::current().record("reversed_identity", Array<T>(x.value()),
                                   reversed_identity_backward<T>, inputs);
}

// A smooth activation built from elementwise ops: z / (1 + z^2).
template <class T>
Tensor<T> soft_activation(const Tensor<T>& z) {
  return z / (z * z + T(1));
}

// A two-layer float model whose forward only accepts float tensors.
struct FloatModel {
  Tensor<float> w1;
  Tensor<float> b1;
  Tensor<float> w2;
  Tensor<float> b2;

  FloatModel(std::size_t in, std::size_t hidden, std::size_t out, Generator& generator)
      : w1(parameter(normal<float>({hidden, in}, 0.0f, 0.5f, generator).value())),
        b1(parameter(normal<float>({hidden}, 0.0f, 0.1f, generator).value())),
        w2(parameter(normal<float>({out, hidden}, 0.0f, 0.5f, generator).value())),
        b2(parameter(normal<float>({out}, 0.0f, 0.1f, generator).value())) {}

  Tensor<float> forward(const Tensor<float>& x) const {
    const Tensor<float> hidden = soft_activation(matmul(x, w1, Transpose::rhs) + b1);
    return matmul(hidden, w2, Transpose::rhs) + b2;
  }
};

std::string first_line(const GradCheckReport& report) {
  std::ostringstream text;
  text << report;
  return text.str().substr(0, text.str().find('\n'));
}

}  // namespace

// Tolerances of checks on values printed or computed by the checker.
constexpr double exact_tolerance = 1e-12;

TEST_CASE("gradcheck passes correct double ops", "[core][gradcheck]") {
  Tensor<double> x = parameter<double>({{1.0, -2.0, 0.5}, {3.0, 0.25, -1.5}});
  Tensor<double> w = parameter<double>({{0.5, -1.0}, {2.0, 0.75}, {-0.3, 1.2}});
  Tensor<double> b = parameter<double>({0.1, -0.2});
  Tensor<double> scale = parameter<double>({{1.5, -0.5}, {2.0, 0.25}});

  const auto report = check_gradients(
      [](const auto& in) { return soft_activation(matmul(in[0], in[1]) + in[2]) * in[3]; },
      {x, w, b, scale});

  REQUIRE(report);
  CHECK(report.checked_entries == 6 + 6 + 2 + 4);
  CHECK(report.failed_entries == 0);
  CHECK(report.kinks.empty());
  CHECK(std::string(report.input_type) == "double");
  CHECK(std::string(report.numeric_type) == "double");
  CHECK(report.atol == 1e-5);
  CHECK(report.rtol == 1e-3);
  CHECK(report.step == 1e-6);
  CHECK(report.seed == 42);
}

TEST_CASE("gradcheck promotes float generic lambdas", "[core][gradcheck]") {
  for (std::uint64_t seed = 0; seed < 20; ++seed) {
    Generator generator(seed);
    Tensor<float> x = parameter(normal<float>({8, 4}, 0.0f, 1.0f, generator).value());
    Tensor<float> w = parameter(normal<float>({16, 4}, 0.0f, 0.5f, generator).value());
    Tensor<float> b = parameter(normal<float>({16}, 0.0f, 0.1f, generator).value());

    const auto report = check_gradients(
        [](const auto& in) {
          return soft_activation(matmul(in[0], in[1], Transpose::rhs) + in[2]);
        },
        {x, w, b}, {.seed = seed});

    INFO("model seed " << seed);
    REQUIRE(report);
    CHECK(std::string(report.input_type) == "float");
    CHECK(std::string(report.numeric_type) == "double");
    CHECK(report.atol == 1e-4);
    CHECK(report.step == 1e-6);
  }
}

TEST_CASE("gradcheck passes float-only models", "[core][gradcheck]") {
  for (std::uint64_t seed = 0; seed < 20; ++seed) {
    Generator generator(seed);
    FloatModel model(4, 16, 3, generator);
    Tensor<float> x = parameter(normal<float>({8, 4}, 0.0f, 1.0f, generator).value());

    const auto report = check_gradients(
        [&model](const std::vector<Tensor<float>>& in) { return model.forward(in[0]); },
        {x, model.w1, model.b1, model.w2, model.b2}, {.seed = seed});

    INFO("model seed " << seed);
    REQUIRE(report);
    CHECK(std::string(report.numeric_type) == "float");
    CHECK(report.step == 3e-3);
    CHECK(report.rtol == 1e-2);
  }
}

TEST_CASE("gradcheck catches 10% wrong gradients", "[core][gradcheck]") {
  // d/dx of x^2 is 2x, and the scaled identity makes the tape report 2.2x.
  SECTION("double") {
    Tensor<double> x = parameter<double>({0.5, -1.25, 2.0});
    const auto report =
        check_gradients([](const auto& in) { return scaled_identity(in[0] * in[0], 1.1); }, {x});
    CHECK_FALSE(report);
    CHECK(report.failed_entries == 3);
  }
  SECTION("float promoted to double") {
    Tensor<float> x = parameter<float>({0.5f, -1.25f, 2.0f});
    const auto report =
        check_gradients([](const auto& in) { return scaled_identity(in[0] * in[0], 1.1); }, {x});
    CHECK_FALSE(report);
    CHECK(std::string(report.numeric_type) == "double");
    CHECK(report.failed_entries == 3);
  }
  SECTION("float only") {
    Tensor<float> x = parameter<float>({0.5f, -1.25f, 2.0f});
    const auto report = check_gradients(
        [](const std::vector<Tensor<float>>& in) { return scaled_identity(in[0] * in[0], 1.1); },
        {x});
    CHECK_FALSE(report);
    CHECK(std::string(report.numeric_type) == "float");
    CHECK(report.failed_entries == 3);
  }
  SECTION("inside a float model") {
    // The wrong op sits on w1 of a float-only model, so only w1 entries fail.
    Generator generator(3);
    FloatModel model(4, 8, 3, generator);
    Tensor<float> x = constant(normal<float>({5, 4}, 0.0f, 1.0f, generator).value());
    const auto report = check_gradients(
        [&](const std::vector<Tensor<float>>&) {
          const Tensor<float> hidden = soft_activation(
              matmul(x, scaled_identity(model.w1, 1.1), Transpose::rhs) + model.b1);
          return matmul(hidden, model.w2, Transpose::rhs) + model.b2;
        },
        {model.w1, model.b1, model.w2, model.b2});
    CHECK_FALSE(report);
    CHECK(report.worst.input == 0);
    CHECK(report.inputs[0].failed > 0);
    CHECK(report.inputs[1].failed == 0);
    CHECK(report.inputs[2].failed == 0);
    CHECK(report.inputs[3].failed == 0);
  }
}

TEST_CASE("gradcheck report names the worst entry", "[core][gradcheck]") {
  // L = sum(1.1-scaled identity of x, times c): the tape gives 1.1 c, the
  // true gradient is c. The error 0.1 c against atol + rtol c = 1e-5 + 1e-3 c
  // is largest relative to the tolerance for the largest c, 10 at [1, 1]:
  // analytic 11, numeric 10, abs error 1, rel error 1 / 11 = 0.0909.
  Tensor<double> x = parameter<double>({{0.5, -1.0, 2.0}, {1.5, 0.25, -3.0}});
  Tensor<double> c = constant<double>({{1, 2, 3}, {4, 10, 5}});

  const auto report = check_gradients(
      [](const auto& in) { return sum(scaled_identity(in[0], 1.1) * in[1]); }, {x, c});

  REQUIRE_FALSE(report);
  CHECK(report.worst.input == 0);
  CHECK(report.worst.index == Shape{1, 1});
  CHECK(report.worst.analytic == Approx(11.0).epsilon(exact_tolerance));
  CHECK(report.worst.numeric == Approx(10.0).epsilon(1e-8));
  CHECK(report.worst.abs_error == Approx(1.0).epsilon(1e-8));
  CHECK(report.worst.rel_error == Approx(1.0 / 11.0).epsilon(1e-8));
  CHECK(report.failed_entries == 6);
  CHECK(report.checked_entries == 6);
  CHECK_FALSE(report.inputs[1].checked);
  REQUIRE(report.failures.size() == 6);
  CHECK(report.failures[1].index == Shape{1, 2});

  std::ostringstream text;
  text << report;
  CHECK(first_line(report) ==
        "gradient check FAILED: input 0 [1, 1]: analytic 11, numeric 10, abs error 1, rel error "
        "0.0909 (atol 1e-5, rtol 1e-3, step 1e-6), 6 of 6 entries failed, seed 42");
  CHECK_THAT(text.str(), Catch::Contains("\n  analytic in double, numeric in double\n"));
  CHECK_THAT(text.str(), Catch::Contains("\n  input 0 [2, 3]: 6 entries, 6 failed, 0 kinks"));
  CHECK_THAT(text.str(), Catch::Contains("\n  input 1 [2, 3]: not checked (requires no grad)"));
  CHECK_THAT(text.str(), Catch::Contains("\n  failed input 0 [1, 2]: analytic 5.5, numeric 5,"));
  CHECK_THAT(text.str(), Catch::Contains("\n  ... and 1 more failed entry"));
}

TEST_CASE("gradcheck fails a wrong custom op", "[core][gradcheck]") {
  // y = x^3 with the derivative written as 2 x^2 instead of 3 x^2. For
  // L = sum(y) at x = [1, -2, 0.5] the tape gives [2, 8, 0.5] and the truth is
  // [3, 12, 0.75]. Errors over allowed errors (1e-5 + 1e-3 * numeric) are
  // 1 / 3.01e-3 = 332, 4 / 12.01e-3 = 333 and 0.25 / 0.76e-3 = 329, so the
  // worst entry is [1]: abs error 4, rel error 4 / 12.
  const auto wrong_cube = [](const Tensor<double>& x) {
    Array<double> value = x.value() * x.value() * x.value();
    return custom_op<double>("wrong_cube", std::move(value), {x},
                             [x](const Array<double>& grad_out) {
                               return std::vector<Array<double>>{2.0 * x.value() * x.value() *
                                                                 grad_out};
                             });
  };
  Tensor<double> x = parameter<double>({1.0, -2.0, 0.5});

  const auto report = check_gradients(
      [&](const std::vector<Tensor<double>>& in) { return sum(wrong_cube(in[0])); }, {x});

  REQUIRE_FALSE(report);
  CHECK(report.failed_entries == 3);
  CHECK(report.worst.input == 0);
  CHECK(report.worst.index == Shape{1});
  CHECK(report.worst.analytic == Approx(8.0).epsilon(exact_tolerance));
  CHECK(report.worst.numeric == Approx(12.0).epsilon(1e-8));
  CHECK(report.worst.abs_error == Approx(4.0).epsilon(1e-8));
  CHECK(report.worst.rel_error == Approx(1.0 / 3.0).epsilon(1e-8));
  CHECK_THAT(first_line(report),
             Catch::StartsWith("gradient check FAILED: input 0 [1]: analytic 8, numeric 12, "
                               "abs error 4, rel error 0.333 (atol 1e-5, rtol 1e-3, step 1e-6), "
                               "3 of 3 entries failed"));
}

TEST_CASE("gradcheck uses a random upstream", "[core][gradcheck]") {
  // Reversing the gradient is right only for an upstream with equal entries.
  Tensor<double> x = parameter<double>({1.0, 2.0, 3.0, 4.0});
  const auto reversed = [](const auto& in) { return reversed_identity(in[0]); };

  const auto report = check_gradients(reversed, {x});
  CHECK_FALSE(report);

  // A one-element output has the upstream 1, where reversing changes nothing.
  Tensor<double> single = parameter<double>({5.0});
  CHECK(check_gradients(reversed, {single}));
}

TEST_CASE("gradcheck seed fixes the upstream", "[core][gradcheck]") {
  Tensor<double> x = parameter<double>({1.0, 2.0, 3.0, 4.0});
  const auto reversed = [](const auto& in) { return reversed_identity(in[0]); };

  const auto first = check_gradients(reversed, {x}, {.seed = 7});
  const auto again = check_gradients(reversed, {x}, {.seed = 7});
  const auto other = check_gradients(reversed, {x}, {.seed = 8});

  CHECK(first.seed == 7);
  CHECK(first.worst.analytic == again.worst.analytic);
  CHECK(first.worst.numeric == again.worst.numeric);
  CHECK(first.worst.analytic != other.worst.analytic);
}

TEST_CASE("gradcheck reports relu at 0 as a kink", "[core][gradcheck]") {
  // At x = 0 the one-sided differences of relu are 0 (left) and r (right),
  // and the tape's relu'(0) = 0 lies between them.
  Tensor<double> x = parameter<double>({-1.0, 0.0, 2.0});
  const auto report = check_gradients([](const auto& in) { return relu(in[0]); }, {x});

  REQUIRE(report);
  REQUIRE(report.kinks.size() == 1);
  CHECK(report.kinks[0].index == Shape{1});
  CHECK(report.kinks[0].kink);
  CHECK(report.kinks[0].analytic == 0.0);
  CHECK(report.kinks[0].left == Approx(0.0).margin(exact_tolerance));
  CHECK(report.kinks[0].right != Approx(0.0).margin(0.1));
  CHECK(report.inputs[0].kinks == 1);
  CHECK(report.failed_entries == 0);

  std::ostringstream text;
  text << report;
  CHECK_THAT(text.str(), Catch::Contains("1 kink,"));
  CHECK_THAT(text.str(), Catch::Contains("\n  kink at input 0 [1]: analytic 0 lies between"));
}

TEST_CASE("gradcheck reports float relu kinks", "[core][gradcheck]") {
  Tensor<float> x = parameter<float>({0.0f, 1.5f});
  const auto only_float = [](const std::vector<Tensor<float>>& in) { return relu(in[0]); };

  const auto report = check_gradients(only_float, {x});

  REQUIRE(report);
  REQUIRE(report.kinks.size() == 1);
  CHECK(report.kinks[0].index == Shape{0});
}

TEST_CASE("gradcheck fails a subgradient outside", "[core][gradcheck]") {
  // relu(x) + 3x - x, with the tape seeing 3x through a wrong op: at x = 0 the
  // one-sided slopes of the true function relu(x) are 0 and 1, but the tape
  // reports 0 + 3 - 1 = 2, outside them.
  Tensor<double> x = parameter<double>({0.0});
  const auto report = check_gradients(
      [](const auto& in) { return relu(in[0]) + scaled_identity(in[0], 3.0) - in[0]; }, {x});

  CHECK_FALSE(report);
  CHECK(report.kinks.empty());
  CHECK(report.worst.analytic == 2.0);
}

TEST_CASE("gradcheck treats maximum ties as smooth", "[core][gradcheck]") {
  // At a tie the tape splits the gradient half and half, which is exactly the
  // central difference, so the entry passes without being called a kink.
  Tensor<double> a = parameter<double>({1.0, 2.0});
  Tensor<double> b = parameter<double>({1.0, -1.0});
  const auto report = check_gradients([](const auto& in) { return maximum(in[0], in[1]); }, {a, b});

  CHECK(report);
  CHECK(report.kinks.empty());
}

TEST_CASE("gradcheck catches a detached path", "[core][gradcheck]") {
  // The function cuts x off the tape, so the tape's gradient is 0 while the
  // true one is 2.
  Tensor<double> x = parameter<double>({1.0, -2.0});
  const auto report = check_gradients([](const auto& in) { return in[0].detach() * 2.0; }, {x});

  CHECK_FALSE(report);
  CHECK(report.worst.analytic == 0.0);
  CHECK(report.failed_entries == 2);
}

TEST_CASE("gradcheck leaves inputs and tape alone", "[core][gradcheck]") {
  Tape<double>& tape = Tape<double>::current();
  tape.clear();
  Tensor<double> x = parameter<double>({0.5, -1.5, 2.0});
  backward(sum(x * x));
  const Array<double> stored_grad = x.grad();  // 2x = [1, -3, 4]
  const Array<double> value = x.value();
  const auto version = x.impl().version;
  const Tensor<double> pending = x * 3.0;  // a node recorded before the check
  const std::size_t size = tape.size();
  const std::size_t bytes = tape.bytes();

  const auto report =
      check_gradients([](const auto& in) { return soft_activation(in[0] * in[0]); }, {x});

  REQUIRE(report);
  CHECK(x.value() == value);
  CHECK(x.impl().version == version);
  CHECK(x.grad() == stored_grad);
  CHECK(tape.size() == size);
  CHECK(tape.bytes() == bytes);

  // The node recorded before the check is still live: its backward adds 3.
  backward(sum(pending));
  CHECK(x.grad() == Array<double>{4.0, 0.0, 7.0});
  CHECK(tape.size() == 0);
}

TEST_CASE("gradcheck perturbs captured parameters", "[core][gradcheck]") {
  // The function reads w through its own captured handle, not through the
  // argument, so only an in-place perturbation moves its output. The true
  // gradient d/dw w^2 / (1 + w^4) = 2w (1 - w^4) / (1 + w^4)^2 is 0.830,
  // -0.592 and -0.208 here, so a numeric side that missed the perturbation
  // (all zeros) would fail.
  Tensor<float> w = parameter<float>({0.5f, -0.75f, 2.0f});
  const auto report = check_gradients(
      [w](const std::vector<Tensor<float>>&) { return sum(soft_activation(w * w)); }, {w});

  REQUIRE(report);
  CHECK(std::string(report.numeric_type) == "float");
}

TEST_CASE("gradcheck restores values after a throw", "[core][gradcheck]") {
  Tape<double>& tape = Tape<double>::current();
  tape.clear();
  Tensor<double> x = parameter<double>({0.5, -1.5, 2.0});
  const Array<double> value = x.value();

  SECTION("during the numeric evaluations") {
    int calls = 0;
    const auto throws_third_time = [&calls](const std::vector<Tensor<double>>& in) {
      if (++calls == 3) {
        throw std::runtime_error("function failed");
      }
      return in[0] * in[0];
    };
    CHECK_THROWS_AS(check_gradients(throws_third_time, {x}), std::runtime_error);
    CHECK(calls == 3);
  }
  SECTION("during the taped evaluation") {
    const auto records_then_throws = [](const std::vector<Tensor<double>>& in) {
      const Tensor<double> squared = in[0] * in[0];
      throw std::runtime_error("function failed");
      return squared;
    };
    CHECK_THROWS_AS(check_gradients(records_then_throws, {x}), std::runtime_error);
  }
  CHECK(x.value() == value);
  CHECK(x.impl().version == 0);
  CHECK_FALSE(x.has_grad());
  CHECK(tape.size() == 0);
  CHECK(tape.bytes() == 0);
}

TEST_CASE("gradcheck rejects invalid calls", "[core][gradcheck]") {
  Tensor<double> x = parameter<double>({1.0, 2.0});
  const auto square = [](const auto& in) { return in[0] * in[0]; };

  SECTION("no input requires grad") {
    CHECK_THROWS_WITH(check_gradients(square, {constant<double>({1.0})}),
                      Catch::Contains("no input requires grad"));
  }
  SECTION("an input is not a leaf") {
    const Tensor<double> doubled = x * 2.0;
    CHECK_THROWS_WITH(check_gradients(square, {doubled}),
                      Catch::Contains("input 0 is the result of an op"));
    Tape<double>::current().clear();
  }
  SECTION("an input is passed twice") {
    CHECK_THROWS_WITH(check_gradients(square, {x, x}),
                      Catch::Contains("input 1 is the same tensor as input 0"));
  }
  SECTION("an input is an empty handle") {
    CHECK_THROWS_AS(check_gradients(square, {x, Tensor<double>()}), std::invalid_argument);
  }
  SECTION("grad mode is off") {
    NoGradGuard no_grad;
    CHECK_THROWS_AS(check_gradients(square, {x}), std::logic_error);
  }
  SECTION("the output shape changes") {
    // At x[0] = 1 the output is the 0-D sum, but at 1 + h it is x * x, [2].
    const auto shape_follows_value = [](const std::vector<Tensor<double>>& in) {
      return in[0].value()[0] > 1.0 ? in[0] * in[0] : sum(in[0]);
    };
    CHECK_THROWS_WITH(check_gradients(shape_follows_value, {x}),
                      Catch::Contains("returned shape [] on the tape but [2]"));
  }
}
