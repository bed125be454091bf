// libtorch twin of tapegrad/ops_bench.cpp: the same ops on the same [2, 2]
// operands, without autograd (no_grad) and recorded then differentiated
// (forward_backward), releasing the gradients every iteration.
#include <benchmark/benchmark.h>
#include <torch/torch.h>

#include "torch/fixed_tensors.hpp"

namespace {

torch::Tensor leaf(std::vector<float> values, std::vector<std::int64_t> shape) {
  return torch::tensor(values).reshape(shape).requires_grad_(true);
}

struct TinyOperands {
  torch::Tensor lhs = leaf({0.5f, -1.5f, 2.0f, 0.25f}, {2, 2});
  torch::Tensor rhs = leaf({1.5f, 0.75f, -0.5f, 3.0f}, {2, 2});
  torch::Tensor bias = leaf({0.1f, -0.2f}, {2});
  torch::Tensor grad_out = torch::tensor({1.0f, -2.0f, 0.5f, 0.25f}).reshape({2, 2});

  void zero_grad() {
    bench::release_grad(lhs);
    bench::release_grad(rhs);
    bench::release_grad(bias);
  }
};

template <class Op>
void run_no_grad(benchmark::State& state, Op op) {
  TinyOperands operands;
  torch::NoGradGuard no_grad;
  for (auto _ : state) {
    torch::Tensor out = op(operands);
    benchmark::DoNotOptimize(out.data_ptr<float>());
  }
}

template <class Op>
void run_forward_backward(benchmark::State& state, Op op) {
  TinyOperands operands;
  for (auto _ : state) {
    torch::Tensor out = op(operands);
    if (out.numel() == 1) {
      out.backward();
    } else {
      out.backward(operands.grad_out);
    }
    benchmark::DoNotOptimize(operands.lhs.grad().data_ptr<float>());
    operands.zero_grad();
  }
}

torch::Tensor add_op(TinyOperands& o) { return o.lhs + o.rhs; }
torch::Tensor add_bias_op(TinyOperands& o) { return o.lhs + o.bias; }
torch::Tensor mul_op(TinyOperands& o) { return o.lhs * o.rhs; }
torch::Tensor div_op(TinyOperands& o) { return o.lhs / o.rhs; }
torch::Tensor relu_op(TinyOperands& o) { return torch::relu(o.lhs); }
torch::Tensor matmul_op(TinyOperands& o) { return torch::matmul(o.lhs, o.rhs); }
torch::Tensor sum_op(TinyOperands& o) { return o.lhs.sum(); }

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
