#include <tapegrad/data/fashion_mnist.hpp>

#include <stdexcept>
#include <string>

namespace tapegrad {
namespace {

constexpr std::size_t mnist_class_count = 10;

// Returns FOLDER/NAME.gz when it exists, else FOLDER/NAME.
std::filesystem::path find_idx_file(const std::filesystem::path& folder, const std::string& name) {
  std::filesystem::path compressed = folder / (name + ".gz");
  std::filesystem::path plain = folder / name;
  std::error_code error;
  if (std::filesystem::exists(compressed, error) || !std::filesystem::exists(plain, error)) {
    return compressed;
  }
  return plain;
}

ImageDataset load_mnist_files(const char* caller, Split split, const std::filesystem::path& folder,
                              const std::string& hint) {
  std::error_code error;
  if (!std::filesystem::is_directory(folder, error)) {
    throw std::runtime_error(std::string(caller) + ": folder '" + folder.string() +
                             "' not found; " + hint);
  }
  const std::string prefix = split == Split::train ? "train" : "t10k";
  return load_idx_dataset(find_idx_file(folder, prefix + "-images-idx3-ubyte"),
                          find_idx_file(folder, prefix + "-labels-idx1-ubyte"),
                          mnist_class_count);
}

}  // namespace

ImageDataset load_fashion_mnist(Split split, const std::filesystem::path& folder) {
  return load_mnist_files("load_fashion_mnist", split, folder,
                          "install Debian's dataset-fashion-mnist package or pass the folder "
                          "that contains the IDX files");
}

ImageDataset load_mnist(Split split, const std::filesystem::path& folder) {
  return load_mnist_files("load_mnist", split, folder, "pass the folder that contains the IDX files");
}

}  // namespace tapegrad
