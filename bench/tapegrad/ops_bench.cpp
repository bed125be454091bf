// Per-op cost on tiny tensors: each op alone without recording (no_grad), and
// recorded then differentiated (forward_backward). The difference is what the
// tape adds: the node, the output handle and the backward pass.
//
// Operands are [2, 2] floats that require grad, so every op writes both
// gradients; each iteration releases them as an optimizer's zero_grad would.
// torch/ops_bench.cpp does the same work with libtorch.
#include <benchmark/benchmark.h>

#include <tapegrad/core/core.hpp>

namespace {

using tapegrad::Array;
using tapegrad::Tensor;

struct TinyOperands {
  Tensor<float> lhs = tapegrad::parameter<float>({{0.5f, -1.5f}, {2.0f, 0.25f}});
  Tensor<float> rhs = tapegrad::parameter<float>({{1.5f, 0.75f}, {-0.5f, 3.0f}});
  Tensor<float> bias = tapegrad::parameter<float>({0.1f, -0.2f});
  Tensor<float> grad_out = Tensor<float>({{1.0f, -2.0f}, {0.5f, 0.25f}});

  void zero_grad() {
    lhs.zero_grad();
    rhs.zero_grad();
    bias.zero_grad();
  }
};

template <class Op>
void run_no_grad(benchmark::State& state, Op op) {
  TinyOperands operands;
  tapegrad::NoGradGuard no_grad;
  for (auto _ : state) {
    Tensor<float> out = op(operands);
    benchmark::DoNotOptimize(out.value().data());
  }
}

template <class Op>
void run_forward_backward(benchmark::State& state, Op op) {
  TinyOperands operands;
  for (auto _ : state) {
    Tensor<float> out = op(operands);
    if (out.size() == 1) {
      tapegrad::backward(out);
    } else {
      tapegrad::backward(out, operands.grad_out);
    }
    benchmark::DoNotOptimize(operands.lhs.grad().data());
    operands.zero_grad();
  }
}

Tensor<float> add_op(TinyOperands& o) { return o.lhs + o.rhs; }
Tensor<float> add_bias_op(TinyOperands& o) { return o.lhs + o.bias; }
Tensor<float> mul_op(TinyOperands& o) { return o.lhs * o.rhs; }
Tensor<float> div_op(TinyOperands& o) { return o.lhs / o.rhs; }
Tensor<float> relu_op(TinyOperands& o) { return tapegrad::relu(o.lhs); }
Tensor<float> matmul_op(TinyOperands& o) { return tapegrad::matmul(o.lhs, o.rhs); }
Tensor<float> sum_op(TinyOperands& o) { return tapegrad::sum(o.lhs); }

void op_add_no_grad(benchmark::State& state) { run_no_grad(state, add_op); }
void op_add_forward_backward(benchmark::State& state) { run_forward_backward(state, add_op); }
void op_add_bias_no_grad(benchmark::State& state) { run_no_grad(state, add_bias_op); }
void op_add_bias_forward_backward(benchmark::State& state) {
  run_forward_backward(state, add_bias_op);
}
void op_mul_no_grad(benchmark::State& state) { run_no_grad(state, mul_op); }
void op_mul_forward_backward(benchmark::State& state) { run_forward_backward(state, mul_op); }
void op_div_no_grad(benchmark::State& state) { run_no_grad(state, div_op); }
void op_div_forward_backward(benchmark::State& state) { run_forward_backward(state, div_op); }
void op_relu_no_grad(benchmark::State& state) { run_no_grad(state, relu_op); }
void op_relu_forward_backward(benchmark::State& state) { run_forward_backward(state, relu_op); }
void op_matmul_no_grad(benchmark::State& state) { run_no_grad(state, matmul_op); }
void op_matmul_forward_backward(benchmark::State& state) {
  run_forward_backward(state, matmul_op);
}
void op_sum_no_grad(benchmark::State& state) { run_no_grad(state, sum_op); }
void op_sum_forward_backward(benchmark::State& state) { run_forward_backward(state, sum_op); }

}  // namespace

BENCHMARK(op_add_no_grad);
BENCHMARK(op_add_forward_backward);
BENCHMARK(op_add_bias_no_grad);
BENCHMARK(op_add_bias_forward_backward);
BENCHMARK(op_mul_no_grad);
BENCHMARK(op_mul_forward_backward);
BENCHMARK(op_div_no_grad);
BENCHMARK(op_div_forward_backward);
BENCHMARK(op_relu_no_grad);
BENCHMARK(op_relu_forward_backward);
BENCHMARK(op_matmul_no_grad);
BENCHMARK(op_matmul_forward_backward);
BENCHMARK(op_sum_no_grad);
BENCHMARK(op_sum_forward_backward);
