// BatchLoader: batch sizes, scaling, shuffling, sample limits and buffer reuse.
#include <catch2/catch.hpp>

#include <algorithm>
#include <map>
#include <numeric>
#include <stdexcept>

#include <tapegrad/data/batch_loader.hpp>

using namespace tapegrad;

namespace {

// Tolerance for a pixel scaled to float: p / 255 rounded once.
constexpr double scale_tolerance = 1e-7;

// `count` images of 1 x 2 pixels; image i has pixels {i, 255 - i} and label
// i % 10, so every value names its sample.
ImageDataset numbered_dataset(std::size_t count) {
  ImageDataset dataset;
  dataset.rows = 1;
  dataset.cols = 2;
  dataset.class_count = 10;
  for (std::size_t i = 0; i < count; ++i) {
    dataset.pixels.push_back(static_cast<std::uint8_t>(i));
    dataset.pixels.push_back(static_cast<std::uint8_t>(255 - i));
    dataset.labels.push_back(i % 10);
  }
  return dataset;
}

// The sample index each row of `batch` came from, read back from its first
// pixel (i / 255, so i = round(pixel * 255)).
template <class T>
std::vector<std::size_t> sample_indices(const Batch<T>& batch) {
  std::vector<std::size_t> indices;
  for (std::size_t row = 0; row < batch.size(); ++row) {
    indices.push_back(static_cast<std::size_t>(std::lround(batch.images(row, 0) * 255)));
  }
  return indices;
}

template <class T>
std::vector<std::size_t> epoch_order(BatchLoader<T>& loader) {
  std::vector<std::size_t> order;
  for (const Batch<T>& batch : loader.epoch()) {
    const auto indices = sample_indices(batch);
    order.insert(order.end(), indices.begin(), indices.end());
  }
  return order;
}

}  // namespace

TEMPLATE_TEST_CASE("batch loader keeps partial batch", "[data][batches]", float, double) {
  using T = TestType;
  const ImageDataset dataset = numbered_dataset(10);
  BatchLoader<T> loader(dataset, {.batch_size = 4});
  CHECK(loader.sample_count() == 10);
  CHECK(loader.batch_count() == 3);

  std::vector<std::size_t> sizes;
  std::vector<std::size_t> labels;
  for (const Batch<T>& batch : loader.epoch()) {
    sizes.push_back(batch.size());
    CHECK(batch.images.shape(0) == batch.size());
    CHECK(batch.images.shape(1) == 2);
    labels.insert(labels.end(), batch.labels.begin(), batch.labels.end());
  }
  CHECK(sizes == std::vector<std::size_t>{4, 4, 2});
  CHECK(labels == std::vector<std::size_t>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9});
}

TEMPLATE_TEST_CASE("batch loader scales pixels", "[data][batches]", float, double) {
  using T = TestType;
  ImageDataset dataset;
  dataset.rows = 1;
  dataset.cols = 4;
  dataset.pixels = {0, 51, 128, 255};
  dataset.labels = {3};
  BatchLoader<T> loader(dataset, {.batch_size = 8});

  loader.start_epoch();
  const Batch<T>* batch = loader.next();
  REQUIRE(batch != nullptr);
  // By hand: 0/255 = 0, 51/255 = 0.2, 128/255 = 0.50196..., 255/255 = 1.
  CHECK(batch->images(0, 0) == T(0));
  CHECK(batch->images(0, 1) == Approx(0.2).epsilon(scale_tolerance));
  CHECK(batch->images(0, 2) == Approx(0.5019607843137255).epsilon(scale_tolerance));
  CHECK(batch->images(0, 3) == T(1));
  CHECK(batch->labels == std::vector<std::size_t>{3});
  CHECK(loader.next() == nullptr);
}

TEST_CASE("batch loader shuffles with seed", "[data][batches]") {
  const ImageDataset dataset = numbered_dataset(50);
  std::vector<std::size_t> identity(50);
  std::iota(identity.begin(), identity.end(), std::size_t{0});
  BatchOptions options{.batch_size = 7, .shuffle = Shuffle::yes, .seed = 42};

  BatchLoader<float> loader(dataset, options);
  const auto first = epoch_order(loader);
  const auto second = epoch_order(loader);
  // Each epoch visits every sample once, in a new order.
  auto sorted = first;
  std::sort(sorted.begin(), sorted.end());
  CHECK(sorted == identity);
  sorted = second;
  std::sort(sorted.begin(), sorted.end());
  CHECK(sorted == identity);
  CHECK(first != identity);
  CHECK(second != first);

  // The same seed repeats the same epochs; another seed does not.
  BatchLoader<float> same_seed(dataset, options);
  CHECK(epoch_order(same_seed) == first);
  CHECK(epoch_order(same_seed) == second);
  options.seed = 43;
  BatchLoader<float> other_seed(dataset, options);
  CHECK(epoch_order(other_seed) != first);
}

TEST_CASE("batch loader shuffle is uniform", "[data][batches]") {
  // Over 6000 epochs of 3 samples, each of the 3! = 6 orders should appear
  // 1000 times. The chi-square statistic with 5 degrees of freedom exceeds
  // 20.52 with probability 0.001, so a correct shuffle fails this for one
  // seed in a thousand. The seed is fixed, so every run gives the same result.
  // A biased shuffle (swapping with any position) gives orders with
  // frequencies 4/27 and 5/27, and a statistic near 74.
  constexpr std::size_t epochs = 6000;
  constexpr double chi_square_limit = 20.52;
  const ImageDataset dataset = numbered_dataset(3);
  BatchLoader<double> loader(dataset, {.batch_size = 3, .shuffle = Shuffle::yes, .seed = 7});

  std::map<std::vector<std::size_t>, std::size_t> counts;
  for (std::size_t epoch = 0; epoch < epochs; ++epoch) {
    ++counts[epoch_order(loader)];
  }
  REQUIRE(counts.size() == 6);
  const double expected = epochs / 6.0;
  double chi_square = 0;
  for (const auto& [order, count] : counts) {
    chi_square += (count - expected) * (count - expected) / expected;
  }
  CHECK(chi_square < chi_square_limit);
}

TEST_CASE("batch loader limits samples", "[data][batches]") {
  const ImageDataset dataset = numbered_dataset(20);
  BatchLoader<float> loader(dataset, {.batch_size = 4, .shuffle = Shuffle::yes, .seed = 1,
                                      .max_samples = 6});
  CHECK(loader.sample_count() == 6);
  CHECK(loader.batch_count() == 2);
  for (int epoch = 0; epoch < 3; ++epoch) {
    auto order = epoch_order(loader);
    std::sort(order.begin(), order.end());
    // The first 6 samples of the data set, every epoch.
    CHECK(order == std::vector<std::size_t>{0, 1, 2, 3, 4, 5});
  }

  BatchLoader<float> above_size(dataset, {.batch_size = 4, .max_samples = 1000});
  CHECK(above_size.sample_count() == 20);
}

TEST_CASE("batch loader reuses its buffers", "[data][batches]") {
  const ImageDataset dataset = numbered_dataset(10);
  BatchLoader<float> loader(dataset, {.batch_size = 4, .shuffle = Shuffle::yes});

  const float* full_data = nullptr;
  const float* partial_data = nullptr;
  for (int epoch = 0; epoch < 3; ++epoch) {
    for (const Batch<float>& batch : loader.epoch()) {
      const float*& expected = batch.size() == 4 ? full_data : partial_data;
      if (expected == nullptr) {
        expected = batch.images.data();
      }
      CHECK(batch.images.data() == expected);
    }
  }
  CHECK(full_data != nullptr);
  CHECK(partial_data != nullptr);
}

TEST_CASE("batch loader edge cases", "[data][batches]") {
  const ImageDataset dataset = numbered_dataset(5);
  CHECK_THROWS_WITH(BatchLoader<float>(dataset, {.batch_size = 0}),
                    Catch::Contains("batch_size must be positive"));
  CHECK_THROWS_WITH(BatchLoader<float>(dataset, {.batch_size = 2, .max_samples = 0}),
                    Catch::Contains("max_samples must be positive"));

  ImageDataset inconsistent = numbered_dataset(5);
  inconsistent.pixels.pop_back();
  CHECK_THROWS_AS(BatchLoader<float>(inconsistent, {}), std::invalid_argument);

  BatchLoader<float> loader(dataset, {.batch_size = 2});
  CHECK_THROWS_AS(loader.next(), std::logic_error);

  const ImageDataset empty = numbered_dataset(0);
  BatchLoader<float> empty_loader(empty, {});
  CHECK(empty_loader.batch_count() == 0);
  CHECK(epoch_order(empty_loader).empty());

  // A batch larger than the data set gives one partial batch.
  BatchLoader<float> one_batch(dataset, {.batch_size = 64});
  CHECK(one_batch.batch_count() == 1);
  CHECK(epoch_order(one_batch) == std::vector<std::size_t>{0, 1, 2, 3, 4});
}
