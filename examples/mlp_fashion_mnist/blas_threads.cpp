#include "blas_threads.hpp"

#include <cblas.h>

namespace mlp_fashion_mnist {

void set_blas_threads(std::size_t threads) {
  openblas_set_num_threads(static_cast<int>(threads));
}

}  // namespace mlp_fashion_mnist
