// Tests of custom_op: recording, gradient routing and checks on what the
// user's backward returns. Every expected value is computed by hand in the
// comment beside it, and every one is exact in binary floating point.
#include <catch2/catch.hpp>

#include <cstddef>
#include <stdexcept>

#include <xtensor/xreducer.hpp>

#include <tapegrad/core/core.hpp>

using namespace tapegrad;

namespace {

// y = x^3 with dy/dx = 3 x^2, the example in custom_op.hpp.
template <class T>
Tensor<T> cube(const Tensor<T>& x) {
  Array<T> value = x.value() * x.value() * x.value();
  return custom_op<T>("cube", std::move(value), {x}, [x](const Array<T>& grad_out) {
    return std::vector<Array<T>>{T(3) * x.value() * x.value() * grad_out};
  });
}

// f(a, b, c) = a * b + c for a, b of shape [2] and a 0-D c:
// df/da = b, df/db = a, df/dc = 1 summed over the broadcast.
template <class T>
Tensor<T> multiply_add(const Tensor<T>& a, const Tensor<T>& b, const Tensor<T>& c) {
  Array<T> value = a.value() * b.value() + c.value();
  return custom_op<T>("multiply_add", std::move(value), {a, b, c},
                      [a, b](const Array<T>& grad_out) {
                        Array<T> dc = xt::sum(grad_out);
                        return std::vector<Array<T>>{grad_out * b.value(), grad_out * a.value(),
                                                     dc};
                      });
}

}  // namespace

TEMPLATE_TEST_CASE("custom op cube hand values", "[core][custom_op]", float, double) {
  using T = TestType;
  Tensor<T> x = parameter<T>({1, 2, -3});
  // Test cases whose backward raised leave their nodes on this thread's tape.
  const std::size_t nodes_before = Tape<T>::current().size();

  Tensor<T> y = cube(x);
  // y = [1, 8, -27]; d sum(y)/dx = 3 x^2 = [3, 12, 27]
  REQUIRE(y.value() == Array<T>{1, 8, -27});
  REQUIRE(y.requires_grad());
  REQUIRE(Tape<T>::current().size() == nodes_before + 1);

  backward(sum(y));
  CHECK(x.grad() == Array<T>{3, 12, 27});
  CHECK(Tape<T>::current().size() == 0);
}

TEMPLATE_TEST_CASE("custom op three inputs in graph", "[core][custom_op]", float, double) {
  using T = TestType;
  Tensor<T> a = parameter<T>({1, 2});
  Tensor<T> b = constant<T>({3, -4});
  Tensor<T> c = parameter<T>(Array<T>(T(0.5)));

  // f = a * b + c = [3.5, -7.5]; z = sum(f * a), so a is reached twice.
  Tensor<T> f = multiply_add(a, b, c);
  REQUIRE(f.value() == Array<T>{3.5, -7.5});
  Tensor<T> z = sum(f * a);
  // z = 3.5 * 1 - 7.5 * 2 = -11.5
  REQUIRE(z.item() == T(-11.5));

  backward(z);
  // dz/df = a = [1, 2]; dz/da = f + (dz/df) * b = [3.5, -7.5] + [3, -8] = [6.5, -15.5]
  // dz/dc = sum(dz/df) = 3; b is a constant and gets no gradient.
  CHECK(a.grad() == Array<T>{6.5, -15.5});
  CHECK(c.grad() == Array<T>(T(3)));
  CHECK_FALSE(b.has_grad());
}

TEMPLATE_TEST_CASE("custom op same input twice", "[core][custom_op]", float, double) {
  using T = TestType;
  Tensor<T> x = parameter<T>({2, -1});

  // f(u, v) = u * v with both inputs x: f = x^2, df/dx = v + u = 2x = [4, -2]
  Array<T> value = x.value() * x.value();
  Tensor<T> y = custom_op<T>("square", std::move(value), {x, x}, [x](const Array<T>& grad_out) {
    return std::vector<Array<T>>{grad_out * x.value(), grad_out * x.value()};
  });
  backward(sum(y));
  CHECK(x.grad() == Array<T>{4, -2});
}

TEMPLATE_TEST_CASE("custom op empty gradient skips input", "[core][custom_op]", float, double) {
  using T = TestType;
  Tensor<T> x = parameter<T>({1, 2});
  Tensor<T> y = parameter<T>(Array<T>(Shape{1, 1}, T(5)));
  Tensor<T> s = parameter<T>(Array<T>(T(4)));

  // f = x * y * s with gradients returned only for x; y and s get empty arrays.
  Array<T> value = x.value() * y.value() * s.value();
  Tensor<T> f = custom_op<T>("x_only", std::move(value), {x, y, s},
                             [y, s](const Array<T>& grad_out) {
                               Array<T> dx = xt::sum(grad_out * y.value() * s.value(), Shape{0});
                               return std::vector<Array<T>>{dx, Array<T>(), Array<T>(Shape{0})};
                             });
  REQUIRE(f.value() == Array<T>{{20, 40}});

  backward(sum(f));
  // df/dx = y * s = 20 for each entry
  CHECK(x.grad() == Array<T>{20, 20});
  CHECK_FALSE(y.has_grad());
  CHECK_FALSE(s.has_grad());
}

TEMPLATE_TEST_CASE("custom op scalar input default array", "[core][custom_op]", float,
                   double) {
  // For a 0-D input, Array<T>() has the input's shape [] and is its gradient.
  using T = TestType;
  Tensor<T> s = parameter<T>(Array<T>(T(3)));

  Tensor<T> f = custom_op<T>("identity", Array<T>(s.value()), {s}, [](const Array<T>& grad_out) {
    Array<T> ds;
    ds() = T(2) * grad_out();
    return std::vector<Array<T>>{ds};
  });
  backward(f);
  // ds = 2 * 1
  CHECK(s.grad() == Array<T>(T(2)));
}

TEMPLATE_TEST_CASE("custom op wrong gradient shape", "[core][custom_op]", float, double) {
  using T = TestType;
  Tensor<T> x = parameter<T>({{1, 2, 3}, {4, 5, 6}});
  Tensor<T> other = parameter<T>({1, 2});

  Tensor<T> f = custom_op<T>("bad_shape", Array<T>(x.value()), {other, x},
                             [](const Array<T>&) {
                               return std::vector<Array<T>>{Array<T>{0, 0},
                                                            Array<T>(xt::zeros<T>({3, 2}))};
                             });
  CHECK_THROWS_AS(backward(sum(f)), std::invalid_argument);
  CHECK_FALSE(other.has_grad());
  Tape<T>::current().clear();

  Tensor<T> g = custom_op<T>("bad_shape", Array<T>(x.value()), {other, x},
                             [](const Array<T>&) {
                               return std::vector<Array<T>>{Array<T>{0, 0},
                                                            Array<T>(xt::zeros<T>({3, 2}))};
                             });
  CHECK_THROWS_WITH(backward(sum(g)),
                    Catch::Contains("custom_op 'bad_shape'") && Catch::Contains("[3, 2]") &&
                        Catch::Contains("input 1 of shape [2, 3]"));
  Tape<T>::current().clear();
}

TEMPLATE_TEST_CASE("custom op wrong gradient count", "[core][custom_op]", float, double) {
  using T = TestType;
  Tensor<T> x = parameter<T>({1, 2});
  Tensor<T> y = parameter<T>({3, 4});

  Tensor<T> f = custom_op<T>("one_grad", Array<T>(x.value() + y.value()), {x, y},
                             [](const Array<T>& grad_out) {
                               return std::vector<Array<T>>{grad_out};
                             });
  CHECK_THROWS_WITH(backward(sum(f)), Catch::Contains("custom_op 'one_grad'") &&
                                          Catch::Contains("returned 1 gradients for 2 inputs"));
  Tape<T>::current().clear();
}

TEMPLATE_TEST_CASE("custom op without grad records nothing", "[core][custom_op]", float,
                   double) {
  using T = TestType;
  bool called = false;
  auto backward_fn = [&called](const Array<T>& grad_out) {
    called = true;
    return std::vector<Array<T>>{grad_out};
  };
  const std::size_t before = Tape<T>::current().size();

  Tensor<T> c = constant<T>({1, 2});
  Tensor<T> from_constant = custom_op<T>("noop", Array<T>(c.value()), {c}, backward_fn);
  CHECK_FALSE(from_constant.requires_grad());
  CHECK(from_constant.value() == Array<T>{1, 2});

  Tensor<T> x = parameter<T>({1, 2});
  Tensor<T> under_no_grad;
  {
    NoGradGuard no_grad;
    under_no_grad = custom_op<T>("noop", Array<T>(x.value()), {x}, backward_fn);
  }
  CHECK_FALSE(under_no_grad.requires_grad());
  CHECK(Tape<T>::current().size() == before);
  CHECK_FALSE(called);
}

TEMPLATE_TEST_CASE("custom op backward runs without grad", "[core][custom_op]", float, double) {
  using T = TestType;
  Tensor<T> x = parameter<T>({1, 2});
  bool recording_inside = true;
  std::size_t tape_size_inside = 0;

  Tensor<T> f = custom_op<T>("probe", Array<T>(x.value()), {x},
                             [x, &recording_inside, &tape_size_inside](const Array<T>& grad_out) {
                               recording_inside = grad_enabled();
                               // An op on a tensor that requires grad records nothing here.
                               Tensor<T> doubled = x * T(2);
                               tape_size_inside = Tape<T>::current().size();
                               return std::vector<Array<T>>{grad_out * doubled.value()};
                             });
  const std::size_t recorded = Tape<T>::current().size();
  backward(f, Tensor<T>{1, 1});
  CHECK_FALSE(recording_inside);
  CHECK(tape_size_inside == recorded);
  CHECK(grad_enabled());
  // df/dx as returned: grad_out * 2x = [2, 4]
  CHECK(x.grad() == Array<T>{2, 4});
}

TEMPLATE_TEST_CASE("custom op empty backward rejected", "[core][custom_op]", float, double) {
  using T = TestType;
  Tensor<T> x = parameter<T>({1, 2});
  CHECK_THROWS_WITH(custom_op<T>("missing", Array<T>(x.value()), {x}, nullptr),
                    Catch::Contains("custom_op 'missing'") && Catch::Contains("empty"));
}

TEMPLATE_TEST_CASE("custom op name in version error", "[core][custom_op]", float, double) {
  // The node keeps the op name for errors raised long after custom_op returned.
  using T = TestType;
  Tensor<T> x = parameter<T>({1, 2});
  Tensor<T> y = cube(x);
  x.mutable_value()(0) = T(7);
  CHECK_THROWS_WITH(backward(sum(y)), Catch::Contains("cube"));
  Tape<T>::current().clear();
}

TEMPLATE_TEST_CASE("custom op finite differences", "[core][custom_op][gradcheck]", float,
                   double) {
  // cube and multiply_add are templates, so the checker also runs them in
  // double for the numeric side of the float case.
  using T = TestType;
  Generator generator(51);
  for (const Shape& shape : {Shape{}, Shape{4}, Shape{2, 3}}) {
    INFO("x shape " << format_shape(shape));
    Tensor<T> x = parameter<T>(uniform<T>(shape, T(-2), T(2), generator).value());
    REQUIRE(check_gradients([](const auto& in) { return cube(in[0]); }, {x}));
  }

  // Three inputs, the middle one a constant the checker passes through
  // without differentiating, inside a larger graph that reuses a.
  Tensor<T> a = parameter<T>(uniform<T>({2}, T(-2), T(2), generator).value());
  Tensor<T> b = constant<T>(uniform<T>({2}, T(-2), T(2), generator).value());
  Tensor<T> c = parameter<T>(Array<T>(T(0.5)));
  REQUIRE(check_gradients(
      [](const auto& in) { return multiply_add(in[0], in[1], in[2]) * in[0]; }, {a, b, c}));
}
