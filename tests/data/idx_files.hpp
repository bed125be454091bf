// Small IDX files written by the tests, plain or gzip-compressed.
#pragma once

#include <zlib.h>

#include <cstdint>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

#include "../support/temp_folder.hpp"

namespace tapegrad::testing {

/// Returns the bytes of an IDX file: the 4-byte big-endian `magic`, one
/// big-endian uint32 per dimension, then `values`.
inline std::string make_idx(std::uint32_t magic, const std::vector<std::uint32_t>& dims,
                            const std::vector<std::uint8_t>& values) {
  std::string bytes;
  const auto append_be32 = [&bytes](std::uint32_t value) {
    for (int shift = 24; shift >= 0; shift -= 8) {
      bytes += static_cast<char>((value >> shift) & 0xff);
    }
  };
  append_be32(magic);
  for (std::uint32_t dim : dims) {
    append_be32(dim);
  }
  bytes.append(values.begin(), values.end());
  return bytes;
}

/// Writes `bytes` gzip-compressed to `path`.
inline void write_gzip(const std::filesystem::path& path, const std::string& bytes) {
  gzFile file = gzopen(path.c_str(), "wb");
  if (file == nullptr) {
    throw std::runtime_error("write_gzip: cannot open " + path.string());
  }
  const int written = bytes.empty() ? 0 : gzwrite(file, bytes.data(), static_cast<unsigned>(bytes.size()));
  gzclose(file);
  if (written != static_cast<int>(bytes.size())) {
    throw std::runtime_error("write_gzip: cannot write " + path.string());
  }
}

/// Returns the bytes of `text` gzip-compressed.
inline std::string gzip_bytes(const TempFolder& folder, const std::string& text) {
  const auto path = folder / "gzip-scratch.gz";
  write_gzip(path, text);
  return read_bytes(path);
}

}  // namespace tapegrad::testing
