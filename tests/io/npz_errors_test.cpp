// load_npz on missing, truncated, corrupt and hand-made malformed files: each
// raises an error naming the file and the problem, and none crashes.
#include <catch2/catch.hpp>

#include <stdexcept>

#include <tapegrad/core/npz.hpp>

#include "../support/temp_folder.hpp"
#include "stored_zip.hpp"

using namespace tapegrad;
using tapegrad::testing::make_npy;
using tapegrad::testing::make_stored_zip;
using tapegrad::testing::read_bytes;
using tapegrad::testing::TempFolder;
using tapegrad::testing::write_bytes;
using tapegrad::testing::ZipEntry;

namespace {

const std::string float_pair_dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }";

// The 8 bytes of the float32 values 1.0f (0x3f800000) and 2.0f (0x40000000).
std::string float_pair_data() { return std::string("\x00\x00\x80\x3f\x00\x00\x00\x40", 8); }

// Writes an archive of one `w.npy` entry holding `npy`, then loads it.
void load_single_entry(const TempFolder& folder, const std::string& npy) {
  const auto path = folder / "crafted.npz";
  write_bytes(path, make_stored_zip({{"w.npy", npy, std::nullopt}}));
  load_npz<float>(path);
}

}  // namespace

TEST_CASE("npz hand-made archive loads", "[io][npz][errors]") {
  // The baseline for the malformed cases below: the same writer, valid input.
  TempFolder folder;
  const auto path = folder / "crafted.npz";
  write_bytes(path, make_stored_zip({{"w.npy", make_npy(float_pair_dict, float_pair_data()),
                                      std::nullopt}}));
  const auto loaded = load_npz<float>(path);
  REQUIRE(loaded.size() == 1);
  CHECK(loaded[0].first == "w");
  CHECK(loaded[0].second == Array<float>{1, 2});
}

TEST_CASE("npz load of missing or empty file", "[io][npz][errors]") {
  TempFolder folder;
  CHECK_THROWS_WITH(load_npz<float>(folder / "absent.npz"),
                    Catch::Contains("absent.npz") && Catch::Contains("file not found"));
  write_bytes(folder / "empty.npz", "");
  CHECK_THROWS_WITH(load_npz<float>(folder / "empty.npz"),
                    Catch::Contains("empty.npz") && Catch::Contains("empty"));
  CHECK_THROWS_WITH(load_npz<float>(folder.path()), Catch::Contains("not a regular file"));
  write_bytes(folder / "text.npz", "these are not the bytes of a zip archive\n");
  CHECK_THROWS_WITH(load_npz<float>(folder / "text.npz"),
                    Catch::Contains("text.npz") && Catch::Contains("not a zip archive"));
}

TEST_CASE("npz load of every truncation", "[io][npz][errors]") {
  TempFolder folder;
  const auto path = folder / "whole.npz";
  save_npz<float>(path, {{"w", Array<float>{{1, 2}, {3, 4}}}, {"b", Array<float>{5}}});
  const std::string whole = read_bytes(path);
  const auto cut_path = folder / "cut.npz";

  for (std::size_t length = 0; length < whole.size(); ++length) {
    INFO("file cut to " << length << " of " << whole.size() << " bytes");
    write_bytes(cut_path, whole.substr(0, length));
    CHECK_THROWS_AS(load_npz<float>(cut_path), std::runtime_error);
  }
}

TEST_CASE("npz load with each byte flipped", "[io][npz][errors]") {
  // A flipped byte either lands where the format keeps no checked data (a
  // timestamp, say) or raises; it never crashes. Flips in the values are
  // caught by the CRC-32.
  TempFolder folder;
  const auto path = folder / "whole.npz";
  const Array<float> values{{1, 2}, {3, 4}};
  save_npz<float>(path, {{"w", values}});
  const std::string whole = read_bytes(path);
  const auto flipped_path = folder / "flipped.npz";

  const std::string value_bytes(reinterpret_cast<const char*>(values.data()), 16);
  const std::size_t value_offset = whole.find(value_bytes);
  REQUIRE(value_offset != std::string::npos);

  std::size_t loaded_count = 0;
  for (std::size_t offset = 0; offset < whole.size(); ++offset) {
    INFO("byte " << offset << " flipped");
    std::string flipped = whole;
    flipped[offset] = static_cast<char>(flipped[offset] ^ 0x5a);
    write_bytes(flipped_path, flipped);
    try {
      const auto loaded = load_npz<float>(flipped_path);
      ++loaded_count;
      CHECK((offset < value_offset || offset >= value_offset + value_bytes.size()));
      REQUIRE(loaded.size() == 1);
      CHECK(loaded[0].second == values);
    } catch (const std::runtime_error& error) {
      CHECK_THAT(error.what(), Catch::Contains("flipped.npz"));
    } catch (const std::invalid_argument& error) {
      CHECK_THAT(error.what(), Catch::Contains("flipped.npz"));
    }
  }
  // Most of the file is checked: headers, names, sizes and values.
  CHECK(loaded_count < whole.size() / 4);
}

TEST_CASE("npz load rejects huge claimed shapes", "[io][npz][errors]") {
  TempFolder folder;
  // 10^12 x 1000 float32 values would be 4 PB, but the entry contains 8 bytes.
  const std::string huge = "{'descr': '<f4', 'fortran_order': False, 'shape': (1000000000000, 1000), }";
  CHECK_THROWS_WITH(load_single_entry(folder, make_npy(huge, float_pair_data())),
                    Catch::Contains("crafted.npz") && Catch::Contains("'w'") &&
                        Catch::Contains("[1000000000000, 1000] needs"));
  // 2^40 * 2^40 overflows a 64-bit element count.
  const std::string overflow =
      "{'descr': '<f4', 'fortran_order': False, 'shape': (1099511627776, 1099511627776), }";
  CHECK_THROWS_WITH(load_single_entry(folder, make_npy(overflow, float_pair_data())),
                    Catch::Contains("more elements than memory can hold"));
  const std::string too_long = "{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999999999999999,), }";
  CHECK_THROWS_WITH(load_single_entry(folder, make_npy(too_long, float_pair_data())),
                    Catch::Contains("dimension too large"));
}

TEST_CASE("npz load rejects malformed npy headers", "[io][npz][errors]") {
  TempFolder folder;
  const std::string data = float_pair_data();

  CHECK_THROWS_WITH(load_single_entry(folder, "\x93NUMPX\x01"
                                              "abcdefghijklmnop"),
                    Catch::Contains("magic string"));
  std::string version_four = make_npy(float_pair_dict, data);
  version_four[6] = 4;
  CHECK_THROWS_WITH(load_single_entry(folder, version_four),
                    Catch::Contains("unsupported .npy format version 4.0"));
  CHECK_THROWS_WITH(load_single_entry(folder, "\x93NUMPY\x01"),
                    Catch::Contains("too few for an .npy header"));
  std::string long_header = make_npy(float_pair_dict, data);
  long_header[8] = '\xff';  // header length 0x..ff, past the end of the entry
  CHECK_THROWS_WITH(load_single_entry(folder, long_header),
                    Catch::Contains("header claims"));

  for (const std::string& dict : {
           std::string("{'descr': '<f4', 'shape': (2,), }"),
           std::string("{'descr': '<f4', 'fortran_order': Maybe, 'shape': (2,), }"),
           std::string("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), 'extra': 1}"),
           std::string("{'descr': '<f4', 'fortran_order': False, 'shape': (-2,), }"),
           std::string("{'descr': '<f4', 'fortran_order': False, 'shape': (2,) }trailing"),
           std::string("{'descr: '<f4'"),
           std::string("not a dict at all"),
       }) {
    INFO("header dict " << dict);
    CHECK_THROWS_WITH(load_single_entry(folder, make_npy(dict, data)),
                      Catch::Contains("invalid .npy header") && Catch::Contains("crafted.npz"));
  }
}

TEST_CASE("npz load rejects unsupported layouts", "[io][npz][errors]") {
  TempFolder folder;
  const std::string data = float_pair_data();
  const std::string fortran = "{'descr': '<f4', 'fortran_order': True, 'shape': (2,), }";
  CHECK_THROWS_WITH(load_single_entry(folder, make_npy(fortran, data)),
                    Catch::Contains("Fortran order"));
  const std::string big_endian = "{'descr': '>f4', 'fortran_order': False, 'shape': (2,), }";
  CHECK_THROWS_AS(load_single_entry(folder, make_npy(big_endian, data)), std::invalid_argument);
  CHECK_THROWS_WITH(load_single_entry(folder, make_npy(big_endian, data)),
                    Catch::Contains("dtype >f4") && Catch::Contains("float32 was expected"));
  const std::string short_data = "{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }";
  CHECK_THROWS_WITH(load_single_entry(folder, make_npy(short_data, data)),
                    Catch::Contains("shape [3] needs 3 values") &&
                        Catch::Contains("holds 8 bytes"));
}

TEST_CASE("npz load rejects bad archive entries", "[io][npz][errors]") {
  TempFolder folder;
  const auto path = folder / "crafted.npz";
  const std::string npy = make_npy(float_pair_dict, float_pair_data());

  write_bytes(path, make_stored_zip({{"notes.txt", "hello", std::nullopt}}));
  CHECK_THROWS_WITH(load_npz<float>(path), Catch::Contains("'notes.txt' is not an .npy array"));

  write_bytes(path, make_stored_zip({{"w.npy", npy, std::nullopt}, {"w.npy", npy, std::nullopt}}));
  CHECK_THROWS_AS(load_npz<float>(path), std::runtime_error);

  // A size far beyond the file's: rejected before anything of that size is
  // allocated, by libzip's consistency check or by the size check after it.
  write_bytes(path, make_stored_zip({{"w.npy", npy, 0xfffffff0u}}));
  CHECK_THROWS_AS(load_npz<float>(path), std::runtime_error);
  CHECK_THROWS_WITH(load_npz<float>(path), Catch::Contains("crafted.npz"));
}

TEST_CASE("npz load checks the format version", "[io][npz][errors]") {
  TempFolder folder;
  const auto path = folder / "versioned.npz";
  const std::string version_dict = "{'descr': '<i8', 'fortran_order': False, 'shape': (), }";
  const auto version_entry = [&](std::uint64_t version) {
    std::string bytes;
    tapegrad::testing::append_le(bytes, version, 8);
    return ZipEntry{"tapegrad.format_version.npy", make_npy(version_dict, bytes), std::nullopt};
  };
  const ZipEntry weights{"w.npy", make_npy(float_pair_dict, float_pair_data()), std::nullopt};

  write_bytes(path, make_stored_zip({version_entry(1), weights}));
  CHECK(load_npz<float>(path).size() == 1);

  write_bytes(path, make_stored_zip({version_entry(2), weights}));
  CHECK_THROWS_WITH(load_npz<float>(path),
                    Catch::Contains("format version 2 is not supported") &&
                        Catch::Contains("versioned.npz"));

  const std::string float_version =
      "{'descr': '<f4', 'fortran_order': False, 'shape': (), }";
  write_bytes(path, make_stored_zip({{"tapegrad.format_version.npy",
                                      make_npy(float_version, std::string("\x00\x00\x80\x3f", 4)), std::nullopt}}));
  CHECK_THROWS_WITH(load_npz<float>(path), Catch::Contains("must be a 0-D int64 array"));
}
