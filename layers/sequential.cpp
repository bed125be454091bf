#include <tapegrad/layers/sequential.hpp>

#include <stdexcept>

namespace tapegrad {

template <class T>
Sequential<T>::Sequential(std::initializer_list<std::shared_ptr<Module<T>>> modules) {
  for (const auto& module : modules) {
    add(module);
  }
}

template <class T>
Sequential<T>& Sequential<T>::add(std::shared_ptr<Module<T>> module) {
  if (!module) {
    throw std::invalid_argument("Sequential::add: module " + std::to_string(modules_.size()) +
                                " is a null pointer; pass a module created with "
                                "std::make_shared");
  }
  modules_.push_back(std::move(module));
  return *this;
}

template <class T>
const std::shared_ptr<Module<T>>& Sequential<T>::operator[](std::size_t index) const {
  if (index >= modules_.size()) {
    throw std::out_of_range("Sequential: index " + std::to_string(index) +
                            " is out of range for " + std::to_string(modules_.size()) +
                            " modules");
  }
  return modules_[index];
}

template <class T>
Tensor<T> Sequential<T>::forward(const Tensor<T>& input) {
  Tensor<T> output = input;
  for (const auto& module : modules_) {
    output = module->forward(output);
  }
  return output;
}

template <class T>
typename Module<T>::NamedModules Sequential<T>::named_children() const {
  typename Module<T>::NamedModules children;
  children.reserve(modules_.size());
  for (std::size_t index = 0; index < modules_.size(); ++index) {
    children.emplace_back(std::to_string(index), modules_[index]);
  }
  return children;
}

template <class T>
std::string Sequential<T>::to_string() const {
  return this->to_string_with_children("Sequential");
}

template class Sequential<float>;
template class Sequential<double>;

}  // namespace tapegrad
