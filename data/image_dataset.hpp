// A labelled image data set kept in memory as bytes, such as MNIST.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <vector>

namespace tapegrad {

/// Images of one size with one class label each. Pixels stay bytes (0 to
/// 255) in memory, a quarter of the float32 size; BatchLoader scales them to
/// [0, 1] as it draws batches.
///
/// Shapes: `pixels` is [N, rows * cols] in C order, `labels` is [N].
struct ImageDataset {
  std::size_t rows = 0;
  std::size_t cols = 0;
  std::vector<std::uint8_t> pixels;
  std::vector<std::size_t> labels;
  std::size_t class_count = 0;

  /// Number of images N.
  std::size_t size() const { return labels.size(); }
  /// Values per image: rows * cols.
  std::size_t features() const { return rows * cols; }
};

/// Reads an IDX images file [N, rows, cols] and an IDX labels file [N], plain
/// or gzip-compressed, into a data set with labels in [0, class_count).
/// Raises std::runtime_error for a bad file (see read_idx), for counts that
/// differ between the two files, and for a label outside [0, class_count).
ImageDataset load_idx_dataset(const std::filesystem::path& images_path,
                              const std::filesystem::path& labels_path, std::size_t class_count);

}  // namespace tapegrad
