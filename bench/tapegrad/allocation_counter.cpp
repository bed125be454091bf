// Counts calls to the global operator new in tapegrad_bench, so benchmarks
// can report the heap allocations a training step makes besides array
// buffers (which the buffer cache counts): node output records, vectors and
// the like. The array and nothrow forms of new forward to this one in
// libstdc++, and the default operator delete frees what malloc returned.
#include "tapegrad/allocation_counter.hpp"

#include <atomic>
#include <cstdlib>
#include <new>

namespace {
std::atomic<std::uint64_t> new_calls{0};
}  // namespace

std::uint64_t bench::operator_new_calls() noexcept {
  return new_calls.load(std::memory_order_relaxed);
}

void* operator new(std::size_t bytes) {
  new_calls.fetch_add(1, std::memory_order_relaxed);
  if (void* memory = std::malloc(bytes == 0 ? 1 : bytes)) {
    return memory;
  }
  throw std::bad_alloc();
}
