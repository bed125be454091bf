// Reads the gzip-compressed IDX files of Fashion-MNIST into uint8 tensors,
// for the libtorch twin of the MLP benchmark. libtorch's own MNIST reader
// takes uncompressed files only, and Debian ships them compressed.
//
// An IDX file is a big-endian header (two zero bytes, the type code 0x08 for
// unsigned bytes, the number of dimensions, one 32-bit extent per dimension)
// followed by the values.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include <torch/torch.h>
#include <zlib.h>

namespace bench {

/// Returns the values of a gzip-compressed IDX file of unsigned bytes, shaped
/// by its header. Raises std::runtime_error naming the path when the file is
/// missing or malformed.
inline torch::Tensor read_idx_gz(const std::string& path) {
  gzFile file = gzopen(path.c_str(), "rb");
  if (file == nullptr) {
    throw std::runtime_error("read_idx_gz: failed to open " + path);
  }
  auto read_exactly = [&](void* buffer, std::size_t bytes) {
    std::size_t done = 0;
    while (done < bytes) {
      const int chunk = gzread(file, static_cast<char*>(buffer) + done,
                               static_cast<unsigned>(std::min<std::size_t>(bytes - done, 1u << 30)));
      if (chunk <= 0) {
        gzclose(file);
        throw std::runtime_error("read_idx_gz: " + path + " ends early");
      }
      done += static_cast<std::size_t>(chunk);
    }
  };

  unsigned char magic[4];
  read_exactly(magic, sizeof magic);
  if (magic[0] != 0 || magic[1] != 0 || magic[2] != 0x08) {
    gzclose(file);
    throw std::runtime_error("read_idx_gz: " + path + " is not an IDX file of unsigned bytes");
  }

  std::vector<std::int64_t> shape;
  std::int64_t count = 1;
  for (int axis = 0; axis < magic[3]; ++axis) {
    unsigned char extent[4];
    read_exactly(extent, sizeof extent);
    shape.push_back((std::int64_t{extent[0]} << 24) | (extent[1] << 16) | (extent[2] << 8) |
                    extent[3]);
    count *= shape.back();
  }

  torch::Tensor values = torch::empty(shape, torch::kUInt8);
  read_exactly(values.data_ptr<std::uint8_t>(), static_cast<std::size_t>(count));
  gzclose(file);
  return values;
}

}  // namespace bench
