// save_npz and load_npz: round trips, names, shapes and dtypes.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>
#include <limits>
#include <stdexcept>

#include <tapegrad/core/npz.hpp>

#include "../support/temp_folder.hpp"

using namespace tapegrad;
using tapegrad::testing::TempFolder;

namespace {

// Bit-for-bit equality, so NaN payloads and -0.0 count too.
template <class T>
bool same_bits(const Array<T>& a, const Array<T>& b) {
  // memcmp must not see the null data pointer of an empty array.
  return a.shape() == b.shape() &&
         (a.size() == 0 || std::memcmp(a.data(), b.data(), a.size() * sizeof(T)) == 0);
}

std::size_t count_files(const std::filesystem::path& folder) {
  std::size_t count = 0;
  for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator(folder)) {
    ++count;
  }
  return count;
}

}  // namespace

TEMPLATE_TEST_CASE("npz round trip keeps every bit", "[io][npz]", float, double) {
  using T = TestType;
  using limits = std::numeric_limits<T>;
  TempFolder folder;
  const auto path = folder / "arrays.npz";

  NamedArrays<T> arrays;
  arrays.emplace_back("scalar", Array<T>(T(3.5)));
  arrays.emplace_back("vector", Array<T>{limits::infinity(), -limits::infinity(), limits::quiet_NaN(),
                                         T(-0.0), limits::denorm_min(), limits::max()});
  arrays.emplace_back("layer.0.weight", Array<T>{{1, 2, 3}, {4, 5, 6}});
  arrays.emplace_back("cube", Array<T>{{{1, 2}}, {{3, 4}}});
  arrays.emplace_back("empty", Array<T>(xt::empty<T>(Shape{0, 3})));
  save_npz(path, arrays);

  const NamedArrays<T> loaded = load_npz<T>(path);
  REQUIRE(loaded.size() == arrays.size());
  for (std::size_t i = 0; i < arrays.size(); ++i) {
    INFO("entry " << arrays[i].first);
    CHECK(loaded[i].first == arrays[i].first);
    CHECK(to_shape(loaded[i].second.shape()) == to_shape(arrays[i].second.shape()));
    CHECK(same_bits(loaded[i].second, arrays[i].second));
  }
}

TEST_CASE("npz load keeps archive order", "[io][npz]") {
  TempFolder folder;
  const auto path = folder / "order.npz";
  save_npz<float>(path, {{"b", Array<float>{1}}, {"a", Array<float>{2}}, {"c", Array<float>{3}}});

  const auto loaded = load_npz<float>(path);
  REQUIRE(loaded.size() == 3);
  CHECK(loaded[0].first == "b");
  CHECK(loaded[1].first == "a");
  CHECK(loaded[2].first == "c");
}

TEST_CASE("npz save with no arrays", "[io][npz]") {
  TempFolder folder;
  const auto path = folder / "none.npz";
  save_npz<double>(path, {});
  CHECK(load_npz<double>(path).empty());
}

TEST_CASE("npz save replaces existing file", "[io][npz]") {
  TempFolder folder;
  const auto path = folder / "model.npz";
  save_npz<float>(path, {{"w", Array<float>{1, 2, 3}}});
  save_npz<float>(path, {{"w", Array<float>{4, 5}}});

  const auto loaded = load_npz<float>(path);
  REQUIRE(loaded.size() == 1);
  CHECK(loaded[0].second == Array<float>{4, 5});
  // The temporary files are gone: only model.npz is left.
  CHECK(count_files(folder.path()) == 1);
}

TEST_CASE("npz save rejects bad names", "[io][npz]") {
  TempFolder folder;
  const auto path = folder / "bad.npz";
  const Array<float> value{1};

  CHECK_THROWS_WITH(save_npz<float>(path, {{"", value}}), Catch::Contains("empty name"));
  CHECK_THROWS_WITH(save_npz<float>(path, {{"w", value}, {"w", value}}),
                    Catch::Contains("'w' appears twice"));
  CHECK_THROWS_WITH(save_npz<float>(path, {{"tapegrad.format_version", value}}),
                    Catch::Contains("reserved"));
  CHECK_THROWS_AS(save_npz<float>(path, {{"", value}}), std::invalid_argument);
  CHECK_FALSE(std::filesystem::exists(path));
  CHECK(count_files(folder.path()) == 0);
}

TEST_CASE("npz save into missing folder", "[io][npz]") {
  TempFolder folder;
  const auto path = folder / "no-such-folder" / "model.npz";
  CHECK_THROWS_AS(save_npz<float>(path, {{"w", Array<float>{1}}}), std::runtime_error);
  CHECK_THROWS_WITH(save_npz<float>(path, {{"w", Array<float>{1}}}),
                    Catch::Contains("model.npz"));
}

TEST_CASE("npz load with expected shapes", "[io][npz]") {
  TempFolder folder;
  const auto path = folder / "model.npz";
  save_npz<float>(path, {{"w", Array<float>{{1, 2, 3}, {4, 5, 6}}}, {"b", Array<float>{7, 8}}});

  SECTION("matching names come back in the expected order") {
    const auto loaded = load_npz<float>(path, {{"b", {2}}, {"w", {2, 3}}});
    REQUIRE(loaded.size() == 2);
    CHECK(loaded[0].first == "b");
    CHECK(loaded[0].second == Array<float>{7, 8});
    CHECK(loaded[1].first == "w");
  }
  SECTION("a shape mismatch names the entry and both shapes") {
    const NamedShapes expected{{"w", {3, 2}}, {"b", {2}}};
    CHECK_THROWS_AS(load_npz<float>(path, expected), std::invalid_argument);
    CHECK_THROWS_WITH(load_npz<float>(path, expected),
                      Catch::Contains("'w'") && Catch::Contains("has shape [2, 3]") &&
                          Catch::Contains("[3, 2] was expected") && Catch::Contains("model.npz"));
  }
  SECTION("missing and unexpected names are listed") {
    const NamedShapes expected{{"w", {2, 3}}, {"bias", {2}}};
    CHECK_THROWS_AS(load_npz<float>(path, expected), std::invalid_argument);
    CHECK_THROWS_WITH(load_npz<float>(path, expected),
                      Catch::Contains("missing: 'bias'") && Catch::Contains("unexpected: 'b'"));
  }
}

TEST_CASE("npz load rejects another dtype", "[io][npz]") {
  TempFolder folder;
  const auto path = folder / "double.npz";
  save_npz<double>(path, {{"w", Array<double>{1, 2}}});

  CHECK_THROWS_AS(load_npz<float>(path), std::invalid_argument);
  CHECK_THROWS_WITH(load_npz<float>(path), Catch::Contains("'w'") && Catch::Contains("float64") &&
                                               Catch::Contains("float32") &&
                                               Catch::Contains("double.npz"));
}

TEST_CASE("npz match entries rejects duplicates", "[io][npz]") {
  NamedArrays<float> entries{{"w", Array<float>{1}}, {"w", Array<float>{2}}};
  CHECK_THROWS_WITH(match_entries<float>("test_caller", "the test entries", entries, {{"w", {1}}}),
                    Catch::StartsWith("test_caller: ") && Catch::Contains("'w'") &&
                        Catch::Contains("twice"));
}
