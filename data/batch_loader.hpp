// Mini-batches over an ImageDataset, like torch.utils.data.DataLoader.
//
// Pixels are scaled from bytes to [0, 1] as each batch is drawn, into arrays
// the loader reuses: after the first full batch and the first partial one,
// drawing a batch allocates nothing.
#pragma once

#include <cstddef>
#include <cstdint>
#include <iterator>
#include <optional>
#include <vector>

#include <tapegrad/core/array.hpp>
#include <tapegrad/core/random.hpp>
#include <tapegrad/data/image_dataset.hpp>

namespace tapegrad {

/// Sample order of each epoch: as stored, or newly shuffled.
enum class Shuffle { no, yes };

struct BatchOptions {
  std::size_t batch_size = 64;
  Shuffle shuffle = Shuffle::no;
  /// Seed of the generator that shuffles; the same seed gives the same
  /// sequence of epochs.
  std::uint64_t seed = 0;
  /// Number of samples to use, taken from the start of the data set (all when
  /// empty); for quick runs. A limit above the data set size uses all.
  std::optional<std::size_t> max_samples;
};

template <class T>
struct Batch {
  /// Pixels scaled to [0, 1], shape [B, rows * cols].
  Array<T> images;
  /// Class labels, shape [B].
  std::vector<std::size_t> labels;

  /// Number of samples B: the batch size, or fewer in the last batch.
  std::size_t size() const { return labels.size(); }
};

/// Draws batches from a data set, epoch after epoch. The last batch of an
/// epoch is kept even when it contains fewer than `batch_size` samples. With
/// `Shuffle::yes` each epoch visits a fresh Fisher-Yates permutation.
/// The loader keeps a reference to the data set, which must outlive it.
///
/// Example:
///
///     BatchLoader<float> loader(train, {.batch_size = 128, .shuffle = Shuffle::yes});
///     for (int epoch = 0; epoch < 10; ++epoch) {
///       for (const Batch<float>& batch : loader.epoch()) {
///         Tensor<float> logits = model(constant(batch.images));
///         Tensor<float> loss = cross_entropy(logits, batch.labels);
///         ...
///       }
///     }
template <class T>
class BatchLoader {
 public:
  class Iterator;

  /// Range over the batches of one epoch, for a range-based for loop.
  class Epoch {
   public:
    explicit Epoch(BatchLoader& loader) : loader_(&loader) {}
    Iterator begin() { return Iterator(loader_); }
    std::default_sentinel_t end() const { return {}; }

   private:
    BatchLoader* loader_;
  };

  class Iterator {
   public:
    using value_type = Batch<T>;
    using difference_type = std::ptrdiff_t;

    Iterator() = default;
    explicit Iterator(BatchLoader* loader) : loader_(loader), batch_(loader->next()) {}

    const Batch<T>& operator*() const { return *batch_; }
    const Batch<T>* operator->() const { return batch_; }
    Iterator& operator++() {
      batch_ = loader_->next();
      return *this;
    }
    void operator++(int) { ++*this; }
    bool operator==(std::default_sentinel_t) const { return batch_ == nullptr; }

   private:
    BatchLoader* loader_ = nullptr;
    const Batch<T>* batch_ = nullptr;
  };

  /// Raises std::invalid_argument for a zero batch size or `max_samples`, or
  /// for a data set whose pixel or label count does not match its size.
  BatchLoader(const ImageDataset& dataset, BatchOptions options);
  /// A temporary data set would be destroyed while the loader still reads it.
  BatchLoader(ImageDataset&& dataset, BatchOptions options) = delete;

  /// Number of samples an epoch visits.
  std::size_t sample_count() const { return order_.size(); }

  /// Number of batches per epoch, the last partial one included.
  std::size_t batch_count() const;

  /// Starts an epoch, shuffling first when the options ask for it, and
  /// returns a range over its batches.
  Epoch epoch() {
    start_epoch();
    return Epoch(*this);
  }

  /// Starts an epoch, shuffling first when the options ask for it.
  void start_epoch();

  /// Draws the next batch of the epoch, or returns nullptr after the last.
  /// The batch stays valid until the next call. Raises std::logic_error when
  /// no epoch was started.
  const Batch<T>* next();

 private:
  const ImageDataset& dataset_;
  BatchOptions options_;
  Generator generator_;
  /// Sample indices in this epoch's order.
  std::vector<std::size_t> order_;
  std::size_t position_ = 0;
  bool epoch_started_ = false;
  /// Reused storage for full batches and for the last, partial one.
  Batch<T> full_batch_;
  Batch<T> partial_batch_;
};

extern template class BatchLoader<float>;
extern template class BatchLoader<double>;

}  // namespace tapegrad
