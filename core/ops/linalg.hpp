// Matrix products and transpose.
//
// Legend: N rows of the left operand, K the shared (inner) dimension, M
// columns of the right operand.
#pragma once

#include <tapegrad/core/source_location.hpp>
#include <tapegrad/core/tensor.hpp>

namespace tapegrad {

/// Which operand matmul reads transposed. The transpose is handed to gemm;
/// no transposed copy is made.
enum class Transpose { none, lhs, rhs, both };

/// Matrix product of 1-D or 2-D tensors, as numpy.matmul:
///   [N, K] . [K, M] -> [N, M]     matrix . matrix
///   [N, K] . [K]    -> [N]        matrix . vector (y = W x)
///   [K]    . [K, M] -> [M]        vector . matrix
///   [K]    . [K]    -> []         dot product
/// `Transpose::rhs` computes lhs . rhs^T with rhs stored [M, K], which is how
/// a Dense layer multiplies a batch [N, in] by its weight [out, in].
/// Raises `std::invalid_argument` naming both shapes when K differs or a rank
/// is not 1 or 2.
template <class T>
Tensor<T> matmul(const Tensor<T>& lhs, const Tensor<T>& rhs, Transpose transpose = Transpose::none,
                 SourceLocation where = SourceLocation::current());

/// Swaps the two dimensions of a 2-D tensor: [N, M] -> [M, N].
template <class T>
Tensor<T> transpose(const Tensor<T>& x, SourceLocation where = SourceLocation::current());

}  // namespace tapegrad
