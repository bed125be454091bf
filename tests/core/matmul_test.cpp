// Tests of matmul: hand values for each operand rank and Transpose option,
// error messages, gradient checks, and the plain-loop and BLAS paths of gemm
// against each other and against a reference product in double.
//
// Hand example: A = [[1, 2, 3], [4, 5, 6]] [2, 3], B = [[1, 0], [0, 1], [2, -1]]
// [3, 2], G = dL/dC = [[1, 2], [-1, 0.5]]:
//   C = A B = [[1 + 6, 2 - 3], [4 + 12, 5 - 6]] = [[7, -1], [16, -1]]
//   dA = G B^T = [[1, 2, 2 - 2], [-1, 0.5, -2 - 0.5]] = [[1, 2, 0], [-1, 0.5, -2.5]]
//   dB = A^T G = [[1 - 4, 2 + 2], [2 - 5, 4 + 2.5], [3 - 6, 6 + 3]]
//      = [[-3, 4], [-3, 6.5], [-3, 9]]
// Every number is exact in binary floating point, so those checks are exact.
#include <catch2/catch.hpp>

#include <string>
#include <type_traits>
#include <vector>

#include <xtensor/xview.hpp>

#include <tapegrad/core/core.hpp>

using namespace tapegrad;

namespace {

template <class T>
Array<T> hand_a() {
  return {{1, 2, 3}, {4, 5, 6}};
}
template <class T>
Array<T> hand_b() {
  return {{1, 0}, {0, 1}, {2, -1}};
}
template <class T>
Array<T> hand_grad_out() {
  return {{1, 2}, {-1, 0.5}};
}

bool lhs_transposed(Transpose transpose) {
  return transpose == Transpose::lhs || transpose == Transpose::both;
}
bool rhs_transposed(Transpose transpose) {
  return transpose == Transpose::rhs || transpose == Transpose::both;
}

const char* transpose_name(Transpose transpose) {
  switch (transpose) {
    case Transpose::none:
      return "none";
    case Transpose::lhs:
      return "lhs";
    case Transpose::rhs:
      return "rhs";
    case Transpose::both:
      return "both";
  }
  return "";
}

constexpr Transpose all_transposes[] = {Transpose::none, Transpose::lhs, Transpose::rhs,
                                        Transpose::both};

// Returns op(a) op(b) by the textbook triple loop in double, where op
// transposes a stored 2-D operand when its flag is set.
Array<double> reference_product(const Array<double>& a, bool transpose_a, const Array<double>& b,
                                bool transpose_b) {
  const std::size_t n = transpose_a ? a.shape()[1] : a.shape()[0];
  const std::size_t k = transpose_a ? a.shape()[0] : a.shape()[1];
  const std::size_t m = transpose_b ? b.shape()[0] : b.shape()[1];
  Array<double> product = xt::zeros<double>(Shape{n, m});
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = 0; j < m; ++j) {
      double total = 0.0;
      for (std::size_t p = 0; p < k; ++p) {
        total += (transpose_a ? a(p, i) : a(i, p)) * (transpose_b ? b(j, p) : b(p, j));
      }
      product(i, j) = total;
    }
  }
  return product;
}

// Returns `matrix` transposed when `transposed` is set: the stored operand
// from op(x), or op(x) from the stored operand.
Array<double> transposed_if(const Array<double>& matrix, bool transposed) {
  return transposed ? Array<double>(xt::transpose(matrix)) : matrix;
}

// Rows [begin, end) of op(x), kept in x's stored layout.
template <class T>
Array<T> op_rows(const Array<T>& x, bool transposed, std::size_t begin, std::size_t end) {
  if (transposed) {
    return xt::view(x, xt::all(), xt::range(begin, end));
  }
  return xt::view(x, xt::range(begin, end), xt::all());
}

// Columns [begin, end) of op(x), kept in x's stored layout.
template <class T>
Array<T> op_cols(const Array<T>& x, bool transposed, std::size_t begin, std::size_t end) {
  return op_rows(x, !transposed, begin, end);
}

template <class T>
Array<T> random_array(const Shape& shape, Generator& generator) {
  return normal<T>(shape, T(0), T(1), generator).value();
}

// Relative tolerance of a product with up to 30 terms against the double
// reference: float rounding grows with the number of terms summed.
template <class T>
constexpr double product_tolerance = std::is_same_v<T, float> ? 1e-5 : 1e-12;

template <class T>
void check_close_to(const Array<T>& actual, const Array<double>& expected) {
  REQUIRE(to_shape(actual.shape()) == to_shape(expected.shape()));
  for (std::size_t index = 0; index < actual.size(); ++index) {
    INFO("flat index " << index);
    CHECK(static_cast<double>(actual.flat(index)) ==
          Approx(expected.flat(index)).epsilon(product_tolerance<T>).margin(product_tolerance<T>));
  }
}

}  // namespace

TEMPLATE_TEST_CASE("matmul matrix times matrix", "[core][matmul]", float, double) {
  using T = TestType;
  Tensor<T> a = parameter(hand_a<T>());
  Tensor<T> b = parameter(hand_b<T>());
  Tensor<T> c = matmul(a, b);
  backward(c, Tensor<T>(hand_grad_out<T>()));

  CHECK(c.value() == Array<T>{{7, -1}, {16, -1}});
  CHECK(a.grad() == Array<T>{{1, 2, 0}, {-1, 0.5, -2.5}});
  CHECK(b.grad() == Array<T>{{-3, 4}, {-3, 6.5}, {-3, 9}});
}

TEMPLATE_TEST_CASE("matmul transpose options agree", "[core][matmul]", float, double) {
  // Each option reads the stored operand transposed: the product is A B for
  // every option, and a transposed operand gets the transpose of dA or dB.
  using T = TestType;
  for (const Transpose transpose : all_transposes) {
    INFO("Transpose::" << transpose_name(transpose));
    const bool ta = lhs_transposed(transpose);
    const bool tb = rhs_transposed(transpose);
    Tensor<T> a = parameter(ta ? Array<T>(xt::transpose(hand_a<T>())) : hand_a<T>());
    Tensor<T> b = parameter(tb ? Array<T>(xt::transpose(hand_b<T>())) : hand_b<T>());
    Tensor<T> c = matmul(a, b, transpose);
    backward(c, Tensor<T>(hand_grad_out<T>()));

    const Array<T> da = {{1, 2, 0}, {-1, 0.5, -2.5}};
    const Array<T> db = {{-3, 4}, {-3, 6.5}, {-3, 9}};
    CHECK(c.value() == Array<T>{{7, -1}, {16, -1}});
    CHECK(a.grad() == (ta ? Array<T>(xt::transpose(da)) : da));
    CHECK(b.grad() == (tb ? Array<T>(xt::transpose(db)) : db));
  }
}

TEMPLATE_TEST_CASE("matmul matrix times vector", "[core][matmul]", float, double) {
  // A v with v = [1, -1, 2]: [1 - 2 + 6, 4 - 5 + 12] = [5, 11]. With g = [1, -2]:
  // dA = g v^T = [[1, -1, 2], [-2, 2, -4]], dv = A^T g = [1 - 8, 2 - 10, 3 - 12].
  using T = TestType;
  for (const bool transposed : {false, true}) {
    INFO("lhs transposed: " << transposed);
    Tensor<T> a = parameter(transposed ? Array<T>(xt::transpose(hand_a<T>())) : hand_a<T>());
    Tensor<T> v = parameter<T>({1, -1, 2});
    Tensor<T> y = matmul(a, v, transposed ? Transpose::lhs : Transpose::none);
    backward(y, Tensor<T>{1, -2});

    const Array<T> da = {{1, -1, 2}, {-2, 2, -4}};
    CHECK(y.value() == Array<T>{5, 11});
    CHECK(a.grad() == (transposed ? Array<T>(xt::transpose(da)) : da));
    CHECK(v.grad() == Array<T>{-7, -8, -9});
  }
}

TEMPLATE_TEST_CASE("matmul vector times matrix", "[core][matmul]", float, double) {
  // u B with u = [1, -1, 2]: [1 + 4, -1 - 2] = [5, -3]. With g = [1, 2]:
  // du = B g = [1, 2, 2 - 2], dB = u g^T = [[1, 2], [-1, -2], [2, 4]].
  using T = TestType;
  for (const bool transposed : {false, true}) {
    INFO("rhs transposed: " << transposed);
    Tensor<T> u = parameter<T>({1, -1, 2});
    Tensor<T> b = parameter(transposed ? Array<T>(xt::transpose(hand_b<T>())) : hand_b<T>());
    Tensor<T> y = matmul(u, b, transposed ? Transpose::rhs : Transpose::none);
    backward(y, Tensor<T>{1, 2});

    const Array<T> db = {{1, 2}, {-1, -2}, {2, 4}};
    CHECK(y.value() == Array<T>{5, -3});
    CHECK(u.grad() == Array<T>{1, 2, 0});
    CHECK(b.grad() == (transposed ? Array<T>(xt::transpose(db)) : db));
  }
}

TEMPLATE_TEST_CASE("matmul vector times vector", "[core][matmul]", float, double) {
  // [1, 2, 3] . [4, -5, 6] = 4 - 10 + 18 = 12, a 0-D result. Each vector's
  // gradient is the other times the upstream 2.
  using T = TestType;
  Tensor<T> u = parameter<T>({1, 2, 3});
  Tensor<T> v = parameter<T>({4, -5, 6});
  Tensor<T> y = matmul(u, v);
  backward(y * T(2));

  CHECK(y.dim() == 0);
  CHECK(y.item() == 12);
  CHECK(u.grad() == Array<T>{8, -10, 12});
  CHECK(v.grad() == Array<T>{2, 4, 6});
}

TEST_CASE("matmul names both shapes in errors", "[core][matmul]") {
  CHECK_THROWS_WITH(matmul(zeros<double>({2, 3}), zeros<double>({4, 5})),
                    "matmul: inner dimensions differ: lhs [2, 3], rhs [4, 5]");
  CHECK_THROWS_WITH(matmul(zeros<double>({2, 3}), zeros<double>({3, 2}), Transpose::rhs),
                    "matmul: inner dimensions differ: lhs [2, 3], rhs [3, 2] (transposed)");
  CHECK_THROWS_WITH(matmul(zeros<double>({3}), zeros<double>({4})),
                    "matmul: inner dimensions differ: lhs [3], rhs [4]");
  CHECK_THROWS_WITH(matmul(zeros<double>({2, 2, 2}), zeros<double>({2})),
                    "matmul: operands must be 1-D or 2-D: lhs [2, 2, 2], rhs [2]");
  CHECK_THROWS_WITH(matmul(zeros<double>({}), zeros<double>({2})),
                    "matmul: operands must be 1-D or 2-D: lhs [], rhs [2]");
  CHECK_THROWS_WITH(matmul(zeros<double>({3}), zeros<double>({3, 2}), Transpose::lhs),
                    "matmul: only a 2-D operand can be transposed: lhs [3] (transposed), rhs "
                    "[3, 2]");
  CHECK_THROWS_AS(matmul(zeros<double>({2, 3}), zeros<double>({3}), Transpose::both),
                  std::invalid_argument);
}

TEST_CASE("matmul gradients pass gradcheck", "[core][matmul][gradcheck]") {
  // op(A) [3, 4] times op(B) [4, 2] for every option, then each vector form.
  Generator generator(21);
  for (const Transpose transpose : all_transposes) {
    INFO("Transpose::" << transpose_name(transpose));
    const Shape a_shape = lhs_transposed(transpose) ? Shape{4, 3} : Shape{3, 4};
    const Shape b_shape = rhs_transposed(transpose) ? Shape{2, 4} : Shape{4, 2};
    Tensor<double> a = parameter(random_array<double>(a_shape, generator));
    Tensor<double> b = parameter(random_array<double>(b_shape, generator));
    CHECK(check_gradients(
        [transpose](const auto& in) { return matmul(in[0], in[1], transpose); }, {a, b}));
  }

  struct VectorCase {
    const char* name;
    Shape lhs;
    Shape rhs;
    Transpose transpose;
  };
  const VectorCase vector_cases[] = {
      {"matrix . vector", {3, 4}, {4}, Transpose::none},
      {"transposed matrix . vector", {4, 3}, {4}, Transpose::lhs},
      {"vector . matrix", {4}, {4, 2}, Transpose::none},
      {"vector . transposed matrix", {4}, {2, 4}, Transpose::rhs},
      {"vector . vector", {4}, {4}, Transpose::none},
  };
  for (const VectorCase& shapes : vector_cases) {
    INFO(shapes.name);
    Tensor<double> a = parameter(random_array<double>(shapes.lhs, generator));
    Tensor<double> b = parameter(random_array<double>(shapes.rhs, generator));
    const Transpose transpose = shapes.transpose;
    CHECK(check_gradients(
        [transpose](const auto& in) { return matmul(in[0], in[1], transpose); }, {a, b}));
  }
}

TEST_CASE("matmul float gradients pass gradcheck", "[core][matmul][gradcheck]") {
  Generator generator(22);
  for (const Transpose transpose : all_transposes) {
    INFO("Transpose::" << transpose_name(transpose));
    const Shape a_shape = lhs_transposed(transpose) ? Shape{4, 3} : Shape{3, 4};
    const Shape b_shape = rhs_transposed(transpose) ? Shape{2, 4} : Shape{4, 2};
    Tensor<float> a = parameter(random_array<float>(a_shape, generator));
    Tensor<float> b = parameter(random_array<float>(b_shape, generator));
    CHECK(check_gradients(
        [transpose](const auto& in) { return matmul(in[0], in[1], transpose); }, {a, b}));
  }
}

TEMPLATE_TEST_CASE("matmul BLAS and loop paths agree", "[core][matmul]", float, double) {
  // gemm uses a plain loop up to 4096 multiply-adds and BLAS above. The full
  // [20, 30] . [30, 25] product (15,000) and its gradients (15,000 each) take
  // the BLAS path; its [5, 30] . [30, 5] blocks (750) take the loop. Both must
  // match each other and the double reference.
  using T = TestType;
  constexpr std::size_t n = 20;
  constexpr std::size_t k = 30;
  constexpr std::size_t m = 25;
  constexpr std::size_t block = 5;
  Generator generator(23);
  for (const Transpose transpose : all_transposes) {
    INFO("Transpose::" << transpose_name(transpose));
    const bool ta = lhs_transposed(transpose);
    const bool tb = rhs_transposed(transpose);
    Tensor<T> a = parameter(random_array<T>(ta ? Shape{k, n} : Shape{n, k}, generator));
    Tensor<T> b = parameter(random_array<T>(tb ? Shape{m, k} : Shape{k, m}, generator));
    const Array<T> grad_out = random_array<T>({n, m}, generator);
    const Array<double> a64 = xt::cast<double>(a.value());
    const Array<double> b64 = xt::cast<double>(b.value());
    const Array<double> g64 = xt::cast<double>(grad_out);

    Tensor<T> c = matmul(a, b, transpose);
    check_close_to(c.value(), reference_product(a64, ta, b64, tb));

    Array<T> blocks = xt::zeros<T>(Shape{n, m});
    for (std::size_t i = 0; i < n; i += block) {
      for (std::size_t j = 0; j < m; j += block) {
        const Tensor<T> a_rows = constant(op_rows(a.value(), ta, i, i + block));
        const Tensor<T> b_cols = constant(op_cols(b.value(), tb, j, j + block));
        xt::view(blocks, xt::range(i, i + block), xt::range(j, j + block)) =
            matmul(a_rows, b_cols, transpose).value();
      }
    }
    check_close_to(c.value(), xt::cast<double>(blocks));

    // dA' = G B'^T and dB' = A'^T G, stored transposed for a transposed operand.
    backward(c, Tensor<T>(grad_out));
    const Array<double> b_op = transposed_if(b64, tb);
    const Array<double> a_op = transposed_if(a64, ta);
    check_close_to(a.grad(), transposed_if(reference_product(g64, false, b_op, true), ta));
    check_close_to(b.grad(), transposed_if(reference_product(a_op, true, g64, false), tb));
  }
}

TEMPLATE_TEST_CASE("matmul reused weight above BLAS limit", "[core][matmul]", float, double) {
  // One weight W [30, 25] in two products X1 W and X2 W: the second gradient
  // is added into the first by gemm with beta = 1, on the BLAS path.
  // dW = X1^T G1 + X2^T G2.
  using T = TestType;
  Generator generator(24);
  Tensor<T> weight = parameter(random_array<T>({30, 25}, generator));
  const Tensor<T> x1 = constant(random_array<T>({20, 30}, generator));
  const Tensor<T> x2 = constant(random_array<T>({20, 30}, generator));
  const Array<T> g1 = random_array<T>({20, 25}, generator);
  const Array<T> g2 = random_array<T>({20, 25}, generator);

  const Tensor<T> loss = sum(matmul(x1, weight) * Tensor<T>(g1)) +
                         sum(matmul(x2, weight) * Tensor<T>(g2));
  backward(loss);

  const Array<double> expected =
      reference_product(xt::cast<double>(x1.value()), true, xt::cast<double>(g1), false) +
      reference_product(xt::cast<double>(x2.value()), true, xt::cast<double>(g2), false);
  check_close_to(weight.grad(), expected);
}
