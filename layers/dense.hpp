// Dense: the fully connected layer y = activation(W x + b), PyTorch's Linear.
//
// Shapes: weight [out, in], bias [out]; input [in] -> output [out], or a
// batch [N, in] -> [N, out].
//
// The forward pass is made of the core ops matmul, add and relu, so the tape
// records it and backward needs no code of its own here.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include <tapegrad/core/random.hpp>
#include <tapegrad/layers/module.hpp>

namespace tapegrad {

/// Activation a Dense layer applies to W x + b.
enum class Activation { none, relu };

/// Returns the name printed for `activation`: `none` or `relu`.
std::string to_string(Activation activation);

/// Example:
///
///   Generator generator(42);
///   Dense<float> hidden(784, 256, Activation::relu, generator);
///   Tensor<float> h = hidden(images);  // images [N, 784] -> h [N, 256]
template <class T = float>
class Dense : public Module<T> {
 public:
  /// Creates the layer with weights drawn from `generator`: He (Kaiming)
  /// uniform weights, U(-sqrt(6 / in), sqrt(6 / in)), and zero biases.
  /// Raises `std::invalid_argument` when `in` or `out` is 0.
  Dense(std::size_t in, std::size_t out, Activation activation, Generator& generator);
  Dense(std::size_t in, std::size_t out, Generator& generator);

  /// Creates the layer with weights drawn from a Generator seeded with `seed`.
  /// NOTE: layers built with the same seed start with the same weights. Pass
  /// one Generator to every layer of a model, as MLP does, to make them differ.
  Dense(std::size_t in, std::size_t out, Activation activation = Activation::none,
        std::uint64_t seed = 0);

  /// Returns activation(W x + b) for x [in], or activation(X W^T + b) for a
  /// batch X [N, in], where the transpose goes to gemm as a flag, not a copy.
  /// Raises `std::invalid_argument` naming the layer and both shapes when the
  /// input is not [in] or [N, in].
  Tensor<T> forward(const Tensor<T>& input) override;

  /// Returns `weight` [out, in] and `bias` [out].
  typename Module<T>::NamedTensors own_parameters() const override;

  /// Returns `Dense(in=784, out=256, activation=relu)`.
  std::string to_string() const override;

  /// The weight handle [out, in]. Writing through `mutable_value()` changes the
  /// layer, which is how initializers and optimizers reach it.
  Tensor<T>& weight() noexcept { return weight_; }
  const Tensor<T>& weight() const noexcept { return weight_; }
  /// The bias handle [out].
  Tensor<T>& bias() noexcept { return bias_; }
  const Tensor<T>& bias() const noexcept { return bias_; }

  std::size_t in_features() const noexcept { return in_; }
  std::size_t out_features() const noexcept { return out_; }
  Activation activation() const noexcept { return activation_; }

 private:
  void create_parameters(Generator& generator);
  void check_input(const Tensor<T>& input) const;

  std::size_t in_;
  std::size_t out_;
  Activation activation_;
  Tensor<T> weight_;
  Tensor<T> bias_;
};

extern template class Dense<float>;
extern template class Dense<double>;

}  // namespace tapegrad
