// Softmax family and loss functions, all numerically stable.
//
// Legend: N batch size, C classes. Targets are class indices in [0, C).
// Logits of ±1000 give finite losses and gradients, and -inf logits used as
// masks give probability 0 and gradient exactly 0, never NaN, as long as each
// row has at least one finite logit (a row of only -inf gives NaN, as in
// PyTorch).
//
// Reduction::mean and Reduction::sum return a 0-D loss; Reduction::none
// returns one loss per sample ([N]) or per element (the input's shape). A
// mean over an empty input raises `std::invalid_argument`, where PyTorch
// returns NaN.
#pragma once

#include <cstdint>
#include <span>

#include <tapegrad/core/source_location.hpp>
#include <tapegrad/core/tensor.hpp>

namespace tapegrad {

/// How a loss combines its per-sample values.
enum class Reduction { mean, sum, none };

/// exp(x) / sum(exp(x)) along `axis`, computed with the lane maximum
/// subtracted first. Shapes: the output has the input's shape.
template <class T>
Tensor<T> softmax(const Tensor<T>& x, std::int64_t axis = -1,
                  SourceLocation where = SourceLocation::current());

/// x - log(sum(exp(x))) along `axis`, by the log-sum-exp trick. A -inf
/// logit gives -inf. Shapes: the output has the input's shape.
template <class T>
Tensor<T> log_softmax(const Tensor<T>& x, std::int64_t axis = -1,
                      SourceLocation where = SourceLocation::current());

/// Cross-entropy of logits [N, C] against class indices [N]: the mean (by
/// default) of -log_softmax(logits)[i, target_i]. The same as
/// torch.nn.functional.cross_entropy. One node, which saves the softmax
/// probabilities [N, C] for backward. Raises `std::invalid_argument` for
/// logits that are not 2-D, a target count other than N, or a target
/// outside [0, C).
template <class T>
Tensor<T> cross_entropy(const Tensor<T>& logits, std::span<const std::size_t> targets,
                        Reduction reduction = Reduction::mean,
                        SourceLocation where = SourceLocation::current());

/// Negative log-likelihood of log-probabilities [N, C] against class indices
/// [N]: the mean (by default) of -log_probs[i, target_i]. Raises as
/// `cross_entropy` does.
template <class T>
Tensor<T> nll_loss(const Tensor<T>& log_probs, std::span<const std::size_t> targets,
                   Reduction reduction = Reduction::mean,
                   SourceLocation where = SourceLocation::current());

/// Mean (by default) of (prediction - target)^2 over every element. Shapes
/// must match exactly; both operands may require grad.
template <class T>
Tensor<T> mse_loss(const Tensor<T>& prediction, const Tensor<T>& target,
                   Reduction reduction = Reduction::mean,
                   SourceLocation where = SourceLocation::current());

/// Binary cross-entropy of logits against targets in [0, 1], computed as
/// max(x, 0) - x * t + log(1 + exp(-|x|)). Shapes must match exactly; both
/// operands may require grad. A logit of +inf with target 1, or -inf with
/// target 0, gives loss 0 and logit gradient 0 (PyTorch 1.13 gives NaN).
template <class T>
Tensor<T> binary_cross_entropy_with_logits(const Tensor<T>& logits, const Tensor<T>& target,
                                           Reduction reduction = Reduction::mean,
                                           SourceLocation where = SourceLocation::current());

}  // namespace tapegrad
