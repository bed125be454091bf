#include <tapegrad/core/tensor.hpp>

#include <ostream>
#include <stdexcept>

#include <xtensor/xbuilder.hpp>
#include <xtensor/xio.hpp>

namespace tapegrad {

template <class T>
Tensor<T>::Tensor(Array<T> value) : impl_(std::make_shared<TensorImpl<T>>()) {
  // Assigned, not passed to make_shared: TensorImpl is an aggregate, and
  // clang 14 (the fuzz build) lacks C++20's parenthesized aggregate init.
  impl_->value = std::move(value);
}

template <class T>
TensorImpl<T>& Tensor<T>::checked() const {
  if (!impl_) {
    throw std::logic_error(
        "Tensor: this handle is empty (default-constructed); assign it the result of an op or "
        "a factory such as parameter() or zeros() before use");
  }
  return *impl_;
}

template <class T>
Array<T>& Tensor<T>::mutable_value() {
  auto& state = checked();
  ++state.version;
  return state.value;
}

template <class T>
const Array<T>& Tensor<T>::grad() const {
  const auto& state = checked();
  if (!state.has_grad) {
    if (!state.requires_grad) {
      throw std::logic_error(
          "Tensor::grad: this tensor does not require grad, so backward never computes one; "
          "create it with parameter() to get a gradient");
    }
    throw std::logic_error(
        "Tensor::grad: no gradient yet; call backward() on a result computed from this tensor "
        "first (zero_grad() also clears it)");
  }
  return state.grad;
}

template <class T>
void Tensor<T>::zero_grad() {
  // The buffer stays, for the next backward pass to reuse.
  checked().has_grad = false;
}

template <class T>
T Tensor<T>::item() const {
  const auto& value = checked().value;
  if (value.size() != 1) {
    throw std::invalid_argument("Tensor::item: needs a tensor with one element, got shape " +
                                format_shape(value.shape()) +
                                "; reduce it first, for example with sum() or mean()");
  }
  return *value.begin();
}

template <class T>
Tensor<T> Tensor<T>::detach() const {
  return Tensor<T>(Array<T>(checked().value));
}

template <class T>
Tensor<T> parameter(Array<T> value) {
  Tensor<T> tensor(std::move(value));
  tensor.impl().requires_grad = true;
  return tensor;
}

template <class T>
Tensor<T> constant(Array<T> value) {
  return Tensor<T>(std::move(value));
}

template <class T>
Tensor<T> zeros(const Shape& shape) {
  checked_size("zeros", shape);
  return Tensor<T>(Array<T>(xt::zeros<T>(shape)));
}

template <class T>
Tensor<T> ones(const Shape& shape) {
  checked_size("ones", shape);
  return Tensor<T>(Array<T>(xt::ones<T>(shape)));
}

template <class T>
Tensor<T> full(const Shape& shape, T fill_value) {
  checked_size("full", shape);
  Array<T> value = xt::empty<T>(shape);
  value.fill(fill_value);
  return Tensor<T>(std::move(value));
}

template <class T>
Tensor<T> uniform(const Shape& shape, T low, T high, Generator& generator) {
  if (!(low < high)) {
    throw std::invalid_argument("uniform: low must be below high, got low " +
                                std::to_string(low) + ", high " + std::to_string(high));
  }
  checked_size("uniform", shape);
  Array<T> value = xt::empty<T>(shape);
  for (auto& entry : value) {
    entry = static_cast<T>(generator.uniform(low, high));
  }
  return Tensor<T>(std::move(value));
}

template <class T>
Tensor<T> normal(const Shape& shape, T mean, T stddev, Generator& generator) {
  if (!(stddev >= 0)) {
    throw std::invalid_argument("normal: stddev must be non-negative, got " +
                                std::to_string(stddev));
  }
  checked_size("normal", shape);
  Array<T> value = xt::empty<T>(shape);
  for (auto& entry : value) {
    entry = static_cast<T>(generator.normal(mean, stddev));
  }
  return Tensor<T>(std::move(value));
}

template <class T>
std::ostream& operator<<(std::ostream& out, const Tensor<T>& tensor) {
  if (!tensor.defined()) {
    return out << "tensor(undefined)";
  }
  out << "tensor(" << tensor.value();
  if (tensor.requires_grad()) {
    out << ", requires_grad";
  }
  return out << ")";
}

template class Tensor<float>;
template class Tensor<double>;

template Tensor<float> parameter(Array<float>);
template Tensor<float> constant(Array<float>);
template Tensor<float> zeros(const Shape&);
template Tensor<float> ones(const Shape&);
template Tensor<float> full(const Shape&, float);
template Tensor<float> uniform(const Shape&, float, float, Generator&);
template Tensor<float> normal(const Shape&, float, float, Generator&);
template std::ostream& operator<<(std::ostream&, const Tensor<float>&);

template Tensor<double> parameter(Array<double>);
template Tensor<double> constant(Array<double>);
template Tensor<double> zeros(const Shape&);
template Tensor<double> ones(const Shape&);
template Tensor<double> full(const Shape&, double);
template Tensor<double> uniform(const Shape&, double, double, Generator&);
template Tensor<double> normal(const Shape&, double, double, Generator&);
template std::ostream& operator<<(std::ostream&, const Tensor<double>&);

}  // namespace tapegrad
