// Fashion-MNIST and MNIST: 28 x 28 grayscale images in 10 classes, 60000 for
// training and 10000 for testing, read from the original IDX files.
//
// Debian's dataset-fashion-mnist package installs Fashion-MNIST in
// `fashion_mnist_folder`. MNIST uses the same file names and format, and
// Debian 12 ships no package of it, so its folder is always given.
#pragma once

#include <array>
#include <filesystem>
#include <string_view>

#include <tapegrad/data/image_dataset.hpp>

namespace tapegrad {

/// Folder where Debian's dataset-fashion-mnist package puts the files.
inline constexpr std::string_view fashion_mnist_folder = "/usr/share/datasets/fashion-mnist";

/// Class names of Fashion-MNIST, indexed by label.
inline constexpr std::array<std::string_view, 10> fashion_mnist_classes = {
    "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
    "Sandal",      "Shirt",   "Sneaker",  "Bag",   "Ankle boot"};

/// Part of a data set: the training images or the test images.
enum class Split { train, test };

/// Loads a split of Fashion-MNIST from `folder`: train-images-idx3-ubyte and
/// train-labels-idx1-ubyte, or t10k-images-idx3-ubyte and
/// t10k-labels-idx1-ubyte, each as NAME.gz or, failing that, as plain NAME.
/// Raises std::runtime_error naming the path when a file is missing or bad.
///
/// Example: `ImageDataset train = load_fashion_mnist(Split::train);`
ImageDataset load_fashion_mnist(Split split,
                                const std::filesystem::path& folder = fashion_mnist_folder);

/// Loads a split of MNIST (digits 0 to 9) from `folder`, with the same file
/// names as `load_fashion_mnist`.
ImageDataset load_mnist(Split split, const std::filesystem::path& folder);

}  // namespace tapegrad
