#include "run.hpp"

#include <algorithm>
#include <cstdio>
#include <iostream>
#include <optional>

#include <tapegrad/data/fashion_mnist.hpp>

#include "checkpoint.hpp"
#include "plot.hpp"
#include "progress.hpp"
#include "report.hpp"
#include "train.hpp"

namespace mlp_fashion_mnist {
namespace {

// Test-set batch size: large batches make fewer, faster matrix products, and
// evaluation keeps no tape, so memory stays small.
constexpr std::size_t evaluation_batch_size = 1000;

std::string describe_model(const TrainingSettings& settings) {
  std::string text = std::to_string(image_size);
  for (std::size_t width : settings.hidden) {
    text += '-';
    text += std::to_string(width);
  }
  text += '-';
  text += std::to_string(class_count);
  return text;
}

void print_run_header(const TrainingSettings& settings, const Options& options,
                      std::size_t train_samples, std::size_t test_samples) {
  std::printf("MLP %s (ReLU), %s lr %g (%s), weight decay %g", describe_model(settings).c_str(),
              to_string(settings.optimizer), settings.learning_rate, to_string(settings.schedule),
              settings.weight_decay);
  if (settings.optimizer == OptimizerKind::sgd) {
    std::printf(", momentum %g", settings.momentum);
  }
  std::printf(", batch %zu, seed %llu\n", settings.batch_size,
              static_cast<unsigned long long>(settings.seed));
  std::printf("%zu training and %zu test images from %s, %zu OpenBLAS thread%s\n",
              train_samples, test_samples, options.data_dir.c_str(), options.threads,
              options.threads == 1 ? "" : "s");
  std::fflush(stdout);
}

std::size_t used_samples(const tapegrad::ImageDataset& train, std::size_t limit) {
  return limit == 0 ? train.size() : std::min(limit, train.size());
}

void print_final_accuracy(const Evaluation& evaluation, std::size_t samples) {
  std::printf("test accuracy %.4f (%zu/%zu), test loss %.4f\n", evaluation.accuracy,
              evaluation.correct, samples, evaluation.loss);
}

}  // namespace

int run_training(const Options& options) {
  RunRecord record;
  record.settings = options.training;
  std::shared_ptr<Model> model;
  std::unique_ptr<Optimizer> optimizer;
  tapegrad::ImageDataset train_set;
  tapegrad::ImageDataset test_set;
  std::optional<MetricsCsv> metrics_file;
  try {
    if (options.resume_path) {
      record = read_run_record(*options.resume_path);
      if (options.epochs <= record.completed_epochs) {
        throw SetupError("--epochs " + std::to_string(options.epochs) + " is not above the " +
                         std::to_string(record.completed_epochs) + " epochs already in " +
                         options.resume_path->string() + "; pass a larger --epochs");
      }
    }
    train_set = tapegrad::load_fashion_mnist(tapegrad::Split::train, options.data_dir);
    test_set = tapegrad::load_fashion_mnist(tapegrad::Split::test, options.data_dir);
    model = build_model(record.settings);
    optimizer = build_optimizer(record.settings, *model);
    if (options.resume_path) {
      load_run(*options.resume_path, *model, optimizer.get());
    }
    if (options.metrics_path) {
      metrics_file.emplace(*options.metrics_path);
      for (const EpochMetrics& metrics : record.history) {
        metrics_file->append(metrics);
      }
    }
  } catch (const SetupError&) {
    throw;
  } catch (const std::exception& error) {
    throw SetupError(error.what());
  }

  const TrainingSettings& settings = record.settings;
  print_run_header(settings, options, used_samples(train_set, settings.limit), test_set.size());
  if (options.resume_path) {
    std::printf("resuming %s after epoch %zu\n", options.resume_path->c_str(),
                record.completed_epochs);
  }

  const bool show_progress = stdout_is_terminal();
  Evaluation test;
  for (std::size_t epoch = record.completed_epochs + 1; epoch <= options.epochs; ++epoch) {
    EpochMetrics metrics =
        train_epoch(*model, *optimizer, train_set, settings, epoch, options.epochs,
                    show_progress);
    test = evaluate(*model, test_set, evaluation_batch_size);
    metrics.test_loss = test.loss;
    metrics.test_accuracy = test.accuracy;
    std::printf("%s\n", format_epoch_line(metrics, options.epochs).c_str());
    std::fflush(stdout);

    record.history.push_back(metrics);
    record.completed_epochs = epoch;
    if (metrics_file) {
      metrics_file->append(metrics);
    }
    if (options.save_path) {
      save_run(*options.save_path, *model, *optimizer, record);
    }
  }

  print_final_accuracy(test, test_set.size());
  if (options.save_path) {
    std::printf("checkpoint saved to %s\n", options.save_path->c_str());
  }
  std::fflush(stdout);
  print_class_report(std::cout, test.confusion);
  if (options.plot_path && plot_curves(record.history, *options.plot_path)) {
    std::cout << "plot saved to " << options.plot_path->string() << "\n";
  }
  return 0;
}

int run_evaluation(const Options& options) {
  RunRecord record;
  std::shared_ptr<Model> model;
  tapegrad::ImageDataset test_set;
  try {
    record = read_run_record(*options.evaluate_path);
    model = build_model(record.settings);
    load_run(*options.evaluate_path, *model, nullptr);
    test_set = tapegrad::load_fashion_mnist(tapegrad::Split::test, options.data_dir);
  } catch (const std::exception& error) {
    throw SetupError(error.what());
  }
  std::printf("MLP %s from %s, trained %zu epochs\n", describe_model(record.settings).c_str(),
              options.evaluate_path->c_str(), record.completed_epochs);
  const Evaluation test = evaluate(*model, test_set, evaluation_batch_size);
  print_final_accuracy(test, test_set.size());
  std::fflush(stdout);
  print_class_report(std::cout, test.confusion);
  return 0;
}

}  // namespace mlp_fashion_mnist
