// Module: the base class of layers and models.
//
// A module computes `forward(input)` from ops and keeps its parameters as plain
// Tensor members. It lists them through two overridable functions: its own
// parameters (`own_parameters`) and its direct submodules (`named_children`).
// The base class builds everything else from those two lists: dotted parameter
// names, train/eval switching, zero_grad and printing. There is no
// registration step.
//
// Example, a block y = x + relu(W x + b) around a Dense child:
//
//   class Residual : public Module<float> {
//    public:
//     explicit Residual(std::size_t width) : dense_(std::make_shared<Dense<float>>(width, width)) {}
//     Tensor<float> forward(const Tensor<float>& x) override { return add(x, relu(dense_->forward(x))); }
//     NamedModules named_children() const override { return {{"dense", dense_}}; }
//     std::string to_string() const override { return to_string_with_children("Residual"); }
//    private:
//     std::shared_ptr<Dense<float>> dense_;
//   };
//
// Its named_parameters() are `dense.weight` and `dense.bias`.
#pragma once

#include <iosfwd>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <tapegrad/core/tensor.hpp>

namespace tapegrad {

template <class T = float>
class Module {
 public:
  using NamedTensors = std::vector<std::pair<std::string, Tensor<T>>>;
  using NamedModules = std::vector<std::pair<std::string, std::shared_ptr<Module<T>>>>;

  Module() = default;
  // Copies would share parameter tensors, so a copied layer would train its
  // original too; modules are shared through std::shared_ptr instead.
  Module(const Module&) = delete;
  Module& operator=(const Module&) = delete;
  virtual ~Module() = default;

  /// Computes the module's output from ops, which the tape records for backward.
  virtual Tensor<T> forward(const Tensor<T>& input) = 0;
  Tensor<T> operator()(const Tensor<T>& input) { return forward(input); }

  /// Returns the parameters this module keeps itself, without those of its
  /// children, named such as `weight`. Override it in a layer that has some.
  virtual NamedTensors own_parameters() const { return {}; }

  /// Returns the direct submodules with their names (`0`, `1` in a
  /// Sequential). Override it in a module that contains others.
  virtual NamedModules named_children() const { return {}; }

  /// Returns every parameter of this module and its submodules, depth first,
  /// named by dotted paths (`0.weight`, `2.bias`). A tensor reachable by two
  /// paths appears once, under the first, as in PyTorch.
  NamedTensors named_parameters() const;

  /// Returns the tensors of `named_parameters()`, in the same order.
  std::vector<Tensor<T>> parameters() const;

  /// Clears the gradient of every parameter (see Tensor::zero_grad).
  void zero_grad();

  /// Switches this module and every submodule to training mode, which
  /// layers such as Dropout act on. Modules start in training mode.
  void train();

  /// Switches this module and every submodule to evaluation mode.
  void eval();

  bool is_training() const noexcept { return training_; }

  /// One-line description such as `Dense(in=784, out=256, activation=relu)`;
  /// containers list their children on the following lines. The default
  /// prints `Module` with the children.
  virtual std::string to_string() const;

 protected:
  /// Returns `type_name()` for a module without children, or `type_name(`
  /// followed by one `  (name): child` line per child and a closing `)`, the
  /// layout PyTorch prints containers in.
  std::string to_string_with_children(const std::string& type_name) const;

 private:
  void set_training(bool training);

  bool training_ = true;
};

template <class T>
std::ostream& operator<<(std::ostream& out, const Module<T>& module);

extern template class Module<float>;
extern template class Module<double>;

}  // namespace tapegrad
