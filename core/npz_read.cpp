// load_npz: every size a header claims is checked against the real file size,
// or read in bounded chunks, before memory for it is allocated.
#include <tapegrad/core/npz.hpp>

#include <algorithm>
#include <bit>
#include <cstring>
#include <map>
#include <memory>
#include <stdexcept>

#include <zip.h>

#include <tapegrad/core/npy.hpp>

namespace tapegrad {
namespace {

static_assert(std::endian::native == std::endian::little,
              "load_npz reads little-endian .npy data straight into array memory");

// Bytes of a deflated entry decompressed per read: memory grows with the data
// that really arrives, not with the size the archive claims.
constexpr std::size_t chunk_bytes = std::size_t{1} << 20;

[[noreturn]] void fail_read(const std::filesystem::path& path, const std::string& problem) {
  throw std::runtime_error("load_npz: cannot read '" + path.string() + "': " + problem);
}

struct ArchiveCloser {
  void operator()(zip_t* archive) const { zip_discard(archive); }
};
using ArchiveHandle = std::unique_ptr<zip_t, ArchiveCloser>;

struct EntryCloser {
  void operator()(zip_file_t* file) const { zip_fclose(file); }
};
using EntryHandle = std::unique_ptr<zip_file_t, EntryCloser>;

std::string describe_open_error(int code) {
  switch (code) {
    case ZIP_ER_NOENT:
      return "file not found";
    case ZIP_ER_NOZIP:
      return "not a zip archive (the file is truncated, or not an .npz file)";
    case ZIP_ER_INCONS:
      return "the zip archive is inconsistent (the file is truncated or corrupt)";
    default: {
      zip_error_t error;
      zip_error_init_with_code(&error, code);
      std::string text = zip_error_strerror(&error);
      zip_error_fini(&error);
      return text;
    }
  }
}

// One entry of an open archive, read front to back.
class EntryReader {
 public:
  EntryReader(const std::filesystem::path& path, zip_t* archive, zip_uint64_t index,
              std::string name)
      : path_(path), name_(std::move(name)), file_(zip_fopen_index(archive, index, 0)) {
    if (!file_) {
      fail(zip_error_strerror(zip_get_error(archive)));
    }
  }

  // Reads exactly `count` bytes; fewer means the entry is truncated.
  void read(void* destination, std::size_t count) {
    auto* bytes = static_cast<unsigned char*>(destination);
    while (count > 0) {
      const zip_int64_t got = zip_fread(file_.get(), bytes, count);
      if (got < 0) {
        fail(zip_error_strerror(zip_file_get_error(file_.get())));
      }
      if (got == 0) {
        fail("the entry ends early (the file is truncated or corrupt)");
      }
      bytes += got;
      count -= static_cast<std::size_t>(got);
    }
  }

  // Reads to the end of the entry, where libzip checks the CRC-32, and
  // raises if any byte is left.
  void finish() {
    unsigned char extra = 0;
    const zip_int64_t got = zip_fread(file_.get(), &extra, 1);
    if (got < 0) {
      fail(zip_error_strerror(zip_file_get_error(file_.get())));
    }
    if (got > 0) {
      fail("the entry holds more bytes than its header describes");
    }
  }

  [[noreturn]] void fail(const std::string& problem) const {
    fail_read(path_, "entry '" + name_ + "': " + problem);
  }

  std::string source() const { return "load_npz: '" + path_.string() + "' entry '" + name_ + "'"; }

 private:
  const std::filesystem::path& path_;
  std::string name_;
  EntryHandle file_;
};

npy::Header read_header(EntryReader& reader, std::uint64_t entry_size) {
  std::vector<unsigned char> header(10);
  if (entry_size < header.size()) {
    reader.fail("it holds " + std::to_string(entry_size) + " bytes, too few for an .npy header");
  }
  reader.read(header.data(), header.size());
  if (header[6] != 1 && entry_size >= npy::prefix_bytes) {
    header.resize(npy::prefix_bytes);
    reader.read(header.data() + 10, 2);
  }
  const std::size_t length = npy::header_length(reader.source(), header);
  if (length > entry_size) {
    reader.fail("its .npy header claims " + std::to_string(length) + " bytes but the entry holds " +
                std::to_string(entry_size));
  }
  const std::size_t already = header.size();
  header.resize(length);
  reader.read(header.data() + already, length - already);
  return npy::parse_header(reader.source(), header);
}

std::int64_t read_format_version(EntryReader& reader, const npy::Header& header) {
  if (header.descr != npy::descr_of<std::int64_t>() || !header.shape.empty()) {
    reader.fail("the format version must be a 0-D int64 array, got dtype " + header.descr +
                " and shape " + format_shape(header.shape));
  }
  std::int64_t version = 0;
  reader.read(&version, sizeof version);
  reader.finish();
  return version;
}

template <class T>
Array<T> read_values(EntryReader& reader, const npy::Header& header, const zip_stat_t& stat) {
  const std::size_t count = npy::checked_element_count(reader.source(), header.shape);
  const std::uint64_t data_bytes = stat.size - header.data_offset;
  if (data_bytes / sizeof(T) != count || data_bytes % sizeof(T) != 0) {
    reader.fail("shape " + format_shape(header.shape) + " needs " + std::to_string(count) +
                " values of " + std::to_string(sizeof(T)) + " bytes but the entry holds " +
                std::to_string(data_bytes) + " bytes of data");
  }
  if (stat.comp_method == ZIP_CM_STORE) {
    // A stored entry's size equals its compressed size, which the caller has
    // checked against the file size: allocating it up front is safe.
    Array<T> values = xt::empty<T>(header.shape);
    reader.read(values.data(), data_bytes);
    reader.finish();
    return values;
  }
  std::vector<unsigned char> bytes;
  while (bytes.size() < data_bytes) {
    const std::size_t offset = bytes.size();
    bytes.resize(offset + std::min<std::uint64_t>(chunk_bytes, data_bytes - offset));
    reader.read(bytes.data() + offset, bytes.size() - offset);
  }
  reader.finish();
  Array<T> values = xt::empty<T>(header.shape);
  if (data_bytes > 0) {
    std::memcpy(values.data(), bytes.data(), data_bytes);
  }
  return values;
}

}  // namespace

template <class T>
NamedArrays<T> load_npz(const std::filesystem::path& path) {
  std::error_code error;
  const auto status = std::filesystem::status(path, error);
  if (!std::filesystem::exists(status)) {
    fail_read(path, "file not found");
  }
  if (!std::filesystem::is_regular_file(status)) {
    fail_read(path, "not a regular file");
  }
  const std::uintmax_t file_size = std::filesystem::file_size(path, error);
  if (error) {
    fail_read(path, error.message());
  }
  if (file_size == 0) {
    fail_read(path, "the file is empty");
  }

  int open_error = 0;
  ArchiveHandle archive(zip_open(path.c_str(), ZIP_RDONLY | ZIP_CHECKCONS, &open_error));
  if (!archive) {
    fail_read(path, describe_open_error(open_error));
  }

  NamedArrays<T> arrays;
  std::map<std::string, std::size_t> seen;
  const zip_int64_t entry_count = zip_get_num_entries(archive.get(), 0);
  for (zip_int64_t index = 0; index < entry_count; ++index) {
    zip_stat_t stat;
    zip_stat_init(&stat);
    const auto entry_index = static_cast<zip_uint64_t>(index);
    const zip_uint64_t needed = ZIP_STAT_NAME | ZIP_STAT_SIZE | ZIP_STAT_COMP_SIZE |
                                ZIP_STAT_COMP_METHOD;
    if (zip_stat_index(archive.get(), entry_index, 0, &stat) != 0 ||
        (stat.valid & needed) != needed) {
      fail_read(path, "cannot read entry " + std::to_string(index) + " of the zip directory: " +
                          zip_error_strerror(zip_get_error(archive.get())));
    }
    std::string name = stat.name;
    if (name.size() <= 4 || !name.ends_with(".npy")) {
      fail_read(path, "entry '" + name + "' is not an .npy array");
    }
    name.resize(name.size() - 4);
    if (!seen.emplace(name, index).second) {
      fail_read(path, "entry '" + name + "' appears twice");
    }
    if (stat.comp_size > file_size) {
      fail_read(path, "entry '" + name + "' claims " + std::to_string(stat.comp_size) +
                          " compressed bytes but the file holds " + std::to_string(file_size));
    }
    if (stat.comp_method == ZIP_CM_STORE && stat.size != stat.comp_size) {
      fail_read(path, "stored entry '" + name + "' claims " + std::to_string(stat.size) +
                          " bytes but occupies " + std::to_string(stat.comp_size));
    }
    if (stat.comp_method != ZIP_CM_STORE && stat.comp_method != ZIP_CM_DEFLATE) {
      fail_read(path, "entry '" + name + "' uses zip compression method " +
                          std::to_string(stat.comp_method) +
                          "; only stored and deflated entries are read");
    }

    EntryReader reader(path, archive.get(), entry_index, name);
    const npy::Header header = read_header(reader, stat.size);
    if (name == npz_format_version_entry) {
      const std::int64_t version = read_format_version(reader, header);
      if (version < 1 || version > npz_format_version) {
        reader.fail("format version " + std::to_string(version) + " is not supported; this build " +
                    "reads versions 1 to " + std::to_string(npz_format_version));
      }
      continue;
    }
    if (header.descr != npy::descr_of<T>()) {
      throw std::invalid_argument(
          "load_npz: entry '" + name + "' of '" + path.string() + "' has dtype " +
          npy::dtype_name(header.descr) + " but " + npy::dtype_name(npy::descr_of<T>()) +
          " was expected; load it with the matching element type or convert the file");
    }
    if (header.fortran_order) {
      reader.fail("the array is stored in Fortran order, which is not supported; save it with "
                  "numpy.ascontiguousarray");
    }
    arrays.emplace_back(name, read_values<T>(reader, header, stat));
  }
  return arrays;
}

template <class T>
NamedArrays<T> load_npz(const std::filesystem::path& path, const NamedShapes& expected) {
  std::string source = "'";
  source += path.string();
  source += "'";
  return match_entries<T>("load_npz", source, load_npz<T>(path), expected);
}

template <class T>
NamedArrays<T> match_entries(std::string_view caller, std::string_view source,
                             NamedArrays<T> entries, const NamedShapes& expected) {
  const std::string prefix = std::string(caller) + ": ";
  std::map<std::string, std::size_t> unmatched;
  for (std::size_t i = 0; i < entries.size(); ++i) {
    if (!unmatched.emplace(entries[i].first, i).second) {
      throw std::invalid_argument(prefix + "entry '" + entries[i].first + "' of " +
                                  std::string(source) + " appears twice");
    }
  }
  std::vector<std::size_t> order;
  order.reserve(expected.size());
  std::string missing;
  for (const auto& [name, shape] : expected) {
    const auto found = unmatched.find(name);
    if (found == unmatched.end()) {
      missing += (missing.empty() ? "'" : ", '") + name + "'";
      continue;
    }
    order.push_back(found->second);
    unmatched.erase(found);
  }
  std::string unexpected;
  for (const auto& [name, index] : unmatched) {
    unexpected += (unexpected.empty() ? "'" : ", '") + name + "'";
  }
  if (!missing.empty() || !unexpected.empty()) {
    throw std::invalid_argument(
        prefix + "the entries of " + std::string(source) + " do not match the expected names" +
        (missing.empty() ? "" : "; missing: " + missing) +
        (unexpected.empty() ? "" : "; unexpected: " + unexpected));
  }

  for (std::size_t i = 0; i < expected.size(); ++i) {
    const auto& [name, shape] = expected[i];
    const Shape actual = to_shape(entries[order[i]].second.shape());
    if (actual != shape) {
      throw std::invalid_argument(prefix + "entry '" + name + "' of " + std::string(source) +
                                  " has shape " + format_shape(actual) + " but " +
                                  format_shape(shape) + " was expected");
    }
  }

  NamedArrays<T> ordered;
  ordered.reserve(expected.size());
  for (std::size_t index : order) {
    ordered.push_back(std::move(entries[index]));
  }
  return ordered;
}

template NamedArrays<float> load_npz<float>(const std::filesystem::path&);
template NamedArrays<double> load_npz<double>(const std::filesystem::path&);
template NamedArrays<float> load_npz<float>(const std::filesystem::path&, const NamedShapes&);
template NamedArrays<double> load_npz<double>(const std::filesystem::path&, const NamedShapes&);
template NamedArrays<float> match_entries<float>(std::string_view, std::string_view,
                                                 NamedArrays<float>, const NamedShapes&);
template NamedArrays<double> match_entries<double>(std::string_view, std::string_view,
                                                   NamedArrays<double>, const NamedShapes&);

}  // namespace tapegrad
