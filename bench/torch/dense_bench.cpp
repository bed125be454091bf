// libtorch twin of tapegrad/dense_bench.cpp: the worked Dense example and the
// medium Dense step, with the same values, releasing gradients every iteration.
#include <benchmark/benchmark.h>
#include <torch/torch.h>

#include "torch/fixed_tensors.hpp"

namespace {

void dense_tiny_step(benchmark::State& state) {
  torch::Tensor x = torch::tensor({2.0f, 3.0f}).requires_grad_(true);
  torch::Tensor weight =
      torch::tensor({1.0f, 2.0f, 0.0f, -1.0f}).reshape({2, 2}).requires_grad_(true);
  torch::Tensor bias = torch::tensor({1.0f, -1.0f}).requires_grad_(true);
  const torch::Tensor grad_out = torch::tensor({0.5f, -0.2f});
  for (auto _ : state) {
    torch::Tensor activated = torch::relu(torch::matmul(weight, x) + bias);
    activated.backward(grad_out);
    benchmark::DoNotOptimize(weight.grad().data_ptr<float>());
    bench::release_grad(x);
    bench::release_grad(weight);
    bench::release_grad(bias);
  }
}

void dense_medium_step(benchmark::State& state) {
  constexpr std::int64_t batch = 32;
  constexpr std::int64_t features = 64;
  const torch::Tensor input = bench::fixed_tensor({batch, features}, 1);
  torch::Tensor weight = bench::fixed_tensor({features, features}, 2).requires_grad_(true);
  torch::Tensor bias = bench::fixed_tensor({features}, 3).requires_grad_(true);
  const torch::Tensor grad_out = bench::fixed_tensor({batch, features}, 4);
  for (auto _ : state) {
    torch::Tensor activated = torch::relu(torch::matmul(input, weight.t()) + bias);
    activated.backward(grad_out);
    benchmark::DoNotOptimize(weight.grad().data_ptr<float>());
    bench::release_grad(weight);
    bench::release_grad(bias);
  }
}

}  // namespace

BENCHMARK(dense_tiny_step);
BENCHMARK(dense_medium_step);
