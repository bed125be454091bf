// Large matrix products: matmul through the tape (forward and backward)
// against one raw OpenBLAS sgemm of the same size.
//
// matmul_tape/N: C = A B for A, B [N, N] that require grad, then backward with
//   a fixed grad_out: three N^3 products (C, dA = G B^T, dB = A^T G), counted
//   as 6 N^3 floating-point operations.
// sgemm_raw/N: one cblas_sgemm C = A B, 2 N^3 operations.
// The FLOP/s counters are directly comparable; torch/matmul_bench.cpp has the
// libtorch twin of matmul_tape.
#include <benchmark/benchmark.h>
#include <cblas.h>

#include <tapegrad/core/core.hpp>

#include "tapegrad/fixed_arrays.hpp"

namespace {

using tapegrad::Array;
using tapegrad::Tensor;

void set_flop_rate(benchmark::State& state, double flops_per_iteration) {
  state.counters["FLOP/s"] =
      benchmark::Counter(flops_per_iteration, benchmark::Counter::kIsIterationInvariantRate);
}

void matmul_tape(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  Tensor<float> a = tapegrad::parameter(bench::fixed_array({n, n}, 1));
  Tensor<float> b = tapegrad::parameter(bench::fixed_array({n, n}, 2));
  const Tensor<float> grad_out(bench::fixed_array({n, n}, 3));
  for (auto _ : state) {
    Tensor<float> c = tapegrad::matmul(a, b);
    tapegrad::backward(c, grad_out);
    benchmark::DoNotOptimize(a.grad().data());
    a.zero_grad();
    b.zero_grad();
  }
  set_flop_rate(state, 6.0 * static_cast<double>(n * n * n));
}

void sgemm_raw(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  const Array<float> a = bench::fixed_array({n, n}, 1);
  const Array<float> b = bench::fixed_array({n, n}, 2);
  Array<float> c = Array<float>::from_shape({n, n});
  const auto size = static_cast<blasint>(n);
  for (auto _ : state) {
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, size, size, size, 1.0f, a.data(), size,
                b.data(), size, 0.0f, c.data(), size);
    benchmark::DoNotOptimize(c.data());
  }
  set_flop_rate(state, 2.0 * static_cast<double>(n * n * n));
}

}  // namespace

// At 2048 one taped iteration takes about 0.6 s on a 100 GFLOP/s core, so a
// short minimum time would time a single iteration. A minimum of 1 s, which
// overrides --benchmark_min_time, averages at least two.
constexpr double matmul_min_seconds = 1.0;
BENCHMARK(matmul_tape)
    ->Arg(256)->Arg(512)->Arg(1024)->Arg(2048)
    ->MinTime(matmul_min_seconds)
    ->UseRealTime();
BENCHMARK(sgemm_raw)
    ->Arg(256)->Arg(512)->Arg(1024)->Arg(2048)
    ->MinTime(matmul_min_seconds)
    ->UseRealTime();
