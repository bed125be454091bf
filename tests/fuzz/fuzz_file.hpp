// Shared by the fuzz targets: the readers take a path, so each input is
// written to a file private to this process first.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>

#include <unistd.h>

namespace tapegrad::fuzz {

/// Writes `size` bytes to a per-process file in the temporary folder and
/// returns its path; each call overwrites the previous input.
inline std::filesystem::path write_input(const char* suffix, const std::uint8_t* data,
                                         std::size_t size) {
  static const std::filesystem::path path =
      std::filesystem::temp_directory_path() /
      ("tapegrad-fuzz-" + std::to_string(::getpid()) + suffix);
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  file.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  return path;
}

}  // namespace tapegrad::fuzz
