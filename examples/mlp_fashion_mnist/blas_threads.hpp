// Sets the number of OpenBLAS threads, in its own file so that only this
// file includes OpenBLAS's <cblas.h>.
#pragma once

#include <cstddef>

namespace mlp_fashion_mnist {

/// Makes OpenBLAS use `threads` threads for every later matrix product.
void set_blas_threads(std::size_t threads);

}  // namespace mlp_fashion_mnist
