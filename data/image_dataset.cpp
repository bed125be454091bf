#include <tapegrad/data/image_dataset.hpp>

#include <stdexcept>
#include <string>

#include <tapegrad/data/idx.hpp>

namespace tapegrad {

ImageDataset load_idx_dataset(const std::filesystem::path& images_path,
                              const std::filesystem::path& labels_path, std::size_t class_count) {
  if (class_count == 0) {
    throw std::invalid_argument("load_idx_dataset: class_count must be positive, got 0");
  }
  IdxArray images = read_idx_images(images_path);
  const IdxArray labels = read_idx_labels(labels_path);
  if (images.shape[0] != labels.shape[0]) {
    throw std::runtime_error("load_idx_dataset: '" + images_path.string() + "' has " +
                             std::to_string(images.shape[0]) + " images but '" +
                             labels_path.string() + "' has " + std::to_string(labels.shape[0]) +
                             " labels; the two files must come from the same split");
  }

  ImageDataset dataset;
  dataset.rows = images.shape[1];
  dataset.cols = images.shape[2];
  dataset.pixels = std::move(images.values);
  dataset.class_count = class_count;
  dataset.labels.reserve(labels.values.size());
  for (std::size_t i = 0; i < labels.values.size(); ++i) {
    const std::size_t label = labels.values[i];
    if (label >= class_count) {
      throw std::runtime_error("load_idx_dataset: '" + labels_path.string() + "' has label " +
                               std::to_string(label) + " at index " + std::to_string(i) +
                               ", outside [0, " + std::to_string(class_count) + ")");
    }
    dataset.labels.push_back(label);
  }
  return dataset;
}

}  // namespace tapegrad
