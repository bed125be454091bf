#include <tapegrad/data/idx.hpp>

#include <zlib.h>

#include <algorithm>
#include <cstdio>
#include <limits>
#include <optional>
#include <stdexcept>
#include <string>

namespace tapegrad {
namespace {

// Bytes decompressed per read: memory grows with the data that really
// arrives, never with the size a header claims.
constexpr std::size_t chunk_bytes = std::size_t{1} << 20;

// Capacity reserved up front for the values, up to the size the header claims.
// Reserved pages that no data reaches never become resident. Growing the
// vector instead keeps the old and the new buffer at once, which for
// Fashion-MNIST's 47 MB of training images raised the peak RSS by 12 MB.
constexpr std::size_t max_reserved_bytes = std::size_t{256} << 20;

// zlib's input buffer; larger than its 8 KiB default to read faster.
constexpr unsigned gzip_buffer_bytes = 1u << 17;

constexpr std::uint8_t unsigned_byte_type = 0x08;

std::string hex32(std::uint32_t value) {
  char text[11];
  std::snprintf(text, sizeof text, "0x%08x", value);
  return text;
}

// A gzip or plain file read through zlib, which passes plain files through.
class IdxFile {
 public:
  explicit IdxFile(const std::filesystem::path& path) : path_(path) {
    std::error_code error;
    const auto status = std::filesystem::status(path, error);
    if (!std::filesystem::exists(status)) {
      fail("file not found");
    }
    if (!std::filesystem::is_regular_file(status)) {
      fail("not a regular file");
    }
    file_size_ = std::filesystem::file_size(path, error);
    if (error) {
      fail(error.message());
    }
    if (file_size_ == 0) {
      fail("the file is empty");
    }
    file_ = gzopen(path.c_str(), "rb");
    if (file_ == nullptr) {
      fail("cannot open the file");
    }
    gzbuffer(file_, gzip_buffer_bytes);
  }
  IdxFile(const IdxFile&) = delete;
  IdxFile& operator=(const IdxFile&) = delete;
  ~IdxFile() { gzclose(file_); }

  // Reads up to `count` bytes and returns how many arrived before the end of
  // the data. Raises when zlib reports corrupt or truncated gzip data.
  std::size_t read(void* destination, std::size_t count) {
    auto* bytes = static_cast<unsigned char*>(destination);
    std::size_t total = 0;
    while (total < count) {
      const auto request = static_cast<unsigned>(std::min(count - total, chunk_bytes));
      const int got = gzread(file_, bytes + total, request);
      if (got < 0) {
        fail_with_zlib_error();
      }
      if (got == 0) {
        break;
      }
      total += static_cast<std::size_t>(got);
    }
    if (total < count) {
      int code = Z_OK;
      gzerror(file_, &code);
      if (code != Z_OK) {
        fail_with_zlib_error();
      }
    }
    return total;
  }

  // Whether the file is plain; meaningful after the first read.
  bool is_plain() const { return gzdirect(file_) == 1; }

  std::uintmax_t file_size() const { return file_size_; }

  [[noreturn]] void fail(const std::string& problem) const {
    throw std::runtime_error("read_idx: cannot read '" + path_.string() + "': " + problem);
  }

 private:
  [[noreturn]] void fail_with_zlib_error() const {
    int code = Z_OK;
    const char* message = gzerror(file_, &code);
    fail(std::string("corrupt or truncated gzip data (zlib: ") + message + ")");
  }

  const std::filesystem::path& path_;
  std::uintmax_t file_size_ = 0;
  gzFile file_ = nullptr;
};

IdxArray read_idx_checked(const std::filesystem::path& path,
                          std::optional<std::uint32_t> expected_magic, const char* kind) {
  IdxFile file(path);

  unsigned char magic_bytes[4];
  const std::size_t magic_read = file.read(magic_bytes, sizeof magic_bytes);
  if (magic_read < sizeof magic_bytes) {
    file.fail("the header ends after " + std::to_string(magic_read) + " bytes");
  }
  const std::uint32_t magic = (std::uint32_t{magic_bytes[0]} << 24) |
                              (std::uint32_t{magic_bytes[1]} << 16) |
                              (std::uint32_t{magic_bytes[2]} << 8) | magic_bytes[3];
  if (magic_bytes[0] != 0 || magic_bytes[1] != 0) {
    file.fail("not an IDX file: the magic number " + hex32(magic) +
              " does not start with two zero bytes");
  }
  if (magic_bytes[2] != unsigned_byte_type) {
    file.fail("the element type is " + hex32(magic_bytes[2]) +
              " but only unsigned bytes (0x08) are read");
  }
  if (expected_magic && magic != *expected_magic) {
    file.fail("the magic number is " + hex32(magic) + " but an IDX " + kind + " file has " +
              hex32(*expected_magic));
  }

  IdxArray result;
  result.shape.resize(magic_bytes[3]);
  std::size_t value_count = 1;
  for (std::size_t& extent : result.shape) {
    unsigned char bytes[4];
    if (file.read(bytes, sizeof bytes) < sizeof bytes) {
      file.fail("the header ends before its " + std::to_string(result.shape.size()) +
                " dimensions");
    }
    extent = (std::size_t{bytes[0]} << 24) | (std::size_t{bytes[1]} << 16) |
             (std::size_t{bytes[2]} << 8) | bytes[3];
    if (extent != 0 && value_count > std::numeric_limits<std::size_t>::max() / extent) {
      file.fail("the header claims a shape too large for memory");
    }
    value_count *= extent;
  }
  const std::size_t header_bytes = 4 * (1 + result.shape.size());

  if (file.is_plain() && file.file_size() - header_bytes != value_count) {
    file.fail("the header claims shape " + format_shape(result.shape) + ", " +
              std::to_string(value_count) + " bytes of data, but the file contains " +
              std::to_string(file.file_size() - header_bytes));
  }
  result.values.reserve(std::min(value_count, max_reserved_bytes));
  while (result.values.size() < value_count) {
    const std::size_t offset = result.values.size();
    result.values.resize(offset + std::min(chunk_bytes, value_count - offset));
    const std::size_t got = file.read(result.values.data() + offset, result.values.size() - offset);
    if (got < result.values.size() - offset) {
      file.fail("the data ends after " + std::to_string(offset + got) + " of the " +
                std::to_string(value_count) + " bytes that shape " +
                format_shape(result.shape) + " needs (the file is truncated)");
    }
  }
  unsigned char extra = 0;
  if (file.read(&extra, 1) != 0) {
    file.fail("the file contains data after the " + std::to_string(value_count) +
              " bytes that shape " + format_shape(result.shape) + " needs");
  }
  return result;
}

}  // namespace

IdxArray read_idx(const std::filesystem::path& path) {
  return read_idx_checked(path, std::nullopt, "");
}

IdxArray read_idx_images(const std::filesystem::path& path) {
  return read_idx_checked(path, idx_images_magic, "images");
}

IdxArray read_idx_labels(const std::filesystem::path& path) {
  return read_idx_checked(path, idx_labels_magic, "labels");
}

}  // namespace tapegrad
