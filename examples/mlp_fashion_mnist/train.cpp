#include "train.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <optional>

#include <tapegrad/core/core.hpp>
#include <tapegrad/core/ops/loss.hpp>
#include <tapegrad/data/batch_loader.hpp>
#include <tapegrad/layers/mlp.hpp>
#include <tapegrad/optim/adam.hpp>
#include <tapegrad/optim/sgd.hpp>

#include "progress.hpp"

namespace mlp_fashion_mnist {
namespace {

using tapegrad::Array;
using tapegrad::Tensor;
// Returns the index of the largest logit of each row of `logits` [N, 10].
std::vector<std::size_t> predictions(const Array<float>& logits) {
  const std::size_t rows = logits.shape()[0];
  const std::size_t columns = logits.shape()[1];
  std::vector<std::size_t> predicted(rows);
  for (std::size_t row = 0; row < rows; ++row) {
    const float* first = logits.data() + row * columns;
    predicted[row] = static_cast<std::size_t>(std::max_element(first, first + columns) - first);
  }
  return predicted;
}

// Returns a seed for epoch `epoch` of a run seeded with `seed`, so each
// epoch's shuffle depends only on the two and a resumed run repeats it.
std::uint64_t epoch_seed(std::uint64_t seed, std::size_t epoch) {
  // splitmix64's increment and finalizer spread nearby inputs apart.
  std::uint64_t value = seed + 0x9E3779B97F4A7C15ULL * (epoch + 1);
  value = (value ^ (value >> 30)) * 0xBF58476D1CE4E5B9ULL;
  value = (value ^ (value >> 27)) * 0x94D049BB133111EBULL;
  return value ^ (value >> 31);
}

}  // namespace

std::shared_ptr<Model> build_model(const TrainingSettings& settings) {
  std::vector<std::size_t> sizes = {image_size};
  sizes.insert(sizes.end(), settings.hidden.begin(), settings.hidden.end());
  sizes.push_back(class_count);
  return tapegrad::MLP<float>(sizes, settings.seed);
}

std::unique_ptr<Optimizer> build_optimizer(const TrainingSettings& settings, const Model& model) {
  switch (settings.optimizer) {
    case OptimizerKind::sgd:
      return std::make_unique<tapegrad::SGD<float>>(
          model.parameters(), tapegrad::SGDOptions{.lr = settings.learning_rate,
                                                   .momentum = settings.momentum,
                                                   .weight_decay = settings.weight_decay});
    case OptimizerKind::adam:
      return std::make_unique<tapegrad::Adam<float>>(
          model.parameters(), tapegrad::AdamOptions{.lr = settings.learning_rate,
                                                    .weight_decay = settings.weight_decay});
    case OptimizerKind::adamw:
      break;
  }
  return std::make_unique<tapegrad::AdamW<float>>(
      model.parameters(), tapegrad::AdamWOptions{.lr = settings.learning_rate,
                                                 .weight_decay = settings.weight_decay});
}

double scheduled_learning_rate(const TrainingSettings& settings, std::size_t step,
                               std::size_t total_steps) {
  if (settings.schedule == ScheduleKind::constant || total_steps == 0) {
    return settings.learning_rate;
  }
  const double progress = static_cast<double>(step) / static_cast<double>(total_steps);
  return settings.learning_rate * 0.5 * (1.0 + std::cos(std::numbers::pi * progress));
}

Evaluation evaluate(Model& model, const tapegrad::ImageDataset& data, std::size_t batch_size) {
  tapegrad::NoGradGuard no_grad;
  model.eval();
  tapegrad::BatchLoader<float> loader(
      data, {.batch_size = batch_size, .shuffle = tapegrad::Shuffle::no, .seed = 0,
             .max_samples = std::nullopt});
  Evaluation result;
  double loss_sum = 0.0;
  for (const tapegrad::Batch<float>& batch : loader.epoch()) {
    Tensor<float> logits = model.forward(tapegrad::constant(batch.images));
    loss_sum += tapegrad::cross_entropy(logits, batch.labels, tapegrad::Reduction::sum).item();
    const std::vector<std::size_t> predicted = predictions(logits.value());
    for (std::size_t i = 0; i < batch.size(); ++i) {
      result.confusion.add(batch.labels[i], predicted[i]);
    }
  }
  model.train();
  const double samples = static_cast<double>(loader.sample_count());
  result.correct = result.confusion.correct();
  result.loss = loss_sum / samples;
  result.accuracy = static_cast<double>(result.correct) / samples;
  return result;
}

EpochMetrics train_epoch(Model& model, Optimizer& optimizer, const tapegrad::ImageDataset& train,
                         const TrainingSettings& settings, std::size_t epoch, std::size_t epochs,
                         bool show_progress) {
  std::optional<std::size_t> max_samples;
  if (settings.limit > 0) {
    max_samples = settings.limit;
  }
  tapegrad::BatchLoader<float> loader(train, {.batch_size = settings.batch_size,
                                              .shuffle = tapegrad::Shuffle::yes,
                                              .seed = epoch_seed(settings.seed, epoch),
                                              .max_samples = max_samples});
  const std::size_t steps = loader.batch_count();
  const std::size_t total_steps = steps * epochs;
  EpochProgress progress(epoch, epochs, steps, show_progress);

  EpochMetrics metrics;
  metrics.epoch = epoch;
  double loss_sum = 0.0;
  std::size_t correct = 0;
  std::size_t seen = 0;
  std::size_t step = 0;
  for (const tapegrad::Batch<float>& batch : loader.epoch()) {
    metrics.learning_rate =
        scheduled_learning_rate(settings, (epoch - 1) * steps + step, total_steps);
    optimizer.set_learning_rate(metrics.learning_rate);

    Tensor<float> logits = model.forward(tapegrad::constant(batch.images));
    Tensor<float> loss = tapegrad::cross_entropy(logits, batch.labels);
    optimizer.zero_grad();
    tapegrad::backward(loss);
    optimizer.step();

    loss_sum += static_cast<double>(loss.item()) * static_cast<double>(batch.size());
    const std::vector<std::size_t> predicted = predictions(logits.value());
    for (std::size_t i = 0; i < batch.size(); ++i) {
      correct += predicted[i] == batch.labels[i] ? 1 : 0;
    }
    seen += batch.size();
    ++step;
    progress.update(step, seen, loss_sum / static_cast<double>(seen));
  }
  progress.clear();

  metrics.seconds = progress.elapsed_seconds();
  metrics.train_loss = loss_sum / static_cast<double>(seen);
  metrics.train_accuracy = static_cast<double>(correct) / static_cast<double>(seen);
  return metrics;
}

}  // namespace mlp_fashion_mnist
