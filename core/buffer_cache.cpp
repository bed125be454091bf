#include <tapegrad/core/buffer_cache.hpp>

#include <array>
#include <bit>
#include <cstdlib>

namespace tapegrad {
namespace {

constexpr std::size_t buffer_alignment = 64;
constexpr std::size_t smallest_class_bytes = 64;
// Size classes 64 B, 128 B, ... 2^63 B cover every request a size_t can state.
constexpr std::size_t class_count = 64 - 6;
#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define TAPEGRAD_ADDRESS_SANITIZER 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__) || defined(TAPEGRAD_ADDRESS_SANITIZER)
// AddressSanitizer catches a use after free only in buffers that really go
// back to the heap, so sanitized builds cache nothing unless asked.
constexpr std::size_t default_limit_bytes = 0;
#else
// Enough for the activations and gradients of a small model's step, such as a
// 784-256-128-10 MLP at batch 128 in double. Larger steps take what exceeds
// it from the heap.
constexpr std::size_t default_limit_bytes = std::size_t{64} << 20;
#endif

std::size_t class_index(std::size_t bytes) noexcept {
  if (bytes <= smallest_class_bytes) {
    return 0;
  }
  return static_cast<std::size_t>(std::bit_width(bytes - 1)) - 6;
}

std::size_t class_bytes(std::size_t index) noexcept { return smallest_class_bytes << index; }

// An idle buffer; the link lives in the buffer's own first bytes.
struct FreeBuffer {
  FreeBuffer* next;
};

struct ThreadCache {
  std::array<FreeBuffer*, class_count> free_lists{};
  std::size_t limit_bytes = default_limit_bytes;
  BufferCacheStats stats;

  ~ThreadCache() { release_down_to(0); }

  // Frees idle buffers, largest classes first, until at most `bytes` remain.
  void release_down_to(std::size_t bytes) noexcept {
    for (std::size_t index = class_count; index-- > 0 && stats.cached_bytes > bytes;) {
      while (free_lists[index] != nullptr && stats.cached_bytes > bytes) {
        FreeBuffer* buffer = free_lists[index];
        free_lists[index] = buffer->next;
        stats.cached_bytes -= class_bytes(index);
        std::free(buffer);
      }
    }
  }
};

// Set once this thread's cache is destroyed: buffers freed later in thread
// exit (by other thread-local or static objects) go straight to the heap.
thread_local bool cache_destroyed = false;

struct CacheHolder {
  ThreadCache cache;
  ~CacheHolder() { cache_destroyed = true; }
};

ThreadCache* thread_cache() noexcept {
  if (cache_destroyed) {
    return nullptr;
  }
  thread_local CacheHolder holder;
  return &holder.cache;
}

void* heap_allocate(std::size_t bytes) {
  void* buffer = std::aligned_alloc(buffer_alignment, bytes);
  if (buffer == nullptr) {
    throw std::bad_alloc();
  }
  return buffer;
}

}  // namespace

BufferCacheStats buffer_cache_stats() noexcept {
  ThreadCache* cache = thread_cache();
  return cache != nullptr ? cache->stats : BufferCacheStats{};
}

std::size_t buffer_cache_limit() noexcept {
  ThreadCache* cache = thread_cache();
  return cache != nullptr ? cache->limit_bytes : 0;
}

void set_buffer_cache_limit(std::size_t bytes) noexcept {
  if (ThreadCache* cache = thread_cache()) {
    cache->limit_bytes = bytes;
    cache->release_down_to(bytes);
  }
}

void release_cached_buffers() noexcept {
  if (ThreadCache* cache = thread_cache()) {
    cache->release_down_to(0);
  }
}

namespace memory {

void* allocate_buffer(std::size_t bytes) {
  const std::size_t index = class_index(bytes);
  if (index >= class_count) {
    throw std::bad_alloc();
  }
  ThreadCache* cache = thread_cache();
  if (cache == nullptr) {
    return heap_allocate(class_bytes(index));
  }
  if (FreeBuffer* buffer = cache->free_lists[index]) {
    cache->free_lists[index] = buffer->next;
    cache->stats.cached_bytes -= class_bytes(index);
    ++cache->stats.reuses;
    return buffer;
  }
  ++cache->stats.heap_allocations;
  return heap_allocate(class_bytes(index));
}

void deallocate_buffer(void* buffer, std::size_t bytes) noexcept {
  if (buffer == nullptr) {
    return;
  }
  const std::size_t index = class_index(bytes);
  ThreadCache* cache = thread_cache();
  if (cache == nullptr || cache->stats.cached_bytes + class_bytes(index) > cache->limit_bytes) {
    std::free(buffer);
    return;
  }
  auto* idle = static_cast<FreeBuffer*>(buffer);
  idle->next = cache->free_lists[index];
  cache->free_lists[index] = idle;
  cache->stats.cached_bytes += class_bytes(index);
}

}  // namespace memory
}  // namespace tapegrad
