// Per-thread cache of array buffers: the allocator behind every `Array<T>`.
//
// A training step allocates and frees the same buffer sizes every step (op
// outputs, gradients, temporaries). Instead of returning freed buffers to the
// heap, each thread keeps them in free lists by size class (powers of two from
// 64 bytes) and hands them out again. So from the second step on, no array
// buffer comes from the heap. Buffers are 64-byte aligned, the width of an
// AVX-512 register.
//
// A buffer freed on another thread than the one that allocated it joins the
// freeing thread's cache. Each thread keeps at most `buffer_cache_limit()`
// bytes of idle buffers; a buffer that would exceed it goes back to the heap.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <new>

namespace tapegrad {

/// Counters of this thread's buffer cache, summed since the thread started.
struct BufferCacheStats {
  /// Buffers this thread took from the heap.
  std::uint64_t heap_allocations = 0;
  /// Buffers this thread handed out again from its cache.
  std::uint64_t reuses = 0;
  /// Bytes of idle buffers in the cache now.
  std::size_t cached_bytes = 0;
};

/// Returns the counters of this thread's buffer cache.
BufferCacheStats buffer_cache_stats() noexcept;

/// Returns the most bytes of idle buffers this thread keeps: 64 MiB unless
/// set, 0 in AddressSanitizer builds.
std::size_t buffer_cache_limit() noexcept;

/// Sets the most bytes of idle buffers this thread keeps, and frees idle
/// buffers beyond it. 0 turns caching off: every buffer then comes from and
/// goes back to the heap, which suits memory checkers such as valgrind.
void set_buffer_cache_limit(std::size_t bytes) noexcept;

/// Frees every idle buffer in this thread's cache.
void release_cached_buffers() noexcept;

// The allocator has a namespace of its own because argument-dependent lookup
// searches the namespaces of an Array's template arguments. xtensor calls
// functions such as sum<T>(e) unqualified, and those calls must not find
// tapegrad's ops.
namespace memory {

void* allocate_buffer(std::size_t bytes);
void deallocate_buffer(void* buffer, std::size_t bytes) noexcept;

/// Standard allocator over the per-thread buffer cache; stateless, so any two
/// instances compare equal and a buffer may be freed through any of them.
template <class T>
struct CachingAllocator {
  using value_type = T;

  CachingAllocator() noexcept = default;
  template <class U>
  CachingAllocator(const CachingAllocator<U>&) noexcept {}

  /// Returns a buffer for `count` elements; a null pointer for 0.
  T* allocate(std::size_t count) {
    if (count == 0) {
      return nullptr;
    }
    if (count > std::numeric_limits<std::size_t>::max() / sizeof(T)) {
      throw std::bad_array_new_length();
    }
    return static_cast<T*>(allocate_buffer(count * sizeof(T)));
  }

  void deallocate(T* buffer, std::size_t count) noexcept {
    deallocate_buffer(buffer, count * sizeof(T));
  }

  template <class U>
  bool operator==(const CachingAllocator<U>&) const noexcept {
    return true;
  }
};

}  // namespace memory
}  // namespace tapegrad
