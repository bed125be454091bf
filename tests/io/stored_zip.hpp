// A minimal zip writer for tests: stored entries only, and sizes that a test
// may falsify, to build archives that save_npz would never write.
#pragma once

#include <zlib.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace tapegrad::testing {

struct ZipEntry {
  std::string name;
  std::string data;
  /// Size written in both headers instead of the real one.
  std::optional<std::uint32_t> claimed_size;
};

inline void append_le(std::string& out, std::uint64_t value, int byte_count) {
  for (int i = 0; i < byte_count; ++i) {
    out += static_cast<char>((value >> (8 * i)) & 0xff);
  }
}

/// Returns the bytes of a zip archive holding `entries`, stored uncompressed.
inline std::string make_stored_zip(const std::vector<ZipEntry>& entries) {
  std::string archive;
  std::string directory;
  for (const ZipEntry& entry : entries) {
    const auto crc = static_cast<std::uint32_t>(
        crc32(0L, reinterpret_cast<const Bytef*>(entry.data.data()),
              static_cast<uInt>(entry.data.size())));
    const std::uint32_t size = entry.claimed_size.value_or(
        static_cast<std::uint32_t>(entry.data.size()));
    const std::size_t offset = archive.size();

    append_le(archive, 0x04034b50, 4);  // local file header signature
    append_le(archive, 20, 2);          // version needed: 2.0
    append_le(archive, 0, 2);           // flags
    append_le(archive, 0, 2);           // method: stored
    append_le(archive, 0, 2);           // time
    append_le(archive, 0x21, 2);        // date: 1980-01-01
    append_le(archive, crc, 4);
    append_le(archive, size, 4);        // compressed size
    append_le(archive, size, 4);        // uncompressed size
    append_le(archive, entry.name.size(), 2);
    append_le(archive, 0, 2);           // extra field length
    archive += entry.name;
    archive += entry.data;

    append_le(directory, 0x02014b50, 4);  // central directory header signature
    append_le(directory, 20, 2);          // version made by
    append_le(directory, 20, 2);          // version needed
    append_le(directory, 0, 2);
    append_le(directory, 0, 2);
    append_le(directory, 0, 2);
    append_le(directory, 0x21, 2);
    append_le(directory, crc, 4);
    append_le(directory, size, 4);
    append_le(directory, size, 4);
    append_le(directory, entry.name.size(), 2);
    append_le(directory, 0, 2);  // extra field length
    append_le(directory, 0, 2);  // comment length
    append_le(directory, 0, 2);  // disk number
    append_le(directory, 0, 2);  // internal attributes
    append_le(directory, 0, 4);  // external attributes
    append_le(directory, offset, 4);
    directory += entry.name;
  }
  const std::size_t directory_offset = archive.size();
  archive += directory;
  append_le(archive, 0x06054b50, 4);  // end of central directory signature
  append_le(archive, 0, 2);
  append_le(archive, 0, 2);
  append_le(archive, entries.size(), 2);
  append_le(archive, entries.size(), 2);
  append_le(archive, directory.size(), 4);
  append_le(archive, directory_offset, 4);
  append_le(archive, 0, 2);  // comment length
  return archive;
}

/// Returns an .npy file: a format 1.0 header built around `dict`, then `data`.
inline std::string make_npy(const std::string& dict, const std::string& data) {
  std::string header = dict;
  while ((10 + header.size() + 1) % 64 != 0) {
    header += ' ';
  }
  header += '\n';
  std::string npy = "\x93NUMPY\x01";
  npy += '\0';
  append_le(npy, header.size(), 2);
  return npy + header + data;
}

}  // namespace tapegrad::testing
