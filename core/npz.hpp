// Named arrays saved as NumPy .npz files, the format of numpy.savez.
//
// A file written here is a zip archive holding one stored (uncompressed)
// `NAME.npy` per array, little-endian, in C order, in .npy format 1.0, so
// `numpy.load(path)["NAME"]` returns each array. One more entry,
// `tapegrad.format_version`, is a 0-D int64 array recording the layout.
// Reading also accepts deflated entries (numpy.savez_compressed), .npy format
// 2.0 and 3.0, and files without the version entry. It rejects Fortran-order
// arrays and any dtype other than the one requested.
//
// A file that is missing, unreadable, truncated or corrupt, or that cannot be
// written, raises std::runtime_error. Bad names, and entries whose names,
// shapes or dtypes differ from the ones expected, raise std::invalid_argument.
// Every message names the file.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <tapegrad/core/array.hpp>

namespace tapegrad {

/// Name of the 0-D int64 entry holding `npz_format_version`.
inline constexpr std::string_view npz_format_version_entry = "tapegrad.format_version";

/// Layout version written by `save_npz`; files with a larger one are rejected.
inline constexpr std::int64_t npz_format_version = 1;

/// Names and the shapes their arrays must have.
using NamedShapes = std::vector<std::pair<std::string, Shape>>;

/// Writes `arrays` to `path` as an .npz file, replacing any file there.
///
/// The write is atomic. The archive goes to a temporary file in the same
/// folder, which is fsynced and then renamed over `path`. A crash at any point
/// leaves either the old file or the new one, never a mix. Names must be
/// non-empty, unique, and differ from `npz_format_version_entry`.
///
/// NOTE: a process killed during the save leaves its temporary file
/// (`.NAME.tmp-PID-N`, and libzip's own `.NAME.tmp-PID-N.XXXXXX`) behind.
///
/// Example: `save_npz<float>("weights.npz", {{"w", w}, {"b", b}});`
template <class T>
void save_npz(const std::filesystem::path& path, const NamedArrays<T>& arrays);

/// Reads every array of an .npz file in archive order, leaving out the format
/// version entry. Every array must have the dtype of T (float32 for float,
/// float64 for double).
template <class T>
NamedArrays<T> load_npz(const std::filesystem::path& path);

/// Reads an .npz file that must hold exactly the names in `expected`, each
/// with its shape, and returns the arrays in the order of `expected`.
template <class T>
NamedArrays<T> load_npz(const std::filesystem::path& path, const NamedShapes& expected);

/// Checks that `entries` contains exactly the names in `expected`, each with its
/// shape, and returns them in the order of `expected`. Error messages start
/// with `caller` and name where the entries come from with `source` (a quoted
/// file name, say). Raises std::invalid_argument listing the missing and
/// unexpected names, or naming the first entry whose shape differs, with both
/// shapes.
template <class T>
NamedArrays<T> match_entries(std::string_view caller, std::string_view source,
                             NamedArrays<T> entries, const NamedShapes& expected);

extern template void save_npz<float>(const std::filesystem::path&, const NamedArrays<float>&);
extern template void save_npz<double>(const std::filesystem::path&, const NamedArrays<double>&);
extern template NamedArrays<float> load_npz<float>(const std::filesystem::path&);
extern template NamedArrays<double> load_npz<double>(const std::filesystem::path&);
extern template NamedArrays<float> load_npz<float>(const std::filesystem::path&,
                                                   const NamedShapes&);
extern template NamedArrays<double> load_npz<double>(const std::filesystem::path&,
                                                     const NamedShapes&);
extern template NamedArrays<float> match_entries<float>(std::string_view, std::string_view,
                                                        NamedArrays<float>, const NamedShapes&);
extern template NamedArrays<double> match_entries<double>(std::string_view, std::string_view,
                                                          NamedArrays<double>, const NamedShapes&);

}  // namespace tapegrad
