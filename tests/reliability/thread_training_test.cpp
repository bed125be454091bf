// Two threads train two models at once, each on its own thread's tape, and
// each must end with exactly the parameters it reaches when trained alone.
//
// The batch [32, 64] times the first weight [32, 64]^T is 65,536
// multiply-adds, above the 4,096 where gemm switches from its loop to
// OpenBLAS, so concurrent BLAS calls are part of the test. The tsan preset
// runs this test (its name contains "thread") with OPENBLAS_NUM_THREADS=1.
// OpenBLAS is not built with ThreadSanitizer, so TSan cannot see the
// synchronization inside OpenBLAS's own thread pool. With OpenBLAS 0.3.21
// (Debian 12) the test also passed under TSan with 2 OpenBLAS threads.
#include <catch2/catch.hpp>

#include <cstdint>
#include <cstring>
#include <exception>
#include <latch>
#include <thread>
#include <vector>

#include <tapegrad/core/core.hpp>
#include <tapegrad/layers/layers.hpp>
#include <tapegrad/optim/optim.hpp>

using namespace tapegrad;

namespace {

constexpr std::size_t batch_size = 32;
constexpr std::size_t input_width = 64;
constexpr std::size_t hidden_width = 32;
constexpr std::size_t class_count = 10;
constexpr int step_count = 12;

// Trains an MLP with dropout seeded by `seed` on random data from the same
// seed, and returns its parameters after `step_count` Adam steps. `start`
// is waited on before the first step, so that concurrent calls overlap.
NamedArrays<float> train_alone(std::uint64_t seed, std::latch* start) {
  Generator generator(seed);
  Sequential<float> model{
      std::make_shared<Dense<float>>(input_width, hidden_width, Activation::relu, generator),
      std::make_shared<Dropout<float>>(0.25, seed),
      std::make_shared<Dense<float>>(hidden_width, class_count, generator)};
  Adam<float> optimizer(model.parameters(), AdamOptions{.lr = 1e-2});

  const Tensor<float> inputs = normal<float>({batch_size, input_width}, 0.0f, 1.0f, generator);
  std::vector<std::size_t> targets(batch_size);
  for (std::size_t& target : targets) {
    target = static_cast<std::size_t>(generator.below(class_count));
  }

  if (start != nullptr) {
    start->arrive_and_wait();
  }
  for (int step = 0; step < step_count; ++step) {
    optimizer.zero_grad();
    const Tensor<float> loss = cross_entropy(model(inputs), targets);
    backward(loss);
    optimizer.step();
  }

  NamedArrays<float> values;
  for (const auto& [name, tensor] : model.named_parameters()) {
    values.emplace_back(name, tensor.value());
  }
  return values;
}

// Checks that both lists contain the same names and bit-identical arrays.
void check_bitwise_equal(const NamedArrays<float>& actual, const NamedArrays<float>& expected) {
  REQUIRE(actual.size() == expected.size());
  for (std::size_t index = 0; index < actual.size(); ++index) {
    INFO("parameter " << expected[index].first);
    CHECK(actual[index].first == expected[index].first);
    const Array<float>& left = actual[index].second;
    const Array<float>& right = expected[index].second;
    REQUIRE(to_shape(left.shape()) == to_shape(right.shape()));
    CHECK(std::memcmp(left.data(), right.data(), left.size() * sizeof(float)) == 0);
  }
}

}  // namespace

TEST_CASE("two threads train bitwise as alone", "[reliability][thread]") {
  const std::uint64_t first_seed = 11;
  const std::uint64_t second_seed = 12;
  const NamedArrays<float> first_alone = train_alone(first_seed, nullptr);
  const NamedArrays<float> second_alone = train_alone(second_seed, nullptr);

  // An exception escaping a thread would terminate the test program, so each
  // thread hands its error to the main thread.
  NamedArrays<float> first_concurrent;
  NamedArrays<float> second_concurrent;
  std::exception_ptr first_error;
  std::exception_ptr second_error;
  std::latch start(2);
  std::thread first([&] {
    try {
      first_concurrent = train_alone(first_seed, &start);
    } catch (...) {
      first_error = std::current_exception();
    }
  });
  std::thread second([&] {
    try {
      second_concurrent = train_alone(second_seed, &start);
    } catch (...) {
      second_error = std::current_exception();
    }
  });
  first.join();
  second.join();
  if (first_error) {
    std::rethrow_exception(first_error);
  }
  if (second_error) {
    std::rethrow_exception(second_error);
  }

  check_bitwise_equal(first_concurrent, first_alone);
  check_bitwise_equal(second_concurrent, second_alone);
  // The two models differ, so each thread trained its own.
  CHECK(std::memcmp(first_alone[0].second.data(), second_alone[0].second.data(),
                    first_alone[0].second.size() * sizeof(float)) != 0);
}
