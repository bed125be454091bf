// Optimizer steps and gradient clipping do no heap allocation.
//
// This file replaces the global operator new and interposes posix_memalign,
// through which xsimd's aligned allocator gets the storage of every Array, so
// that both kinds of allocation are counted while a counting window is open.
// Both forward to the usual allocators, so other tests run unchanged.
#include <cstdlib>
#include <memory>
#include <new>

#include <catch2/catch.hpp>

#include <tapegrad/optim/optim.hpp>

#include "optim_test_support.hpp"

namespace {

bool counting = false;
std::size_t allocations = 0;

void note_allocation() {
  if (counting) {
    ++allocations;
  }
}

void* allocate_or_throw(std::size_t size) {
  note_allocation();
  if (void* pointer = std::malloc(size == 0 ? 1 : size)) {
    return pointer;
  }
  throw std::bad_alloc();
}

/// Counts heap allocations made by `body`.
template <class F>
std::size_t count_allocations(F&& body) {
  allocations = 0;
  counting = true;
  body();
  counting = false;
  return allocations;
}

}  // namespace

void* operator new(std::size_t size) { return allocate_or_throw(size); }
void* operator new[](std::size_t size) { return allocate_or_throw(size); }
// The nothrow forms too, so that every plain new pairs with the delete below
// (AddressSanitizer reports a mismatch otherwise).
void* operator new(std::size_t size, const std::nothrow_t&) noexcept {
  note_allocation();
  return std::malloc(size == 0 ? 1 : size);
}
void* operator new[](std::size_t size, const std::nothrow_t&) noexcept {
  note_allocation();
  return std::malloc(size == 0 ? 1 : size);
}
void operator delete(void* pointer, const std::nothrow_t&) noexcept { std::free(pointer); }
void operator delete[](void* pointer, const std::nothrow_t&) noexcept { std::free(pointer); }
void operator delete(void* pointer) noexcept { std::free(pointer); }
void operator delete[](void* pointer) noexcept { std::free(pointer); }
void operator delete(void* pointer, std::size_t) noexcept { std::free(pointer); }
void operator delete[](void* pointer, std::size_t) noexcept { std::free(pointer); }

// Defined here, this posix_memalign takes the place of the C library's for
// the whole program. aligned_alloc is a separate C library entry point.
extern "C" int posix_memalign(void** pointer, std::size_t alignment, std::size_t size) {
  note_allocation();
  const std::size_t rounded = (size + alignment - 1) / alignment * alignment;
  *pointer = std::aligned_alloc(alignment, rounded == 0 ? alignment : rounded);
  return *pointer == nullptr ? ENOMEM : 0;
}

using namespace tapegrad;
using optim_test::Problem;

TEST_CASE("allocation counter sees array storage", "[optim][allocation]") {
  // Guards the test below against a counter that never counts.
  const std::size_t counted = count_allocations([] {
    Array<double> array = xt::zeros<double>(Shape{4, 4});
    CHECK(array.size() == 16);
  });
  CHECK(counted >= 1);
}

TEMPLATE_TEST_CASE("optimizer step allocates nothing", "[optim][allocation]", float, double) {
  using T = TestType;
  Problem<T> problem;
  std::unique_ptr<Optimizer<T>> optimizer;
  SECTION("SGD nesterov with weight decay") {
    optimizer = std::make_unique<SGD<T>>(
        problem.parameters(),
        SGDOptions{.lr = 0.01, .momentum = 0.9, .weight_decay = 0.1, .nesterov = true});
  }
  SECTION("Adam with weight decay") {
    optimizer = std::make_unique<Adam<T>>(problem.parameters(),
                                          AdamOptions{.lr = 0.01, .weight_decay = 0.1});
  }
  SECTION("AdamW") {
    optimizer = std::make_unique<AdamW<T>>(problem.parameters(), AdamWOptions{.lr = 0.01});
  }
  SECTION("RMSprop centered with momentum") {
    optimizer = std::make_unique<RMSprop<T>>(
        problem.parameters(),
        RMSpropOptions{.lr = 0.01, .weight_decay = 0.1, .momentum = 0.9, .centered = true});
  }
  SECTION("Adagrad with weight decay") {
    optimizer = std::make_unique<Adagrad<T>>(problem.parameters(),
                                             AdagradOptions{.lr = 0.01, .weight_decay = 0.1});
  }

  const std::vector<Tensor<T>> parameters = problem.parameters();
  for (int step = 1; step <= 3; ++step) {
    optimizer->zero_grad();
    backward(sum(problem.c * problem.w * problem.w) + sum(problem.b * problem.b * problem.b));
    INFO("step " << step);
    CHECK(count_allocations([&] { clip_grad_norm(parameters, 1.0); }) == 0);
    CHECK(count_allocations([&] { optimizer->step(); }) == 0);
  }
}
