// load_idx_dataset and the Fashion-MNIST loader: on small files written here,
// and on Debian's dataset-fashion-mnist files when they are installed.
#include <catch2/catch.hpp>

#include <array>
#include <stdexcept>

#include <tapegrad/data/fashion_mnist.hpp>

#include "../support/temp_folder.hpp"
#include "idx_files.hpp"

using namespace tapegrad;
using tapegrad::testing::make_idx;
using tapegrad::testing::TempFolder;
using tapegrad::testing::write_bytes;
using tapegrad::testing::write_gzip;

namespace {

bool fashion_mnist_installed() {
  return std::filesystem::exists(std::filesystem::path(fashion_mnist_folder) /
                                 "train-images-idx3-ubyte.gz");
}

std::array<std::size_t, 10> label_histogram(const ImageDataset& dataset) {
  std::array<std::size_t, 10> counts{};
  for (std::size_t label : dataset.labels) {
    ++counts.at(label);
  }
  return counts;
}

}  // namespace

TEST_CASE("idx dataset from two files", "[data][dataset]") {
  TempFolder folder;
  write_gzip(folder / "images.gz", make_idx(0x803, {3, 1, 2}, {0, 255, 1, 2, 3, 4}));
  write_bytes(folder / "labels", make_idx(0x801, {3}, {4, 0, 9}));

  const ImageDataset dataset = load_idx_dataset(folder / "images.gz", folder / "labels", 10);
  CHECK(dataset.size() == 3);
  CHECK(dataset.rows == 1);
  CHECK(dataset.cols == 2);
  CHECK(dataset.features() == 2);
  CHECK(dataset.class_count == 10);
  CHECK(dataset.pixels == std::vector<std::uint8_t>{0, 255, 1, 2, 3, 4});
  CHECK(dataset.labels == std::vector<std::size_t>{4, 0, 9});
}

TEST_CASE("idx dataset count mismatch", "[data][dataset]") {
  TempFolder folder;
  write_bytes(folder / "images", make_idx(0x803, {3, 1, 2}, {0, 255, 1, 2, 3, 4}));
  write_bytes(folder / "labels", make_idx(0x801, {2}, {4, 0}));
  CHECK_THROWS_WITH(load_idx_dataset(folder / "images", folder / "labels", 10),
                    Catch::Contains("has 3 images") && Catch::Contains("has 2 labels"));
}

TEST_CASE("idx dataset label out of range", "[data][dataset]") {
  TempFolder folder;
  write_bytes(folder / "images", make_idx(0x803, {2, 1, 1}, {0, 1}));
  write_bytes(folder / "labels", make_idx(0x801, {2}, {3, 10}));
  CHECK_THROWS_WITH(load_idx_dataset(folder / "images", folder / "labels", 10),
                    Catch::Contains("label 10 at index 1") && Catch::Contains("[0, 10)"));
  CHECK_THROWS_AS(load_idx_dataset(folder / "images", folder / "labels", 0),
                  std::invalid_argument);
}

TEST_CASE("fashion mnist from given folder", "[data][fashion_mnist]") {
  // Training files compressed, test files plain: both names are found.
  TempFolder folder;
  write_gzip(folder / "train-images-idx3-ubyte.gz", make_idx(0x803, {2, 1, 1}, {10, 20}));
  write_gzip(folder / "train-labels-idx1-ubyte.gz", make_idx(0x801, {2}, {8, 9}));
  write_bytes(folder / "t10k-images-idx3-ubyte", make_idx(0x803, {1, 1, 1}, {30}));
  write_bytes(folder / "t10k-labels-idx1-ubyte", make_idx(0x801, {1}, {5}));

  const ImageDataset train = load_fashion_mnist(Split::train, folder.path());
  CHECK(train.pixels == std::vector<std::uint8_t>{10, 20});
  CHECK(train.labels == std::vector<std::size_t>{8, 9});
  const ImageDataset test = load_mnist(Split::test, folder.path());
  CHECK(test.pixels == std::vector<std::uint8_t>{30});
  CHECK(test.labels == std::vector<std::size_t>{5});
}

TEST_CASE("fashion mnist missing files", "[data][fashion_mnist]") {
  TempFolder folder;
  CHECK_THROWS_WITH(load_fashion_mnist(Split::train, folder / "absent"),
                    Catch::Contains("absent") && Catch::Contains("dataset-fashion-mnist"));
  CHECK_THROWS_WITH(load_fashion_mnist(Split::test, folder.path()),
                    Catch::Contains("t10k-images-idx3-ubyte.gz") &&
                        Catch::Contains("file not found"));
}

TEST_CASE("fashion mnist class names", "[data][fashion_mnist]") {
  // The label order of the Fashion-MNIST README.
  CHECK(fashion_mnist_classes.size() == 10);
  CHECK(fashion_mnist_classes[0] == "T-shirt/top");
  CHECK(fashion_mnist_classes[5] == "Sandal");
  CHECK(fashion_mnist_classes[9] == "Ankle boot");
}

TEST_CASE("fashion mnist debian files", "[data][fashion_mnist]") {
  if (!fashion_mnist_installed()) {
    WARN("skipped: " << fashion_mnist_folder
                     << " has no Fashion-MNIST (install Debian's dataset-fashion-mnist)");
    return;
  }
  // Fashion-MNIST has 60000 training and 10000 test images of 28 x 28, with
  // every class equally frequent in both splits.
  const ImageDataset train = load_fashion_mnist(Split::train);
  CHECK(train.size() == 60000);
  CHECK(train.rows == 28);
  CHECK(train.cols == 28);
  CHECK(train.pixels.size() == 60000u * 28 * 28);
  for (std::size_t count : label_histogram(train)) {
    CHECK(count == 6000);
  }

  const ImageDataset test = load_fashion_mnist(Split::test);
  CHECK(test.size() == 10000);
  CHECK(test.features() == 784);
  for (std::size_t count : label_histogram(test)) {
    CHECK(count == 1000);
  }
}
