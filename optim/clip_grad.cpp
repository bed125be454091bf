#include <tapegrad/optim/clip_grad.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

#include <tapegrad/optim/hyperparameter_check.hpp>

namespace tapegrad {
namespace {

/// torch.nn.utils.clip_grad_norm_ adds this to the norm before dividing, so
/// an all-zero gradient gives a finite coefficient.
constexpr double norm_offset = 1e-6;

template <class T>
double total_norm(const std::vector<Tensor<T>>& parameters, double norm_type) {
  const bool max_norm_type = std::isinf(norm_type);
  double total = 0.0;
  for (const Tensor<T>& parameter : parameters) {
    const TensorImpl<T>& impl = parameter.impl();
    if (!impl.has_grad) {
      continue;
    }
    const T* entries = impl.grad.data();
    for (std::size_t i = 0; i < impl.grad.size(); ++i) {
      const double magnitude = std::abs(static_cast<double>(entries[i]));
      if (max_norm_type) {
        // std::max would drop a NaN that comes second, so NaN is kept by hand.
        total = std::isnan(magnitude) || magnitude > total ? magnitude : total;
      } else if (norm_type == 2.0) {
        total += magnitude * magnitude;
      } else {
        total += std::pow(magnitude, norm_type);
      }
    }
  }
  if (max_norm_type) {
    return total;
  }
  return norm_type == 2.0 ? std::sqrt(total) : std::pow(total, 1.0 / norm_type);
}

}  // namespace

template <class T>
double clip_grad_norm(const std::vector<Tensor<T>>& parameters, double max_norm,
                      double norm_type) {
  detail::check_non_negative("clip_grad_norm", "max_norm", max_norm);
  if (!(norm_type > 0)) {
    throw std::invalid_argument("clip_grad_norm: norm_type must be > 0 or infinity, got " +
                                detail::format_number(norm_type));
  }

  const double total = total_norm(parameters, norm_type);
  const double coefficient = max_norm / (total + norm_offset);
  // Like torch.clamp(max=1), this keeps a NaN coefficient.
  if (!(coefficient < 1.0 || std::isnan(coefficient))) {
    return total;
  }
  const T scale = static_cast<T>(coefficient);
  for (const Tensor<T>& parameter : parameters) {
    TensorImpl<T>& impl = parameter.impl();
    if (impl.has_grad) {
      T* entries = impl.grad.data();
      for (std::size_t i = 0; i < impl.grad.size(); ++i) {
        entries[i] *= scale;
      }
    }
  }
  return total;
}

template <class T>
void clip_grad_value(const std::vector<Tensor<T>>& parameters, double clip_value) {
  detail::check_non_negative("clip_grad_value", "clip_value", clip_value);
  const T bound = static_cast<T>(clip_value);
  for (const Tensor<T>& parameter : parameters) {
    TensorImpl<T>& impl = parameter.impl();
    if (impl.has_grad) {
      T* entries = impl.grad.data();
      for (std::size_t i = 0; i < impl.grad.size(); ++i) {
        // NaN entries stay NaN, as with torch.clamp.
        entries[i] = entries[i] > bound ? bound : (entries[i] < -bound ? -bound : entries[i]);
      }
    }
  }
}

template double clip_grad_norm(const std::vector<Tensor<float>>&, double, double);
template double clip_grad_norm(const std::vector<Tensor<double>>&, double, double);
template void clip_grad_value(const std::vector<Tensor<float>>&, double);
template void clip_grad_value(const std::vector<Tensor<double>>&, double);

}  // namespace tapegrad
