// libtorch twin of tapegrad/mlp_bench.cpp: one epoch of the Fashion-MNIST MLP
// set up by mlp_setup.hpp, as a libtorch user writes it: nn::Sequential of
// Linear and ReLU, functional cross_entropy, optim::SGD. Images stay uint8 in
// memory and each batch is converted and scaled as it is drawn, as tapegrad's
// BatchLoader does.
//
// Reading the data set is not timed. Counters: samples/s, and the mean
// training loss of the epoch to compare with tapegrad's.
#include <algorithm>
#include <type_traits>

#include <benchmark/benchmark.h>
#include <torch/torch.h>

#include "mlp_setup.hpp"
#include "torch/idx_reader.hpp"

namespace {

struct TrainingSet {
  torch::Tensor images;  // uint8 [60000, 784]
  torch::Tensor labels;  // int64 [60000]
};

const TrainingSet& training_set() {
  static const TrainingSet set = [] {
    torch::Tensor images = bench::read_idx_gz(bench::fashion_mnist_images);
    torch::Tensor labels = bench::read_idx_gz(bench::fashion_mnist_labels);
    return TrainingSet{images.reshape({images.size(0), -1}), labels.to(torch::kInt64)};
  }();
  return set;
}

torch::nn::Sequential make_mlp(torch::Dtype dtype) {
  const auto& sizes = bench::mlp_sizes;
  torch::nn::Sequential model(
      torch::nn::Linear(sizes[0], sizes[1]), torch::nn::ReLU(),
      torch::nn::Linear(sizes[1], sizes[2]), torch::nn::ReLU(),
      torch::nn::Linear(sizes[2], sizes[3]));
  torch::NoGradGuard no_grad;
  std::size_t layer = 0;
  for (const auto& module : model->children()) {
    auto linear = std::dynamic_pointer_cast<torch::nn::LinearImpl>(module);
    if (!linear) {
      continue;
    }
    for (torch::Tensor* parameter : {&linear->weight, &linear->bias}) {
      torch::Tensor values = torch::empty(parameter->sizes(), torch::kFloat32);
      bench::fill_mlp_parameter(values.data_ptr<float>(), static_cast<std::size_t>(values.numel()),
                                layer, parameter == &linear->bias);
      parameter->copy_(values);
    }
    ++layer;
  }
  model->to(dtype);
  return model;
}

template <class T>
void mlp_epoch(benchmark::State& state) {
  const torch::Dtype dtype = std::is_same_v<T, float> ? torch::kFloat32 : torch::kFloat64;
  const TrainingSet& set = training_set();
  const std::int64_t sample_count = set.images.size(0);
  const auto batch_size = static_cast<std::int64_t>(bench::mlp_batch_size);
  torch::nn::Sequential model = make_mlp(dtype);
  torch::optim::SGD optimizer(
      model->parameters(),
      torch::optim::SGDOptions(bench::mlp_learning_rate).momentum(bench::mlp_momentum));

  double loss_sum = 0.0;
  for (auto _ : state) {
    for (std::int64_t start = 0; start < sample_count; start += batch_size) {
      const std::int64_t count = std::min(batch_size, sample_count - start);
      torch::Tensor images = set.images.narrow(0, start, count).to(dtype).div_(255);
      torch::Tensor labels = set.labels.narrow(0, start, count);
      model->zero_grad(/*set_to_none=*/true);
      torch::Tensor loss = torch::nn::functional::cross_entropy(model->forward(images), labels);
      loss.backward();
      optimizer.step();
      loss_sum += loss.item<double>() * static_cast<double>(count);
    }
  }
  state.counters["loss"] = loss_sum / static_cast<double>(sample_count);
  state.counters["samples/s"] = benchmark::Counter(static_cast<double>(sample_count),
                                                   benchmark::Counter::kIsIterationInvariantRate);
}

void mlp_epoch_float(benchmark::State& state) { mlp_epoch<float>(state); }
void mlp_epoch_double(benchmark::State& state) { mlp_epoch<double>(state); }

}  // namespace

BENCHMARK(mlp_epoch_float)->Iterations(1)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(mlp_epoch_double)->Iterations(1)->Unit(benchmark::kMillisecond)->UseRealTime();
