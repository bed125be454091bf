// One Dense training step, forward and backward, built from matmul, add and
// relu nodes as a Dense layer is.
//
// dense_tiny_step: the worked example. x = [2, 3], W = [[1, 2], [0, -1]],
//   b = [1, -1], y = relu(W x + b), backward with grad_out [0.5, -0.2]; x, W and b
//   all get gradients.
// dense_tiny_hand: the same forward and backward written by hand with xtensor,
//   with no tape: the floor for dense_tiny_step.
// dense_medium_step: a batch X [32, 64] (no grad), W [64, 64], b [64],
//   Y = relu(X W^T + b), backward with a fixed grad_out [32, 64].
// dense_medium_step_anomaly: the same with anomaly mode on, which checks every
//   forward value and gradient for NaN and Inf; it has no libtorch twin.
//
// Each iteration releases the gradients, as an optimizer's zero_grad would.
// torch/dense_bench.cpp does the same work with libtorch.
#include <benchmark/benchmark.h>
#include <xtensor/xbuilder.hpp>
#include <xtensor/xoperation.hpp>

#include <tapegrad/core/anomaly.hpp>
#include <tapegrad/core/core.hpp>

#include "tapegrad/fixed_arrays.hpp"

namespace {

using tapegrad::Array;
using tapegrad::Tensor;

void dense_tiny_step(benchmark::State& state) {
  Tensor<float> x = tapegrad::parameter<float>({2, 3});
  Tensor<float> weight = tapegrad::parameter<float>({{1, 2}, {0, -1}});
  Tensor<float> bias = tapegrad::parameter<float>({1, -1});
  const Tensor<float> grad_out = {0.5f, -0.2f};
  for (auto _ : state) {
    Tensor<float> activated = tapegrad::relu(tapegrad::matmul(weight, x) + bias);
    tapegrad::backward(activated, grad_out);
    benchmark::DoNotOptimize(weight.grad().data());
    x.zero_grad();
    weight.zero_grad();
    bias.zero_grad();
  }
}

void dense_tiny_hand(benchmark::State& state) {
  const Array<float> x = {2, 3};
  const Array<float> weight = {{1, 2}, {0, -1}};
  const Array<float> bias = {1, -1};
  const Array<float> grad_out = {0.5f, -0.2f};
  for (auto _ : state) {
    Array<float> y = Array<float>::from_shape({2});
    for (std::size_t i = 0; i < 2; ++i) {
      y(i) = weight(i, 0) * x(0) + weight(i, 1) * x(1) + bias(i);
    }
    Array<float> activated = xt::maximum(y, 0.0f);
    // relu'(y) masks grad_out; then dx = W^T dy, dW = dy x^T, db = dy.
    Array<float> dy = xt::where(y > 0.0f, grad_out, 0.0f);
    Array<float> dx = Array<float>::from_shape({2});
    Array<float> dweight = Array<float>::from_shape({2, 2});
    for (std::size_t j = 0; j < 2; ++j) {
      dx(j) = weight(0, j) * dy(0) + weight(1, j) * dy(1);
      for (std::size_t i = 0; i < 2; ++i) {
        dweight(i, j) = dy(i) * x(j);
      }
    }
    Array<float> dbias = dy;
    benchmark::DoNotOptimize(activated.data());
    benchmark::DoNotOptimize(dx.data());
    benchmark::DoNotOptimize(dweight.data());
    benchmark::DoNotOptimize(dbias.data());
  }
}

void run_dense_medium_step(benchmark::State& state) {
  constexpr std::size_t batch = 32;
  constexpr std::size_t features = 64;
  const Tensor<float> input(bench::fixed_array({batch, features}, 1));
  Tensor<float> weight = tapegrad::parameter(bench::fixed_array({features, features}, 2));
  Tensor<float> bias = tapegrad::parameter(bench::fixed_array({features}, 3));
  const Tensor<float> grad_out(bench::fixed_array({batch, features}, 4));
  for (auto _ : state) {
    Tensor<float> activated =
        tapegrad::relu(tapegrad::matmul(input, weight, tapegrad::Transpose::rhs) + bias);
    tapegrad::backward(activated, grad_out);
    benchmark::DoNotOptimize(weight.grad().data());
    weight.zero_grad();
    bias.zero_grad();
  }
}

void dense_medium_step(benchmark::State& state) { run_dense_medium_step(state); }

void dense_medium_step_anomaly(benchmark::State& state) {
  tapegrad::AnomalyMode anomaly_mode;
  run_dense_medium_step(state);
}

}  // namespace

BENCHMARK(dense_tiny_step);
BENCHMARK(dense_tiny_hand);
BENCHMARK(dense_medium_step);
BENCHMARK(dense_medium_step_anomaly);
