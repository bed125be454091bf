// Elementwise losses: mse_loss and binary_cross_entropy_with_logits, each
// forward, then its backward. Input and target have the same shape.
#include <tapegrad/core/ops/loss.hpp>

#include <algorithm>
#include <stdexcept>
#include <string>

#include <xtensor/xmath.hpp>
#include <xtensor/xoperation.hpp>

#include <tapegrad/core/accumulate.hpp>
#include <tapegrad/core/ops/loss_reduction.hpp>
#include <tapegrad/core/tape.hpp>

namespace tapegrad {
namespace {

template <class T>
void check_same_shape(const char* op, const char* input_name, const Tensor<T>& input,
                      const Tensor<T>& target) {
  const auto& left = input.shape();
  const auto& right = target.shape();
  if (!std::equal(left.begin(), left.end(), right.begin(), right.end())) {
    throw std::invalid_argument(std::string(op) + ": " + input_name + " has shape " +
                                format_shape(left) + " but target has shape " +
                                format_shape(right) +
                                "; the shapes must match exactly (no broadcasting)");
  }
}

// Adds derivative * upstream into `target`, where upstream is grad_out for
// Reduction::none and the scaled 0-D grad_out otherwise.
template <class T, class E>
void accumulate_loss_grad(const Node<T>& node, TensorImpl<T>* target,
                          const xt::xexpression<E>& derivative, const Array<T>& grad_out) {
  if (detail::reduction_of(node.attributes) == Reduction::none) {
    accumulate_grad(target, derivative.derived_cast() * grad_out);
  } else {
    const T upstream = detail::reduced_upstream(node, grad_out);
    accumulate_grad(target, derivative.derived_cast() * upstream);
  }
}

// d mse/d prediction = -d mse/d target = 2 (prediction - target) * grad_out (/ n for the mean)
template <class T>
void mse_loss_backward(Node<T>& node, Array<T>& grad_out) {
  TensorImpl<T>* prediction = node.in[0];
  TensorImpl<T>* target = node.in[1];
  const auto d_prediction = T(2) * (prediction->value - target->value);
  if (!target->requires_grad) {
    accumulate_loss_grad(node, prediction, d_prediction, grad_out);
    return;
  }
  // Both need the gradient, so it is evaluated once and negated for the target.
  Array<T> dx;
  if (detail::reduction_of(node.attributes) == Reduction::none) {
    dx = d_prediction * grad_out;
  } else {
    dx = d_prediction * (detail::reduced_upstream(node, grad_out));
  }
  accumulate_grad(target, -dx);
  accumulate_grad(prediction, std::move(dx));
}

}  // namespace

template <class T>
Tensor<T> mse_loss(const Tensor<T>& prediction, const Tensor<T>& target, Reduction reduction,
                   SourceLocation where) {
  check_same_shape("mse_loss", "prediction", prediction, target);
  detail::check_mean_count("mse_loss", "prediction", prediction.shape(), prediction.size(),
                           reduction);
  Array<T> losses = xt::square(prediction.value() - target.value());
  const Tensor<T>* inputs[] = {&prediction, &target};
  return Tape<T>::current().record(
      "mse_loss", detail::reduce_losses(std::move(losses), reduction), mse_loss_backward<T>, inputs,
      detail::loss_attributes(reduction, prediction.size()), nullptr, where);
}

namespace {

// d bce/d x = sigmoid(x) - t, d bce/d t = -x, each times grad_out (/ n for the mean)
template <class T>
void binary_cross_entropy_with_logits_backward(Node<T>& node, Array<T>& grad_out) {
  const Array<T>& x = node.in[0]->value;
  const Array<T>& t = node.in[1]->value;
  // sigmoid(x) from exp(-|x|), which never overflows: 1 / (1 + e) for x >= 0, e / (1 + e) below.
  const auto e = xt::exp(-xt::abs(x));
  const auto sigmoid = xt::where(x >= T(0), T(1) / (T(1) + e), e / (T(1) + e));
  accumulate_loss_grad(node, node.in[0], sigmoid - t, grad_out);
  accumulate_loss_grad(node, node.in[1], -x, grad_out);
}

}  // namespace

template <class T>
Tensor<T> binary_cross_entropy_with_logits(const Tensor<T>& logits, const Tensor<T>& target,
                                           Reduction reduction, SourceLocation where) {
  constexpr const char* op = "binary_cross_entropy_with_logits";
  check_same_shape(op, "logits", logits, target);
  detail::check_mean_count(op, "logits", logits.shape(), logits.size(), reduction);
  const Array<T>& x = logits.value();
  const Array<T>& t = target.value();

  // max(x, 0) - x t = |x| w with w = 1 - t for x >= 0 and w = t below. Taking |x| w as 0
  // where w = 0 gives loss 0, not inf - inf = NaN, for logits of +inf with target 1 and
  // -inf with target 0.
  const auto magnitude = xt::abs(x);
  const auto weight = xt::where(x >= T(0), T(1) - t, t);
  Array<T> losses =
      xt::where(xt::equal(weight, T(0)), T(0), magnitude * weight) + xt::log1p(xt::exp(-magnitude));

  const Tensor<T>* inputs[] = {&logits, &target};
  return Tape<T>::current().record(op, detail::reduce_losses(std::move(losses), reduction),
                                   binary_cross_entropy_with_logits_backward<T>, inputs,
                                   detail::loss_attributes(reduction, logits.size()), nullptr,
                                   where);
}

template Tensor<float> mse_loss(const Tensor<float>&, const Tensor<float>&, Reduction,
                                SourceLocation);
template Tensor<double> mse_loss(const Tensor<double>&, const Tensor<double>&, Reduction,
                                 SourceLocation);
template Tensor<float> binary_cross_entropy_with_logits(const Tensor<float>&, const Tensor<float>&,
                                                        Reduction, SourceLocation);
template Tensor<double> binary_cross_entropy_with_logits(const Tensor<double>&,
                                                         const Tensor<double>&, Reduction,
                                                         SourceLocation);

}  // namespace tapegrad
