// libtorch twin of matmul_tape in tapegrad/matmul_bench.cpp: C = A B for
// A, B [N, N] that require grad, backward with a fixed grad_out, counted as
// 6 N^3 floating-point operations.
#include <benchmark/benchmark.h>
#include <torch/torch.h>

#include "torch/fixed_tensors.hpp"

namespace {

void matmul_tape(benchmark::State& state) {
  const std::int64_t n = state.range(0);
  torch::Tensor a = bench::fixed_tensor({n, n}, 1).requires_grad_(true);
  torch::Tensor b = bench::fixed_tensor({n, n}, 2).requires_grad_(true);
  const torch::Tensor grad_out = bench::fixed_tensor({n, n}, 3);
  for (auto _ : state) {
    torch::Tensor c = torch::matmul(a, b);
    c.backward(grad_out);
    benchmark::DoNotOptimize(a.grad().data_ptr<float>());
    bench::release_grad(a);
    bench::release_grad(b);
  }
  state.counters["FLOP/s"] = benchmark::Counter(6.0 * static_cast<double>(n * n * n),
                                                benchmark::Counter::kIsIterationInvariantRate);
}

}  // namespace

// The same minimum time as tapegrad's matmul_tape: a single iteration at 2048
// would be too noisy to compare.
constexpr double matmul_min_seconds = 1.0;
BENCHMARK(matmul_tape)
    ->Arg(256)->Arg(512)->Arg(1024)->Arg(2048)
    ->MinTime(matmul_min_seconds)
    ->UseRealTime();
