#include <tapegrad/layers/flatten.hpp>

#include <tapegrad/core/ops/shape.hpp>

namespace tapegrad {

template <class T>
Tensor<T> Flatten<T>::forward(const Tensor<T>& input) {
  return flatten(input, start_axis_);
}

template <class T>
std::string Flatten<T>::to_string() const {
  return "Flatten(start_axis=" + std::to_string(start_axis_) + ")";
}

template class Flatten<float>;
template class Flatten<double>;

}  // namespace tapegrad
