// Losses against class-index targets: cross_entropy and nll_loss, each
// forward, then its backward.
//
// Legend: N batch size, C classes. Targets are class indices in [0, C).
#include <tapegrad/core/ops/loss.hpp>

#include <algorithm>
#include <cmath>
#include <memory>
#include <stdexcept>
#include <string>

#include <xtensor/xbuilder.hpp>
#include <xtensor/xmath.hpp>
#include <xtensor/xnoalias.hpp>

#include <tapegrad/core/accumulate.hpp>
#include <tapegrad/core/ops/loss_reduction.hpp>
#include <tapegrad/core/tape.hpp>

namespace tapegrad {
namespace {

// Checks class-index targets against inputs of shape [N, C].
template <class S>
void check_class_targets(const char* op, const char* input, const S& shape,
                         std::span<const std::size_t> targets, Reduction reduction) {
  if (shape.size() != 2) {
    throw std::invalid_argument(std::string(op) + ": " + input + " must have shape [N, C], got " +
                                format_shape(shape) + "; reshape one sample to [1, C]");
  }
  if (targets.size() != shape[0]) {
    throw std::invalid_argument(std::string(op) + ": got " + std::to_string(targets.size()) +
                                " targets for " + input + " of shape " + format_shape(shape) +
                                "; pass one class index per row (" + std::to_string(shape[0]) +
                                ")");
  }
  for (std::size_t row = 0; row < targets.size(); ++row) {
    if (targets[row] >= shape[1]) {
      throw std::invalid_argument(
          std::string(op) + ": target " + std::to_string(targets[row]) + " at position " +
          std::to_string(row) + " is out of range for " + input + " of shape " +
          format_shape(shape) + "; class indices must be in [0, " + std::to_string(shape[1]) + ")");
    }
  }
  detail::check_mean_count(op, input, shape, shape[0], reduction);
}

// d cross_entropy/d logits = (softmax(logits) - onehot(targets)) * grad_out (/ N for the mean)
template <class T>
void cross_entropy_backward(Node<T>& node, Array<T>& grad_out) {
  TensorImpl<T>* logits = node.in[0];
  const Array<T>& probabilities = node.extra->saved;
  const std::vector<std::size_t>& targets = node.extra->indices;
  const std::size_t classes = probabilities.shape()[1];
  if (detail::reduction_of(node.attributes) == Reduction::none) {
    grad_out.reshape({targets.size(), 1});
    accumulate_grad(logits, probabilities * grad_out);
    for (std::size_t row = 0; row < targets.size(); ++row) {
      logits->pending.data()[row * classes + targets[row]] -= grad_out.data()[row];
    }
  } else {
    const T upstream = detail::reduced_upstream(node, grad_out);
    accumulate_grad(logits, probabilities * upstream);
    for (std::size_t row = 0; row < targets.size(); ++row) {
      logits->pending.data()[row * classes + targets[row]] -= upstream;
    }
  }
}

}  // namespace

template <class T>
Tensor<T> cross_entropy(const Tensor<T>& logits, std::span<const std::size_t> targets,
                        Reduction reduction, SourceLocation where) {
  const auto& shape = logits.shape();
  check_class_targets("cross_entropy", "logits", shape, targets, reduction);
  const std::size_t rows = shape[0];
  const std::size_t classes = shape[1];

  // Per row, with m the row maximum: loss = m + log(sum(exp(x - m))) - x[target], and
  // softmax = exp(x - m) / sum(exp(x - m)), which backward reuses. exp runs once over the
  // whole [N, C] block, where xtensor vectorizes it.
  const T* x = logits.value().data();
  Array<T> probabilities = xt::empty<T>(shape);
  T* p = probabilities.data();
  Array<T> losses = xt::empty<T>(Shape{rows});
  for (std::size_t row = 0; row < rows; ++row) {
    const T* row_begin = x + row * classes;
    const T max_value = *std::max_element(row_begin, row_begin + classes);
    for (std::size_t c = 0; c < classes; ++c) {
      p[row * classes + c] = row_begin[c] - max_value;
    }
    losses(row) = max_value - row_begin[targets[row]];
  }
  xt::noalias(probabilities) = xt::exp(probabilities);
  for (std::size_t row = 0; row < rows; ++row) {
    T* row_begin = p + row * classes;
    T total = 0;
    for (std::size_t c = 0; c < classes; ++c) {
      total += row_begin[c];
    }
    for (std::size_t c = 0; c < classes; ++c) {
      row_begin[c] /= total;
    }
    losses(row) += std::log(total);
  }

  const Tensor<T>* inputs[] = {&logits};
  std::unique_ptr<NodeExtra<T>> extra;
  if (should_record<T>(inputs)) {
    extra = std::make_unique<NodeExtra<T>>();
    extra->saved = std::move(probabilities);
    extra->indices.assign(targets.begin(), targets.end());
  }
  return Tape<T>::current().record(
      "cross_entropy", detail::reduce_losses(std::move(losses), reduction),
      cross_entropy_backward<T>, inputs, detail::loss_attributes(reduction, rows), std::move(extra),
      where);
}

namespace {

// d nll_loss/d log_probs = -onehot(targets) * grad_out (/ N for the mean)
template <class T>
void nll_loss_backward(Node<T>& node, Array<T>& grad_out) {
  const std::vector<std::size_t>& targets = node.extra->indices;
  Array<T> dx = xt::zeros<T>(node.in[0]->value.shape());
  const std::size_t classes = dx.shape()[1];
  const bool per_sample = detail::reduction_of(node.attributes) == Reduction::none;
  const T upstream = per_sample ? T(0) : detail::reduced_upstream(node, grad_out);
  for (std::size_t row = 0; row < targets.size(); ++row) {
    dx.data()[row * classes + targets[row]] = per_sample ? -grad_out.data()[row] : -upstream;
  }
  accumulate_grad(node.in[0], std::move(dx));
}

}  // namespace

template <class T>
Tensor<T> nll_loss(const Tensor<T>& log_probs, std::span<const std::size_t> targets,
                   Reduction reduction, SourceLocation where) {
  const auto& shape = log_probs.shape();
  check_class_targets("nll_loss", "log_probs", shape, targets, reduction);
  const std::size_t rows = shape[0];
  const std::size_t classes = shape[1];

  Array<T> losses = xt::empty<T>(Shape{rows});
  for (std::size_t row = 0; row < rows; ++row) {
    losses(row) = -log_probs.value().data()[row * classes + targets[row]];
  }

  const Tensor<T>* inputs[] = {&log_probs};
  std::unique_ptr<NodeExtra<T>> extra;
  if (should_record<T>(inputs)) {
    extra = std::make_unique<NodeExtra<T>>();
    extra->indices.assign(targets.begin(), targets.end());
  }
  return Tape<T>::current().record(
      "nll_loss", detail::reduce_losses(std::move(losses), reduction), nll_loss_backward<T>, inputs,
      detail::loss_attributes(reduction, rows), std::move(extra), where);
}

template Tensor<float> cross_entropy(const Tensor<float>&, std::span<const std::size_t>, Reduction,
                                     SourceLocation);
template Tensor<double> cross_entropy(const Tensor<double>&, std::span<const std::size_t>,
                                      Reduction, SourceLocation);
template Tensor<float> nll_loss(const Tensor<float>&, std::span<const std::size_t>, Reduction,
                                SourceLocation);
template Tensor<double> nll_loss(const Tensor<double>&, std::span<const std::size_t>, Reduction,
                                 SourceLocation);

}  // namespace tapegrad
