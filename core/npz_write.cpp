// save_npz: the archive is built by libzip in a temporary file, fsynced, and
// renamed over the destination.
#include <tapegrad/core/npz.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <bit>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <set>
#include <stdexcept>

#include <zip.h>

#include <tapegrad/core/npy.hpp>

namespace tapegrad {
namespace {

static_assert(std::endian::native == std::endian::little,
              "save_npz writes array memory as little-endian .npy data as it is");

[[noreturn]] void fail_write(const std::filesystem::path& path, const std::string& problem) {
  throw std::runtime_error("save_npz: cannot write '" + path.string() + "': " + problem);
}

std::string system_error_text() { return std::strerror(errno); }

// A name next to `path` that no other save uses: the process id keeps
// processes apart and the counter keeps calls within one process apart.
std::filesystem::path temporary_path(const std::filesystem::path& path) {
  static std::atomic<std::uint64_t> counter{0};
  std::string name = ".";
  name += path.filename().string();
  name += ".tmp-" + std::to_string(::getpid()) + "-" + std::to_string(counter.fetch_add(1));
  return path.parent_path() / name;
}

template <class T>
void check_names(const std::filesystem::path& path, const NamedArrays<T>& arrays) {
  std::set<std::string_view> seen;
  for (const auto& [name, array] : arrays) {
    if (name.empty()) {
      throw std::invalid_argument("save_npz: an array for '" + path.string() +
                                  "' has an empty name; give every array a name");
    }
    if (name == npz_format_version_entry) {
      throw std::invalid_argument("save_npz: the name '" + name + "' for '" + path.string() +
                                  "' is reserved for the format version; rename the array");
    }
    if (!seen.insert(name).second) {
      throw std::invalid_argument("save_npz: the name '" + name + "' appears twice in the arrays for '" +
                                  path.string() + "'; names must be unique");
    }
  }
}

// Adds `NAME.npy` made of `header` and `byte_count` bytes at `data`. libzip
// reads both buffers during zip_close, so they must live until then.
void add_entry(zip_t* archive, const std::filesystem::path& path, const std::string& name,
               const std::string& header, const void* data, std::size_t byte_count) {
  zip_buffer_fragment_t fragments[2];
  zip_uint64_t fragment_count = 0;
  fragments[fragment_count++] = {reinterpret_cast<zip_uint8_t*>(const_cast<char*>(header.data())),
                                 header.size()};
  if (byte_count > 0) {
    fragments[fragment_count++] = {static_cast<zip_uint8_t*>(const_cast<void*>(data)), byte_count};
  }
  zip_source_t* source = zip_source_buffer_fragment(archive, fragments, fragment_count, 0);
  if (source == nullptr) {
    fail_write(path, zip_error_strerror(zip_get_error(archive)));
  }
  const std::string entry = name + ".npy";
  const zip_int64_t index = zip_file_add(archive, entry.c_str(), source, ZIP_FL_ENC_GUESS);
  if (index < 0) {
    zip_source_free(source);
    fail_write(path, "cannot add '" + entry + "': " + zip_error_strerror(zip_get_error(archive)));
  }
  // Stored entries as numpy.savez writes them: parameters barely compress,
  // and a reader can check a stored entry's size against the file's size.
  if (zip_set_file_compression(archive, static_cast<zip_uint64_t>(index), ZIP_CM_STORE, 0) != 0) {
    fail_write(path, zip_error_strerror(zip_get_error(archive)));
  }
}

// Flushes a file's data, or a folder's entries, to the disk.
void sync_path(const std::filesystem::path& path, const std::filesystem::path& reported, int flags) {
  const int descriptor = ::open(path.c_str(), flags | O_CLOEXEC);
  if (descriptor < 0) {
    fail_write(reported, "cannot open '" + path.string() + "' to sync it: " + system_error_text());
  }
  const int status = ::fsync(descriptor);
  const int sync_error = errno;
  ::close(descriptor);
  // Some file systems cannot sync a folder and return EINVAL. The rename is
  // then as durable as they make it.
  if (status != 0 && !(sync_error == EINVAL && (flags & O_DIRECTORY) != 0)) {
    fail_write(reported, "fsync of '" + path.string() + "' failed: " + std::strerror(sync_error));
  }
}

}  // namespace

template <class T>
void save_npz(const std::filesystem::path& path, const NamedArrays<T>& arrays) {
  check_names(path, arrays);

  std::vector<std::string> headers;
  headers.reserve(arrays.size());
  for (const auto& [name, array] : arrays) {
    headers.push_back(npy::encode_header(npy::descr_of<T>(), to_shape(array.shape())));
  }
  const std::int64_t version = npz_format_version;
  const std::string version_header = npy::encode_header(npy::descr_of<std::int64_t>(), Shape{});

  const std::filesystem::path temporary = temporary_path(path);
  int open_error = 0;
  zip_t* archive = zip_open(temporary.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &open_error);
  if (archive == nullptr) {
    zip_error_t error;
    zip_error_init_with_code(&error, open_error);
    const std::string text = zip_error_strerror(&error);
    zip_error_fini(&error);
    fail_write(path, text);
  }
  try {
    add_entry(archive, path, std::string(npz_format_version_entry), version_header, &version,
              sizeof version);
    for (std::size_t i = 0; i < arrays.size(); ++i) {
      const Array<T>& array = arrays[i].second;
      add_entry(archive, path, arrays[i].first, headers[i], array.data(), array.size() * sizeof(T));
    }
  } catch (...) {
    zip_discard(archive);
    throw;
  }
  // zip_close writes the archive to `temporary`. On failure it keeps the
  // handle open, and zip_discard then releases it without writing.
  if (zip_close(archive) != 0) {
    const std::string text = zip_error_strerror(zip_get_error(archive));
    zip_discard(archive);
    std::error_code ignored;
    std::filesystem::remove(temporary, ignored);
    fail_write(path, text);
  }

  try {
    sync_path(temporary, path, O_RDONLY);
    if (std::rename(temporary.c_str(), path.c_str()) != 0) {
      fail_write(path, "cannot rename '" + temporary.string() + "' to it: " + system_error_text());
    }
  } catch (...) {
    std::error_code ignored;
    std::filesystem::remove(temporary, ignored);
    throw;
  }
  const std::filesystem::path folder = path.parent_path().empty() ? "." : path.parent_path();
  sync_path(folder, path, O_RDONLY | O_DIRECTORY);
}

template void save_npz<float>(const std::filesystem::path&, const NamedArrays<float>&);
template void save_npz<double>(const std::filesystem::path&, const NamedArrays<double>&);

}  // namespace tapegrad
