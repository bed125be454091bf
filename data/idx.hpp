// Reader for IDX files, the format of the MNIST and Fashion-MNIST data sets.
//
// An IDX file starts with a big-endian magic number: two zero bytes, a type
// byte and the number of dimensions. One big-endian uint32 per dimension
// follows, then the values in C order. Only the unsigned byte type (0x08) is
// read. Files may be gzip-compressed or plain; the reader detects which.
//
// Every problem with a file (missing, empty, truncated, corrupt, a wrong magic
// number, data after the end) raises std::runtime_error naming the file and
// the problem. Sizes claimed by the header are checked against the real file
// size, or read in bounded chunks, before memory for them is allocated.
#pragma once

#include <cstdint>
#include <filesystem>
#include <vector>

#include <tapegrad/core/array.hpp>

namespace tapegrad {

/// Magic number of an IDX file of unsigned-byte images [N, rows, cols].
inline constexpr std::uint32_t idx_images_magic = 0x00000803;

/// Magic number of an IDX file of unsigned-byte labels [N].
inline constexpr std::uint32_t idx_labels_magic = 0x00000801;

/// The contents of an IDX file of unsigned bytes.
struct IdxArray {
  Shape shape;
  /// Values in C order; `values.size()` is the product of `shape`.
  std::vector<std::uint8_t> values;
};

/// Reads an IDX file of unsigned bytes with any number of dimensions.
IdxArray read_idx(const std::filesystem::path& path);

/// Reads an IDX images file: magic 0x00000803, shape [N, rows, cols].
IdxArray read_idx_images(const std::filesystem::path& path);

/// Reads an IDX labels file: magic 0x00000801, shape [N].
IdxArray read_idx_labels(const std::filesystem::path& path);

}  // namespace tapegrad
