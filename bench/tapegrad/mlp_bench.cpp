// One epoch of the Fashion-MNIST MLP set up by mlp_setup.hpp, written as a
// tapegrad user writes it: MLP, BatchLoader, cross_entropy, SGD.
// torch/mlp_bench.cpp trains the same model on the same batches.
//
// Reading the data set is not timed. The counters are samples/s and the mean
// training loss of the epoch, to compare with libtorch's. Two more count heap
// allocations per step over the full batches after the first step: array
// buffers taken from the heap, and every other operator new. mlp_epoch_float_anomaly runs the float
// epoch with anomaly mode on, to measure what the NaN and Inf checks cost.
#include <type_traits>

#include <benchmark/benchmark.h>

#include <tapegrad/core/anomaly.hpp>
#include <tapegrad/core/core.hpp>
#include <tapegrad/data/batch_loader.hpp>
#include <tapegrad/data/fashion_mnist.hpp>
#include <tapegrad/layers/mlp.hpp>
#include <tapegrad/optim/sgd.hpp>

#include "mlp_setup.hpp"
#include "tapegrad/allocation_counter.hpp"

namespace {

using tapegrad::Array;
using tapegrad::Tensor;

const tapegrad::ImageDataset& training_set() {
  static const tapegrad::ImageDataset set = tapegrad::load_fashion_mnist(tapegrad::Split::train);
  return set;
}

template <class T>
std::shared_ptr<tapegrad::Sequential<T>> make_mlp() {
  const auto& sizes = bench::mlp_sizes;
  auto model = tapegrad::MLP<T>({sizes[0], sizes[1], sizes[2], sizes[3]});
  std::size_t index = 0;
  for (Tensor<T>& parameter : model->parameters()) {
    const bool is_bias = parameter.dim() == 1;
    Array<float> values = Array<float>::from_shape(parameter.shape());
    bench::fill_mlp_parameter(values.data(), values.size(), index / 2, is_bias);
    parameter.mutable_value() = values;
    ++index;
  }
  return model;
}

template <class T>
void mlp_epoch(benchmark::State& state) {
  const tapegrad::ImageDataset& set = training_set();
  tapegrad::BatchLoader<T> loader(set, {.batch_size = bench::mlp_batch_size});
  auto model = make_mlp<T>();
  tapegrad::SGD<T> optimizer(model->parameters(),
                             {.lr = bench::mlp_learning_rate, .momentum = bench::mlp_momentum});
  const std::size_t full_batches = set.size() / bench::mlp_batch_size;

  double loss_sum = 0.0;
  std::uint64_t buffer_heap_allocations = 0;
  std::uint64_t new_calls = 0;
  for (auto _ : state) {
    std::size_t step = 0;
    for (const tapegrad::Batch<T>& batch : loader.epoch()) {
      // Steps 2 to the last full batch: the warmed-up steady state.
      const bool counted = step >= 1 && step < full_batches;
      const std::uint64_t heap_before = tapegrad::buffer_cache_stats().heap_allocations;
      const std::uint64_t new_before = bench::operator_new_calls();

      optimizer.zero_grad();
      Tensor<T> loss = tapegrad::cross_entropy((*model)(tapegrad::constant(batch.images)),
                                               std::span<const std::size_t>(batch.labels));
      tapegrad::backward(loss);
      optimizer.step();
      loss_sum += static_cast<double>(loss.item()) * static_cast<double>(batch.size());

      if (counted) {
        buffer_heap_allocations += tapegrad::buffer_cache_stats().heap_allocations - heap_before;
        new_calls += bench::operator_new_calls() - new_before;
      }
      ++step;
    }
  }
  const auto counted_steps = static_cast<double>(full_batches - 1);
  state.counters["loss"] = loss_sum / static_cast<double>(set.size());
  state.counters["buffer_heap_allocs/step"] =
      static_cast<double>(buffer_heap_allocations) / counted_steps;
  state.counters["operator_new/step"] = static_cast<double>(new_calls) / counted_steps;
  state.counters["samples/s"] = benchmark::Counter(static_cast<double>(set.size()),
                                                   benchmark::Counter::kIsIterationInvariantRate);
}

void mlp_epoch_float(benchmark::State& state) { mlp_epoch<float>(state); }
void mlp_epoch_double(benchmark::State& state) { mlp_epoch<double>(state); }

void mlp_epoch_float_anomaly(benchmark::State& state) {
  tapegrad::AnomalyMode anomaly_mode;
  mlp_epoch<float>(state);
}

}  // namespace

BENCHMARK(mlp_epoch_float)->Iterations(1)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(mlp_epoch_double)->Iterations(1)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(mlp_epoch_float_anomaly)
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
