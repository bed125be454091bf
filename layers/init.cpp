#include <tapegrad/layers/init.hpp>

#include <cmath>
#include <stdexcept>
#include <string>

namespace tapegrad::init {
namespace {

void check_gain(const char* caller, double gain) {
  if (!(gain >= 0.0) || !std::isfinite(gain)) {
    throw std::invalid_argument(std::string(caller) +
                                ": gain must be finite and non-negative, got " +
                                std::to_string(gain));
  }
}

std::size_t selected_fan(const Fans& fans, FanMode mode) {
  return mode == FanMode::fan_in ? fans.fan_in : fans.fan_out;
}

template <class T>
void fill_uniform(Tensor<T>& tensor, Generator& generator, double bound) {
  for (T& entry : tensor.mutable_value()) {
    entry = static_cast<T>(generator.uniform(-bound, bound));
  }
}

template <class T>
void fill_normal(Tensor<T>& tensor, Generator& generator, double stddev) {
  for (T& entry : tensor.mutable_value()) {
    entry = static_cast<T>(generator.normal(0.0, stddev));
  }
}

}  // namespace

double leaky_relu_gain(double slope) {
  return std::sqrt(2.0 / (1.0 + slope * slope));
}

Fans compute_fans(const Shape& shape, const char* caller) {
  if (shape.size() < 2) {
    throw std::invalid_argument(std::string(caller) +
                                ": fans need a weight of rank 2 or more, [out, in, ...], got "
                                "shape " + format_shape(shape) +
                                "; initialize a bias with zeros() or constant()");
  }
  std::size_t receptive_field = 1;
  for (std::size_t axis = 2; axis < shape.size(); ++axis) {
    receptive_field *= shape[axis];
  }
  const Fans fans{shape[1] * receptive_field, shape[0] * receptive_field};
  if (fans.fan_in == 0 || fans.fan_out == 0) {
    throw std::invalid_argument(std::string(caller) + ": the weight shape " + format_shape(shape) +
                                " has a zero extent, so its fans are 0");
  }
  return fans;
}

template <class T>
void xavier_uniform(Tensor<T>& tensor, Generator& generator, double gain) {
  check_gain("xavier_uniform", gain);
  const Fans fans = compute_fans(to_shape(tensor.shape()), "xavier_uniform");
  const double fan_sum = static_cast<double>(fans.fan_in + fans.fan_out);
  fill_uniform(tensor, generator, gain * std::sqrt(6.0 / fan_sum));
}

template <class T>
void xavier_normal(Tensor<T>& tensor, Generator& generator, double gain) {
  check_gain("xavier_normal", gain);
  const Fans fans = compute_fans(to_shape(tensor.shape()), "xavier_normal");
  const double fan_sum = static_cast<double>(fans.fan_in + fans.fan_out);
  fill_normal(tensor, generator, gain * std::sqrt(2.0 / fan_sum));
}

template <class T>
void kaiming_uniform(Tensor<T>& tensor, Generator& generator, double gain, FanMode mode) {
  check_gain("kaiming_uniform", gain);
  const Fans fans = compute_fans(to_shape(tensor.shape()), "kaiming_uniform");
  const double fan = static_cast<double>(selected_fan(fans, mode));
  fill_uniform(tensor, generator, gain * std::sqrt(3.0 / fan));
}

template <class T>
void kaiming_normal(Tensor<T>& tensor, Generator& generator, double gain, FanMode mode) {
  check_gain("kaiming_normal", gain);
  const Fans fans = compute_fans(to_shape(tensor.shape()), "kaiming_normal");
  const double fan = static_cast<double>(selected_fan(fans, mode));
  fill_normal(tensor, generator, gain / std::sqrt(fan));
}

template <class T>
void zeros(Tensor<T>& tensor) {
  tensor.mutable_value().fill(T(0));
}

template <class T>
void constant(Tensor<T>& tensor, double value) {
  tensor.mutable_value().fill(static_cast<T>(value));
}

template void xavier_uniform(Tensor<float>&, Generator&, double);
template void xavier_normal(Tensor<float>&, Generator&, double);
template void kaiming_uniform(Tensor<float>&, Generator&, double, FanMode);
template void kaiming_normal(Tensor<float>&, Generator&, double, FanMode);
template void zeros(Tensor<float>&);
template void constant(Tensor<float>&, double);

template void xavier_uniform(Tensor<double>&, Generator&, double);
template void xavier_normal(Tensor<double>&, Generator&, double);
template void kaiming_uniform(Tensor<double>&, Generator&, double, FanMode);
template void kaiming_normal(Tensor<double>&, Generator&, double, FanMode);
template void zeros(Tensor<double>&);
template void constant(Tensor<double>&, double);

}  // namespace tapegrad::init
