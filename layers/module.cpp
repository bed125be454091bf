#include <tapegrad/layers/module.hpp>

#include <ostream>
#include <stdexcept>
#include <unordered_set>

namespace tapegrad {
namespace {

template <class T>
Module<T>& checked_child(const std::shared_ptr<Module<T>>& child, const std::string& path) {
  if (!child) {
    throw std::logic_error("Module: the submodule '" + path +
                           "' is a null pointer; create it before listing it in named_children()");
  }
  return *child;
}

// Appends the parameters of `module` and of its submodules under `prefix`,
// skipping tensors already collected through another path.
template <class T>
void collect_parameters(const Module<T>& module, const std::string& prefix,
                        typename Module<T>::NamedTensors& collected,
                        std::unordered_set<const TensorImpl<T>*>& seen) {
  for (auto& [name, tensor] : module.own_parameters()) {
    if (!tensor.defined()) {
      throw std::logic_error("Module: the parameter '" + prefix + name +
                             "' is an empty Tensor handle; create it with parameter() in the "
                             "constructor");
    }
    if (seen.insert(&tensor.impl()).second) {
      collected.emplace_back(prefix + name, std::move(tensor));
    }
  }
  for (const auto& [name, child] : module.named_children()) {
    collect_parameters(checked_child(child, prefix + name), prefix + name + ".", collected, seen);
  }
}

// Indents every line after the first by two spaces, so a nested container
// lines up under its parent's entry.
std::string indent_following_lines(const std::string& text) {
  std::string indented;
  for (char character : text) {
    indented += character;
    if (character == '\n') {
      indented += "  ";
    }
  }
  return indented;
}

}  // namespace

template <class T>
typename Module<T>::NamedTensors Module<T>::named_parameters() const {
  NamedTensors collected;
  std::unordered_set<const TensorImpl<T>*> seen;
  collect_parameters(*this, "", collected, seen);
  return collected;
}

template <class T>
std::vector<Tensor<T>> Module<T>::parameters() const {
  std::vector<Tensor<T>> tensors;
  for (auto& [name, tensor] : named_parameters()) {
    tensors.push_back(std::move(tensor));
  }
  return tensors;
}

template <class T>
void Module<T>::zero_grad() {
  for (Tensor<T>& tensor : parameters()) {
    tensor.zero_grad();
  }
}

template <class T>
void Module<T>::train() {
  set_training(true);
}

template <class T>
void Module<T>::eval() {
  set_training(false);
}

template <class T>
void Module<T>::set_training(bool training) {
  training_ = training;
  for (const auto& [name, child] : named_children()) {
    checked_child(child, name).set_training(training);
  }
}

template <class T>
std::string Module<T>::to_string() const {
  return to_string_with_children("Module");
}

template <class T>
std::string Module<T>::to_string_with_children(const std::string& type_name) const {
  const NamedModules children = named_children();
  if (children.empty()) {
    return type_name + "()";
  }
  std::string text = type_name + "(\n";
  for (const auto& [name, child] : children) {
    text += "  (" + name + "): " + indent_following_lines(checked_child(child, name).to_string()) +
            "\n";
  }
  return text + ")";
}

template <class T>
std::ostream& operator<<(std::ostream& out, const Module<T>& module) {
  return out << module.to_string();
}

template class Module<float>;
template class Module<double>;

template std::ostream& operator<<(std::ostream&, const Module<float>&);
template std::ostream& operator<<(std::ostream&, const Module<double>&);

}  // namespace tapegrad
