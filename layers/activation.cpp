#include <tapegrad/layers/activation.hpp>

#include <cmath>
#include <sstream>
#include <stdexcept>

#include <tapegrad/core/ops/loss.hpp>
#include <tapegrad/core/ops/unary.hpp>

namespace tapegrad {

template <class T>
Tensor<T> ReLU<T>::forward(const Tensor<T>& input) {
  return relu(input);
}

template <class T>
LeakyReLU<T>::LeakyReLU(double slope) : slope_(slope) {
  if (!std::isfinite(slope)) {
    throw std::invalid_argument("LeakyReLU: slope must be finite, got " + std::to_string(slope));
  }
}

template <class T>
Tensor<T> LeakyReLU<T>::forward(const Tensor<T>& input) {
  return leaky_relu(input, slope_);
}

template <class T>
std::string LeakyReLU<T>::to_string() const {
  // A stream prints 0.01 as `0.01`; std::to_string would print `0.010000`.
  std::ostringstream text;
  text << "LeakyReLU(slope=" << slope_ << ")";
  return text.str();
}

template <class T>
Tensor<T> Sigmoid<T>::forward(const Tensor<T>& input) {
  return sigmoid(input);
}

template <class T>
Tensor<T> Tanh<T>::forward(const Tensor<T>& input) {
  return tanh(input);
}

template <class T>
Tensor<T> Softmax<T>::forward(const Tensor<T>& input) {
  return softmax(input, axis_);
}

template <class T>
std::string Softmax<T>::to_string() const {
  return "Softmax(axis=" + std::to_string(axis_) + ")";
}

template class ReLU<float>;
template class ReLU<double>;
template class LeakyReLU<float>;
template class LeakyReLU<double>;
template class Sigmoid<float>;
template class Sigmoid<double>;
template class Tanh<float>;
template class Tanh<double>;
template class Softmax<float>;
template class Softmax<double>;

}  // namespace tapegrad
