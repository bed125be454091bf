// The header of a NumPy .npy array: writing format 1.0 and parsing 1.0 to 3.0.
//
// An .npy file starts with the magic string "\x93NUMPY", a major and a minor
// version byte, and the header length (2 bytes in format 1.0, 4 bytes in 2.0
// and 3.0, little-endian). A Python dict literal follows, such as
// `{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }` padded with
// spaces and ended by '\n', then the raw values. This file handles the header
// only; npz.cpp moves the values. Parse errors raise std::runtime_error whose
// message starts with the `source` the caller names (file and entry).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>

#include <tapegrad/core/array.hpp>

namespace tapegrad::npy {

/// Bytes before the header dict: magic, version and the header length field.
/// Format 1.0 needs only the first 10 of them.
inline constexpr std::size_t prefix_bytes = 12;

/// Largest header dict accepted when reading. NumPy writes a few hundred bytes
/// at most, and format 1.0 cannot exceed 65535.
inline constexpr std::size_t max_dict_bytes = 1 << 20;

/// The array type string NumPy writes for T on a little-endian machine.
template <class T>
constexpr std::string_view descr_of() {
  if constexpr (std::is_same_v<T, float>) {
    return "<f4";
  } else if constexpr (std::is_same_v<T, double>) {
    return "<f8";
  } else {
    static_assert(std::is_same_v<T, std::int64_t>, "npy headers support float, double and int64");
    return "<i8";
  }
}

/// Returns the NumPy dtype name for a type string: "float32" for "<f4".
/// Unknown strings come back unchanged.
std::string dtype_name(std::string_view descr);

/// The fields of a parsed header.
struct Header {
  std::string descr;
  bool fortran_order = false;
  Shape shape;
  /// Bytes from the start of the file to the first value.
  std::size_t data_offset = 0;
};

/// Encodes a format 1.0 header for a C-order array, padded so the values
/// start at a multiple of 64 bytes as NumPy does.
std::string encode_header(std::string_view descr, const Shape& shape);

/// Reads the magic and version from the first bytes of a file and returns the
/// total header length (prefix and dict). `prefix` must hold at least
/// `prefix_bytes` bytes, or 10 for format 1.0. Raises std::runtime_error on a
/// bad magic string, an unknown version or a dict longer than `max_dict_bytes`.
std::size_t header_length(std::string_view source, std::span<const unsigned char> prefix);

/// Parses a whole header (prefix and dict, as counted by `header_length`).
Header parse_header(std::string_view source, std::span<const unsigned char> header);

/// Returns the number of elements of `shape`, raising std::runtime_error when
/// the product overflows std::size_t.
std::size_t checked_element_count(std::string_view source, const Shape& shape);

}  // namespace tapegrad::npy
