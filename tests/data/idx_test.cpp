// read_idx on small IDX files written here, plain and gzip-compressed, and on
// every kind of bad file.
#include <catch2/catch.hpp>

#include <new>
#include <stdexcept>

#include <tapegrad/data/idx.hpp>

#include "../support/temp_folder.hpp"
#include "idx_files.hpp"

using namespace tapegrad;
using tapegrad::testing::gzip_bytes;
using tapegrad::testing::make_idx;
using tapegrad::testing::read_bytes;
using tapegrad::testing::TempFolder;
using tapegrad::testing::write_bytes;
using tapegrad::testing::write_gzip;

namespace {

// Two images of 2 x 3 pixels.
const std::vector<std::uint8_t> two_images{0, 1, 2, 3, 4, 5, 250, 251, 252, 253, 254, 255};

// Writes `bytes` plain to FOLDER/NAME and gzip-compressed to FOLDER/NAME.gz,
// and returns both paths.
std::vector<std::filesystem::path> write_both(const TempFolder& folder, const std::string& name,
                                              const std::string& bytes) {
  write_bytes(folder / name, bytes);
  write_gzip(folder / (name + ".gz"), bytes);
  return {folder / name, folder / (name + ".gz")};
}

}  // namespace

TEST_CASE("idx images plain and gzip", "[data][idx]") {
  TempFolder folder;
  for (const auto& path : write_both(folder, "images", make_idx(0x803, {2, 2, 3}, two_images))) {
    INFO(path);
    const IdxArray images = read_idx_images(path);
    CHECK(images.shape == Shape{2, 2, 3});
    CHECK(images.values == two_images);
    CHECK(read_idx(path).shape == Shape{2, 2, 3});
  }
}

TEST_CASE("idx labels plain and gzip", "[data][idx]") {
  TempFolder folder;
  const std::vector<std::uint8_t> labels{9, 0, 3};
  for (const auto& path : write_both(folder, "labels", make_idx(0x801, {3}, labels))) {
    INFO(path);
    const IdxArray read = read_idx_labels(path);
    CHECK(read.shape == Shape{3});
    CHECK(read.values == labels);
  }
}

TEST_CASE("idx with zero samples", "[data][idx]") {
  TempFolder folder;
  for (const auto& path : write_both(folder, "images", make_idx(0x803, {0, 28, 28}, {}))) {
    INFO(path);
    const IdxArray images = read_idx_images(path);
    CHECK(images.shape == Shape{0, 28, 28});
    CHECK(images.values.empty());
  }
}

TEST_CASE("idx larger than one read chunk", "[data][idx]") {
  // 3 x 1000 x 1000 bytes cross the 1 MiB chunk boundary of the reader twice.
  TempFolder folder;
  std::vector<std::uint8_t> values(3'000'000);
  for (std::size_t i = 0; i < values.size(); ++i) {
    values[i] = static_cast<std::uint8_t>(i % 251);
  }
  for (const auto& path : write_both(folder, "big", make_idx(0x803, {3, 1000, 1000}, values))) {
    INFO(path);
    CHECK(read_idx_images(path).values == values);
  }
}

TEST_CASE("idx missing or empty file", "[data][idx]") {
  TempFolder folder;
  CHECK_THROWS_WITH(read_idx_images(folder / "absent"),
                    Catch::Contains("absent") && Catch::Contains("file not found"));
  write_bytes(folder / "empty", "");
  CHECK_THROWS_WITH(read_idx_images(folder / "empty"),
                    Catch::Contains("'" + (folder / "empty").string() + "'") &&
                        Catch::Contains("the file is empty"));
  CHECK_THROWS_WITH(read_idx_images(folder.path()), Catch::Contains("not a regular file"));
  write_gzip(folder / "empty.gz", "");
  CHECK_THROWS_WITH(read_idx_images(folder / "empty.gz"),
                    Catch::Contains("empty.gz") && Catch::Contains("header ends after 0 bytes"));
}

TEST_CASE("idx wrong magic numbers", "[data][idx]") {
  TempFolder folder;
  for (const auto& path : write_both(folder, "labels", make_idx(0x801, {3}, {1, 2, 3}))) {
    INFO(path);
    CHECK_THROWS_WITH(read_idx_images(path),
                      Catch::Contains("magic number is 0x00000801") &&
                          Catch::Contains("images file has 0x00000803"));
  }
  for (const auto& path : write_both(folder, "images", make_idx(0x803, {1, 1, 1}, {7}))) {
    INFO(path);
    CHECK_THROWS_WITH(read_idx_labels(path), Catch::Contains("labels file has 0x00000801"));
  }
  for (const auto& path : write_both(folder, "floats", make_idx(0x0D01, {1}, {0, 0, 0, 0}))) {
    INFO(path);
    CHECK_THROWS_WITH(read_idx(path), Catch::Contains("element type is 0x0000000d") &&
                                          Catch::Contains("only unsigned bytes (0x08)"));
  }
  for (const auto& path : write_both(folder, "text", "hello, this is not an IDX file")) {
    INFO(path);
    CHECK_THROWS_WITH(read_idx(path), Catch::Contains("not an IDX file"));
  }
}

TEST_CASE("idx truncated header", "[data][idx]") {
  TempFolder folder;
  const std::string whole = make_idx(0x803, {2, 2, 3}, two_images);
  for (std::size_t length : {1, 3, 4, 7, 15}) {
    INFO("header cut to " << length << " bytes");
    for (const auto& path : write_both(folder, "cut", whole.substr(0, length))) {
      INFO(path);
      CHECK_THROWS_WITH(read_idx_images(path), Catch::Contains("the header ends"));
    }
  }
}

TEST_CASE("idx truncated or extra data", "[data][idx]") {
  TempFolder folder;
  const std::string whole = make_idx(0x803, {2, 2, 3}, two_images);
  const std::string cut = whole.substr(0, whole.size() - 1);

  write_bytes(folder / "cut", cut);
  CHECK_THROWS_WITH(read_idx_images(folder / "cut"),
                    Catch::Contains("12 bytes of data, but the file contains 11"));
  write_gzip(folder / "cut.gz", cut);
  CHECK_THROWS_WITH(read_idx_images(folder / "cut.gz"),
                    Catch::Contains("data ends after 11 of the 12 bytes") &&
                        Catch::Contains("truncated"));

  write_bytes(folder / "long", whole + "x");
  CHECK_THROWS_WITH(read_idx_images(folder / "long"),
                    Catch::Contains("12 bytes of data, but the file contains 13"));
  write_gzip(folder / "long.gz", whole + "x");
  CHECK_THROWS_WITH(read_idx_images(folder / "long.gz"),
                    Catch::Contains("contains data after the 12 bytes"));
}

TEST_CASE("idx truncated gzip stream", "[data][idx]") {
  // The gzip file itself cut short: zlib reports the early end.
  TempFolder folder;
  std::vector<std::uint8_t> values(5000);
  for (std::size_t i = 0; i < values.size(); ++i) {
    values[i] = static_cast<std::uint8_t>((i * 7919) % 256);
  }
  const std::string compressed = gzip_bytes(folder, make_idx(0x803, {5, 50, 20}, values));
  for (std::size_t length : {compressed.size() / 2, compressed.size() - 9, compressed.size() - 1}) {
    INFO("gzip file cut to " << length << " of " << compressed.size() << " bytes");
    write_bytes(folder / "cut.gz", compressed.substr(0, length));
    CHECK_THROWS_AS(read_idx_images(folder / "cut.gz"), std::runtime_error);
    CHECK_THROWS_WITH(read_idx_images(folder / "cut.gz"), Catch::Contains("cut.gz"));
  }
}

TEST_CASE("idx corrupt gzip data", "[data][idx]") {
  // A byte flipped inside the deflate stream or its CRC-32 trailer raises,
  // unless it only changes the unused padding bits of the last deflate byte:
  // then the data read is the original. Nothing crashes.
  TempFolder folder;
  std::vector<std::uint8_t> values(2000);
  for (std::size_t i = 0; i < values.size(); ++i) {
    values[i] = static_cast<std::uint8_t>((i * 31) % 256);
  }
  const std::string compressed = gzip_bytes(folder, make_idx(0x803, {2, 40, 25}, values));
  std::size_t unnoticed = 0;
  // A gzip header written by zlib is 10 bytes; the last 8 are CRC-32 and size.
  for (std::size_t offset = 10; offset < compressed.size(); ++offset) {
    INFO("byte " << offset << " of " << compressed.size() << " flipped");
    std::string corrupt = compressed;
    corrupt[offset] = static_cast<char>(corrupt[offset] ^ 0x10);
    write_bytes(folder / "corrupt.gz", corrupt);
    try {
      const IdxArray images = read_idx_images(folder / "corrupt.gz");
      ++unnoticed;
      CHECK(images.values == values);
    } catch (const std::runtime_error& error) {
      CHECK_THAT(error.what(), Catch::Contains("corrupt.gz"));
    }
  }
  CHECK(unnoticed <= 1);
}

TEST_CASE("idx huge claimed size", "[data][idx]") {
  // 65535^3 bytes is 281 TB: allocating it first would throw std::bad_alloc
  // (or worse) instead of the runtime_error checked here.
  TempFolder folder;
  const std::string huge = make_idx(0x803, {65535, 65535, 65535}, two_images);
  for (const auto& path : write_both(folder, "huge", huge)) {
    INFO(path);
    CHECK_THROWS_AS(read_idx_images(path), std::runtime_error);
    CHECK_THROWS_WITH(read_idx_images(path), Catch::Contains("[65535, 65535, 65535]"));
  }
  // 2^32-1 to the fifth power overflows a 64-bit byte count.
  const std::string overflow =
      make_idx(0x805, {0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff}, {});
  for (const auto& path : write_both(folder, "overflow", overflow)) {
    INFO(path);
    CHECK_THROWS_WITH(read_idx(path), Catch::Contains("too large for memory"));
  }
}
