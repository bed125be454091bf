// Tests of the per-thread buffer cache behind Array: reuse, size classes,
// alignment, the byte limit, frees on another thread, and a Dense training
// step that takes no buffer from the heap once warmed up.
#include <catch2/catch.hpp>

#include <cstddef>
#include <cstdint>
#include <thread>

#include <tapegrad/core/core.hpp>

using namespace tapegrad;

namespace {

// Every test sets its own limit, because sanitizer builds start at 0, and
// restores the previous one.
constexpr std::size_t test_limit_bytes = std::size_t{1} << 20;

class CacheLimit {
 public:
  explicit CacheLimit(std::size_t bytes) : previous_(buffer_cache_limit()) {
    release_cached_buffers();
    set_buffer_cache_limit(bytes);
  }
  ~CacheLimit() { set_buffer_cache_limit(previous_); }
  CacheLimit(const CacheLimit&) = delete;
  CacheLimit& operator=(const CacheLimit&) = delete;

 private:
  std::size_t previous_;
};

std::uint64_t heap_allocations() { return buffer_cache_stats().heap_allocations; }

}  // namespace

TEST_CASE("buffer cache reuses freed buffer", "[core][buffer_cache]") {
  CacheLimit limit(test_limit_bytes);
  const std::uint64_t heap_before = heap_allocations();
  const float* first_data = nullptr;
  {
    Array<float> first = Array<float>::from_shape({100});
    first_data = first.data();
  }
  CHECK(heap_allocations() == heap_before + 1);
  // 100 floats are 400 bytes, kept in the 512-byte class.
  CHECK(buffer_cache_stats().cached_bytes == 512);

  const std::uint64_t reuses_before = buffer_cache_stats().reuses;
  Array<float> second = Array<float>::from_shape({100});
  CHECK(second.data() == first_data);
  CHECK(heap_allocations() == heap_before + 1);
  CHECK(buffer_cache_stats().reuses == reuses_before + 1);
  CHECK(buffer_cache_stats().cached_bytes == 0);
}

TEST_CASE("buffer cache shares one size class", "[core][buffer_cache]") {
  CacheLimit limit(test_limit_bytes);
  { Array<float> freed = Array<float>::from_shape({100}); }  // 400 B -> 512 B class
  const std::uint64_t heap_before = heap_allocations();

  Array<double> same_class = Array<double>::from_shape({60});  // 480 B -> 512 B class
  CHECK(heap_allocations() == heap_before);
  Array<float> larger_class = Array<float>::from_shape({200});  // 800 B -> 1024 B class
  CHECK(heap_allocations() == heap_before + 1);
}

TEST_CASE("buffer cache aligns to 64 bytes", "[core][buffer_cache]") {
  CacheLimit limit(test_limit_bytes);
  for (std::size_t count : {1, 3, 16, 17, 1000, 100000}) {
    INFO("elements " << count);
    Array<float> values = Array<float>::from_shape({count});
    CHECK(reinterpret_cast<std::uintptr_t>(values.data()) % 64 == 0);
  }
}

TEST_CASE("buffer cache limit zero disables caching", "[core][buffer_cache]") {
  CacheLimit limit(0);
  const std::uint64_t heap_before = heap_allocations();
  { Array<float> freed = Array<float>::from_shape({100}); }
  CHECK(buffer_cache_stats().cached_bytes == 0);
  Array<float> next = Array<float>::from_shape({100});
  CHECK(heap_allocations() == heap_before + 2);
}

TEST_CASE("buffer cache limit caps idle bytes", "[core][buffer_cache]") {
  // Room for one 512-byte buffer: the second one freed goes to the heap.
  CacheLimit limit(512);
  {
    Array<float> first = Array<float>::from_shape({100});
    Array<float> second = Array<float>::from_shape({100});
  }
  CHECK(buffer_cache_stats().cached_bytes == 512);

  set_buffer_cache_limit(0);
  CHECK(buffer_cache_stats().cached_bytes == 0);
}

TEST_CASE("buffer freed on another thread", "[core][buffer_cache]") {
  CacheLimit limit(test_limit_bytes);
  Array<float> moved_away = Array<float>::from_shape({100});
  std::size_t cached_on_other_thread = 0;
  std::thread other([&] {
    set_buffer_cache_limit(test_limit_bytes);
    { Array<float> freed_here = std::move(moved_away); }
    cached_on_other_thread = buffer_cache_stats().cached_bytes;
  });
  other.join();
  CHECK(cached_on_other_thread == 512);
  CHECK(buffer_cache_stats().cached_bytes == 0);
}

TEST_CASE("buffer cache empty array needs no buffer", "[core][buffer_cache]") {
  CacheLimit limit(test_limit_bytes);
  const std::uint64_t heap_before = heap_allocations();
  const std::uint64_t reuses_before = buffer_cache_stats().reuses;
  Array<float> empty = Array<float>::from_shape({0});
  CHECK(empty.size() == 0);
  CHECK(heap_allocations() == heap_before);
  CHECK(buffer_cache_stats().reuses == reuses_before);
}

TEST_CASE("dense step reuses every buffer", "[core][buffer_cache]") {
  // X [4, 3] (no grad), W [2, 3], b [2]: relu(X W^T + b), summed, then an SGD
  // update. After the first step every buffer comes from the cache.
  CacheLimit limit(test_limit_bytes);
  const Tensor<float> input({{1, 2, 3}, {-1, 0, 1}, {2, -2, 0.5f}, {0, 1, -1}});
  Tensor<float> weight = parameter<float>({{0.5f, -0.25f, 1}, {-1, 0.75f, 0.5f}});
  Tensor<float> bias = parameter<float>({0.1f, -0.2f});
  auto step = [&] {
    Tensor<float> loss = sum(relu(matmul(input, weight, Transpose::rhs) + bias));
    backward(loss);
    weight.mutable_value() -= 0.1f * weight.grad();
    bias.mutable_value() -= 0.1f * bias.grad();
    weight.zero_grad();
    bias.zero_grad();
  };

  step();
  const std::uint64_t heap_before = heap_allocations();
  step();
  step();
  CHECK(heap_allocations() == heap_before);
}
