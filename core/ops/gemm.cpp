// Kept apart from xtensor-blas headers: OpenBLAS's cblas.h and
// xtensor-blas declare the cblas functions with different signatures.
#include <tapegrad/core/ops/gemm.hpp>

#include <cblas.h>

namespace tapegrad::detail {
namespace {

// Below this many multiply-adds a plain loop beats the BLAS call overhead.
// NOTE: chosen from the 2x2 and 64x64 cases; revisit with the benchmarks.
constexpr std::size_t small_product_limit = 4096;

template <class T>
void gemm_loop(bool transpose_a, bool transpose_b, std::size_t m, std::size_t n, std::size_t k,
               T alpha, const T* a, std::size_t lda, const T* b, std::size_t ldb, T beta, T* c,
               std::size_t ldc) {
  for (std::size_t i = 0; i < m; ++i) {
    for (std::size_t j = 0; j < n; ++j) {
      T total = 0;
      for (std::size_t p = 0; p < k; ++p) {
        const T left = transpose_a ? a[p * lda + i] : a[i * lda + p];
        const T right = transpose_b ? b[j * ldb + p] : b[p * ldb + j];
        total += left * right;
      }
      T& out = c[i * ldc + j];
      // beta = 0 must overwrite, even a NaN left in C, as BLAS does.
      out = beta == T(0) ? alpha * total : alpha * total + beta * out;
    }
  }
}

}  // namespace

template <>
void gemm<float>(bool transpose_a, bool transpose_b, std::size_t m, std::size_t n, std::size_t k,
                 float alpha, const float* a, std::size_t lda, const float* b, std::size_t ldb,
                 float beta, float* c, std::size_t ldc) {
  if (m * n * k <= small_product_limit) {
    gemm_loop(transpose_a, transpose_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
    return;
  }
  cblas_sgemm(CblasRowMajor, transpose_a ? CblasTrans : CblasNoTrans,
              transpose_b ? CblasTrans : CblasNoTrans, static_cast<blasint>(m),
              static_cast<blasint>(n), static_cast<blasint>(k), alpha, a,
              static_cast<blasint>(lda), b, static_cast<blasint>(ldb), beta, c,
              static_cast<blasint>(ldc));
}

template <>
void gemm<double>(bool transpose_a, bool transpose_b, std::size_t m, std::size_t n,
                  std::size_t k, double alpha, const double* a, std::size_t lda, const double* b,
                  std::size_t ldb, double beta, double* c, std::size_t ldc) {
  if (m * n * k <= small_product_limit) {
    gemm_loop(transpose_a, transpose_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
    return;
  }
  cblas_dgemm(CblasRowMajor, transpose_a ? CblasTrans : CblasNoTrans,
              transpose_b ? CblasTrans : CblasNoTrans, static_cast<blasint>(m),
              static_cast<blasint>(n), static_cast<blasint>(k), alpha, a,
              static_cast<blasint>(lda), b, static_cast<blasint>(ldb), beta, c,
              static_cast<blasint>(ldc));
}

}  // namespace tapegrad::detail
