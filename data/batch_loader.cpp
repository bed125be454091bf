#include <tapegrad/data/batch_loader.hpp>

#include <algorithm>
#include <array>
#include <numeric>
#include <stdexcept>
#include <string>
#include <utility>

namespace tapegrad {
namespace {

constexpr int max_pixel = 255;

void check_dataset(const ImageDataset& dataset) {
  if (dataset.pixels.size() != dataset.size() * dataset.features()) {
    throw std::invalid_argument(
        "BatchLoader: the data set has " + std::to_string(dataset.pixels.size()) +
        " pixels but " + std::to_string(dataset.size()) + " labels of " +
        std::to_string(dataset.rows) + " x " + std::to_string(dataset.cols) + " images need " +
        std::to_string(dataset.size() * dataset.features()));
  }
}

}  // namespace

template <class T>
BatchLoader<T>::BatchLoader(const ImageDataset& dataset, BatchOptions options)
    : dataset_(dataset), options_(options), generator_(options.seed) {
  if (options.batch_size == 0) {
    throw std::invalid_argument("BatchLoader: batch_size must be positive, got 0");
  }
  if (options.max_samples == std::size_t{0}) {
    throw std::invalid_argument(
        "BatchLoader: max_samples must be positive, got 0; leave it empty to use every sample");
  }
  check_dataset(dataset);

  const std::size_t count = std::min(dataset.size(), options.max_samples.value_or(dataset.size()));
  order_.resize(count);
  std::iota(order_.begin(), order_.end(), std::size_t{0});
}

template <class T>
std::size_t BatchLoader<T>::batch_count() const {
  return (order_.size() + options_.batch_size - 1) / options_.batch_size;
}

template <class T>
void BatchLoader<T>::start_epoch() {
  if (options_.shuffle == Shuffle::yes) {
    // A fresh permutation each epoch, as torch.randperm gives: Fisher-Yates
    // from the stored order, where position i takes a uniform pick among
    // positions [0, i].
    std::iota(order_.begin(), order_.end(), std::size_t{0});
    for (std::size_t i = order_.size(); i > 1; --i) {
      const auto j = static_cast<std::size_t>(generator_.below(i));
      std::swap(order_[i - 1], order_[j]);
    }
  }
  position_ = 0;
  epoch_started_ = true;
}

template <class T>
const Batch<T>* BatchLoader<T>::next() {
  if (!epoch_started_) {
    throw std::logic_error(
        "BatchLoader::next: no epoch was started; call start_epoch() first, or iterate over "
        "epoch()");
  }
  if (position_ >= order_.size()) {
    return nullptr;
  }
  const std::size_t count = std::min(options_.batch_size, order_.size() - position_);
  Batch<T>& batch = count == options_.batch_size ? full_batch_ : partial_batch_;

  const std::size_t features = dataset_.features();
  const std::array<std::size_t, 2> shape{count, features};
  if (batch.images.dimension() != 2 ||
      !std::equal(shape.begin(), shape.end(), batch.images.shape().begin())) {
    batch.images.resize(shape);
  }
  batch.labels.resize(count);

  // A division in T is exactly p / 255 rounded once, and unlike a lookup
  // table it vectorizes.
  const T scale = static_cast<T>(max_pixel);
  T* destination = batch.images.data();
  for (std::size_t row = 0; row < count; ++row) {
    const std::size_t sample = order_[position_ + row];
    const std::uint8_t* source = dataset_.pixels.data() + sample * features;
    for (std::size_t k = 0; k < features; ++k) {
      destination[k] = static_cast<T>(source[k]) / scale;
    }
    destination += features;
    batch.labels[row] = dataset_.labels[sample];
  }
  position_ += count;
  return &batch;
}

template class BatchLoader<float>;
template class BatchLoader<double>;

}  // namespace tapegrad
