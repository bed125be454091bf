#include <tapegrad/layers/mlp.hpp>

#include <stdexcept>
#include <string>

#include <tapegrad/layers/activation.hpp>
#include <tapegrad/layers/dense.hpp>

namespace tapegrad {

template <class T>
std::shared_ptr<Sequential<T>> MLP(const std::vector<std::size_t>& sizes, Generator& generator) {
  if (sizes.size() < 2) {
    throw std::invalid_argument("MLP: sizes must list the input width and at least one layer "
                                "width, such as {784, 256, 10}, got " + format_shape(sizes));
  }
  for (std::size_t size : sizes) {
    if (size == 0) {
      throw std::invalid_argument("MLP: every size must be positive, got " + format_shape(sizes));
    }
  }
  auto model = std::make_shared<Sequential<T>>();
  for (std::size_t layer = 0; layer + 1 < sizes.size(); ++layer) {
    model->add(std::make_shared<Dense<T>>(sizes[layer], sizes[layer + 1], Activation::none,
                                          generator));
    const bool is_last = layer + 2 == sizes.size();
    if (!is_last) {
      model->add(std::make_shared<ReLU<T>>());
    }
  }
  return model;
}

template <class T>
std::shared_ptr<Sequential<T>> MLP(const std::vector<std::size_t>& sizes, std::uint64_t seed) {
  Generator generator(seed);
  return MLP<T>(sizes, generator);
}

template std::shared_ptr<Sequential<float>> MLP(const std::vector<std::size_t>&, Generator&);
template std::shared_ptr<Sequential<double>> MLP(const std::vector<std::size_t>&, Generator&);
template std::shared_ptr<Sequential<float>> MLP(const std::vector<std::size_t>&, std::uint64_t);
template std::shared_ptr<Sequential<double>> MLP(const std::vector<std::size_t>&, std::uint64_t);

}  // namespace tapegrad
