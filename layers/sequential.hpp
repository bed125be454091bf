// Sequential: a chain of modules, each fed the previous one's output.
//
// Children are named by position, so parameters read `0.weight`, `2.bias`, as
// in a PyTorch nn.Sequential.
#pragma once

#include <cstddef>
#include <initializer_list>
#include <memory>
#include <string>
#include <vector>

#include <tapegrad/layers/module.hpp>

namespace tapegrad {

/// Example:
///
///   auto model = std::make_shared<Sequential<float>>();
///   model->add(std::make_shared<Dense<float>>(784, 256, Activation::none, 1))
///       .add(std::make_shared<ReLU<float>>())
///       .add(std::make_shared<Dense<float>>(256, 10, Activation::none, 2));
///   Tensor<float> logits = model->forward(images);  // [N, 784] -> [N, 10]
template <class T = float>
class Sequential : public Module<T> {
 public:
  Sequential() = default;
  /// Raises `std::invalid_argument` for a null module, as `add` does.
  Sequential(std::initializer_list<std::shared_ptr<Module<T>>> modules);

  /// Appends `module` and returns this Sequential, so calls can be chained.
  /// Raises `std::invalid_argument` for a null pointer.
  Sequential& add(std::shared_ptr<Module<T>> module);

  std::size_t size() const noexcept { return modules_.size(); }
  bool empty() const noexcept { return modules_.empty(); }

  /// Returns the module at `index`. Raises `std::out_of_range` past the end.
  const std::shared_ptr<Module<T>>& operator[](std::size_t index) const;

  /// Runs the modules in order. An empty Sequential returns its input.
  Tensor<T> forward(const Tensor<T>& input) override;

  /// Returns the modules named `0`, `1`, ...
  typename Module<T>::NamedModules named_children() const override;

  /// Returns `Sequential(` with one `  (index): module` line per module and
  /// a closing `)`.
  std::string to_string() const override;

 private:
  std::vector<std::shared_ptr<Module<T>>> modules_;
};

extern template class Sequential<float>;
extern template class Sequential<double>;

}  // namespace tapegrad
