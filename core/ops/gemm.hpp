// General matrix multiply C = alpha * op(A) * op(B) + beta * C on row-major
// buffers, through OpenBLAS, with a plain loop for tiny products where the
// BLAS call overhead would dominate.
//
// Legend: op(A) is [M, K], op(B) is [K, N], C is [M, N]; lda, ldb and ldc are
// row strides of the stored (untransposed) buffers.
#pragma once

#include <cstddef>

namespace tapegrad::detail {

template <class T>
void gemm(bool transpose_a, bool transpose_b, std::size_t m, std::size_t n, std::size_t k,
          T alpha, const T* a, std::size_t lda, const T* b, std::size_t ldb, T beta, T* c,
          std::size_t ldc);

}  // namespace tapegrad::detail
