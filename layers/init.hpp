// Weight initializers: Xavier/Glorot and He/Kaiming, uniform and normal, plus
// zeros and constant.
//
// Each one overwrites a tensor's value in place, keeping its shape, and draws
// from a tapegrad::Generator, so a seed reproduces the same weights on every
// platform. The formulas are those of torch.nn.init:
//   fan_in  = in * receptive field, fan_out = out * receptive field, for a
//             weight [out, in, k1, k2, ...] with receptive field k1 * k2 * ...
//   xavier_uniform  U(-a, a), a = gain * sqrt(6 / (fan_in + fan_out))
//   xavier_normal   N(0, std^2), std = gain * sqrt(2 / (fan_in + fan_out))
//   kaiming_uniform U(-a, a), a = gain * sqrt(3 / fan)
//   kaiming_normal  N(0, std^2), std = gain / sqrt(fan)
// where fan is fan_in (the default, which keeps the forward variance) or
// fan_out (which keeps the backward variance).
#pragma once

#include <cstddef>
#include <numbers>

#include <tapegrad/core/random.hpp>
#include <tapegrad/core/tensor.hpp>

namespace tapegrad::init {

/// Gain for ReLU: relu halves the second moment of a zero-mean input, and a
/// weight variance of 2 / fan_in makes up for it (He et al., 2015).
inline constexpr double relu_gain = std::numbers::sqrt2;

/// Gain for leaky_relu with `slope` on the negative side: sqrt(2 / (1 + slope^2)).
double leaky_relu_gain(double slope);

/// Fan that the Kaiming initializers scale by.
enum class FanMode { fan_in, fan_out };

struct Fans {
  std::size_t fan_in;
  std::size_t fan_out;
};

/// Returns the fans of a weight of `shape` [out, in, ...]. Raises
/// `std::invalid_argument` for a shape of rank below 2 or with a zero extent.
Fans compute_fans(const Shape& shape, const char* caller = "compute_fans");

template <class T>
void xavier_uniform(Tensor<T>& tensor, Generator& generator, double gain = 1.0);
template <class T>
void xavier_normal(Tensor<T>& tensor, Generator& generator, double gain = 1.0);
template <class T>
void kaiming_uniform(Tensor<T>& tensor, Generator& generator, double gain = relu_gain,
                     FanMode mode = FanMode::fan_in);
template <class T>
void kaiming_normal(Tensor<T>& tensor, Generator& generator, double gain = relu_gain,
                    FanMode mode = FanMode::fan_in);

/// Sets every entry to 0. Any rank, biases included.
template <class T>
void zeros(Tensor<T>& tensor);
/// Sets every entry to `value`. Any rank.
template <class T>
void constant(Tensor<T>& tensor, double value);

}  // namespace tapegrad::init
