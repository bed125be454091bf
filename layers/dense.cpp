#include <tapegrad/layers/dense.hpp>

#include <stdexcept>

#include <xtensor/xbuilder.hpp>

#include <tapegrad/core/ops/elementwise.hpp>
#include <tapegrad/core/ops/linalg.hpp>
#include <tapegrad/core/ops/unary.hpp>
#include <tapegrad/layers/init.hpp>

namespace tapegrad {

std::string to_string(Activation activation) {
  switch (activation) {
    case Activation::none:
      return "none";
    case Activation::relu:
      return "relu";
  }
  return "unknown";
}

template <class T>
Dense<T>::Dense(std::size_t in, std::size_t out, Activation activation, Generator& generator)
    : in_(in), out_(out), activation_(activation) {
  create_parameters(generator);
}

template <class T>
Dense<T>::Dense(std::size_t in, std::size_t out, Generator& generator)
    : Dense(in, out, Activation::none, generator) {}

template <class T>
Dense<T>::Dense(std::size_t in, std::size_t out, Activation activation, std::uint64_t seed)
    : in_(in), out_(out), activation_(activation) {
  Generator generator(seed);
  create_parameters(generator);
}

template <class T>
void Dense<T>::create_parameters(Generator& generator) {
  if (in_ == 0 || out_ == 0) {
    throw std::invalid_argument("Dense: in and out must be positive, got in=" +
                                std::to_string(in_) + ", out=" + std::to_string(out_));
  }
  checked_size("Dense", Shape{out_, in_});
  weight_ = parameter<T>(xt::empty<T>(Shape{out_, in_}));
  bias_ = parameter<T>(xt::zeros<T>(Shape{out_}));
  // He uniform rather than PyTorch's default for Linear, kaiming_uniform with
  // a = sqrt(5), which is U(-1/sqrt(in), 1/sqrt(in)) with variance 1 / (3 in).
  // Behind a ReLU that variance shrinks the second moment of the activations
  // by a factor of 6 per layer, while He's 2 / in keeps it constant, so deep
  // ReLU MLPs start with usable gradients. Uniform rather than normal keeps
  // every weight within a known bound. Zero biases follow He et al. (2015).
  init::kaiming_uniform(weight_, generator, init::relu_gain);
}

template <class T>
void Dense<T>::check_input(const Tensor<T>& input) const {
  const auto& shape = input.shape();
  const bool is_vector = shape.size() == 1 && shape[0] == in_;
  const bool is_batch = shape.size() == 2 && shape[1] == in_;
  if (!is_vector && !is_batch) {
    throw std::invalid_argument(to_string() + ": expected an input [" + std::to_string(in_) +
                                "] or a batch [N, " + std::to_string(in_) + "], got " +
                                format_shape(shape) + " (weight [out, in] is " +
                                format_shape(weight_.shape()) +
                                "); the last dimension of the input must equal in");
  }
}

template <class T>
Tensor<T> Dense<T>::forward(const Tensor<T>& input) {
  check_input(input);
  // y = W x for one vector; Y = X W^T for a batch, so the weight stays [out, in].
  Tensor<T> product =
      input.dim() == 1 ? matmul(weight_, input) : matmul(input, weight_, Transpose::rhs);
  Tensor<T> output = add(product, bias_);
  if (activation_ == Activation::relu) {
    return relu(output);
  }
  return output;
}

template <class T>
typename Module<T>::NamedTensors Dense<T>::own_parameters() const {
  return {{"weight", weight_}, {"bias", bias_}};
}

template <class T>
std::string Dense<T>::to_string() const {
  return "Dense(in=" + std::to_string(in_) + ", out=" + std::to_string(out_) +
         ", activation=" + tapegrad::to_string(activation_) + ")";
}

template class Dense<float>;
template class Dense<double>;

}  // namespace tapegrad
