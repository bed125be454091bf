// The training loop and the test-set evaluation of mlp_fashion_mnist.
#pragma once

#include <cstddef>
#include <memory>
#include <vector>

#include <tapegrad/data/image_dataset.hpp>
#include <tapegrad/layers/sequential.hpp>
#include <tapegrad/optim/optimizer.hpp>

#include "options.hpp"
#include "report.hpp"

namespace mlp_fashion_mnist {

using Model = tapegrad::Sequential<float>;
using Optimizer = tapegrad::Optimizer<float>;

/// Pixels per image: 28 x 28.
inline constexpr std::size_t image_size = 784;

/// Returns the MLP 784 -> hidden widths -> 10, with ReLU after each hidden
/// layer and weights drawn from `settings.seed`.
std::shared_ptr<Model> build_model(const TrainingSettings& settings);

/// Returns the optimizer `settings` names over the model's parameters.
std::unique_ptr<Optimizer> build_optimizer(const TrainingSettings& settings, const Model& model);

/// Returns the learning rate of step `step` (from 0) of a run of
/// `total_steps`: the base rate, or for the cosine schedule
/// base * (1 + cos(pi * step / total_steps)) / 2.
double scheduled_learning_rate(const TrainingSettings& settings, std::size_t step,
                               std::size_t total_steps);

/// Loss, accuracy and confusion matrix over a data set.
struct Evaluation {
  double loss = 0.0;
  double accuracy = 0.0;
  std::size_t correct = 0;
  ConfusionMatrix confusion;
};

/// Evaluates `model` on `data` in evaluation mode, with recording off, in
/// batches of `batch_size`. Puts the model back in training mode after.
Evaluation evaluate(Model& model, const tapegrad::ImageDataset& data, std::size_t batch_size);

/// Trains one epoch (`epoch` counted from 1 of `epochs`) over the first
/// `settings.limit` samples of `train` (all when 0), in an order shuffled by
/// the seed and the epoch number, setting the learning rate of every step
/// from the schedule. Returns the epoch's metrics; the test fields are left
/// for the caller.
EpochMetrics train_epoch(Model& model, Optimizer& optimizer, const tapegrad::ImageDataset& train,
                         const TrainingSettings& settings, std::size_t epoch, std::size_t epochs,
                         bool show_progress);

}  // namespace mlp_fashion_mnist
