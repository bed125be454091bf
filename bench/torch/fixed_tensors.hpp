// libtorch tensors filled by bench::fill_fixed_values.
#pragma once

#include <cstdint>
#include <vector>

#include <torch/torch.h>

#include "fixed_values.hpp"

namespace bench {

inline torch::Tensor fixed_tensor(const std::vector<std::int64_t>& shape, std::uint32_t seed) {
  torch::Tensor values = torch::empty(shape, torch::kFloat32);
  fill_fixed_values(values.data_ptr<float>(), static_cast<std::size_t>(values.numel()), seed);
  return values;
}

/// Releases a leaf's gradient, as zero_grad(set_to_none=true) does.
inline void release_grad(torch::Tensor& leaf) { leaf.mutable_grad().reset(); }

}  // namespace bench
