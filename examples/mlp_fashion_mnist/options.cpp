#include "options.hpp"

#include <sched.h>

#include <algorithm>
#include <iostream>
#include <sstream>
#include <thread>

#include <CLI/CLI.hpp>

#include <tapegrad/data/fashion_mnist.hpp>

#include "validators.hpp"

namespace mlp_fashion_mnist {
namespace {

constexpr std::size_t max_epochs = 100000;
constexpr std::size_t train_set_size = 60000;
constexpr std::size_t max_layer_width = 65536;

template <class Value>
std::string with_default(const std::string& description, const Value& value) {
  std::ostringstream text;
  text << description << " (default: " << value << ")";
  return text.str();
}

std::string one_line(std::string text) {
  std::replace(text.begin(), text.end(), '\n', ' ');
  return text;
}

}  // namespace

std::size_t available_cores() {
  cpu_set_t cpus;
  CPU_ZERO(&cpus);
  if (sched_getaffinity(0, sizeof(cpus), &cpus) == 0) {
    return static_cast<std::size_t>(CPU_COUNT(&cpus));
  }
  return std::max(1u, std::thread::hardware_concurrency());
}

const char* to_string(OptimizerKind kind) {
  switch (kind) {
    case OptimizerKind::sgd:
      return "sgd";
    case OptimizerKind::adam:
      return "adam";
    case OptimizerKind::adamw:
      return "adamw";
  }
  return "unknown";
}

const char* to_string(ScheduleKind kind) {
  switch (kind) {
    case ScheduleKind::constant:
      return "constant";
    case ScheduleKind::cosine:
      return "cosine";
  }
  return "unknown";
}

std::string format_hidden(const std::vector<std::size_t>& hidden) {
  std::string text;
  for (std::size_t width : hidden) {
    text += (text.empty() ? "" : ",") + std::to_string(width);
  }
  return text;
}

std::optional<int> parse_options(int argc, char** argv, Options& options) {
  TrainingSettings& training = options.training;
  const std::size_t cores = available_cores();
  options.threads = cores;
  options.data_dir = tapegrad::fashion_mnist_folder;
  std::string optimizer_name = to_string(training.optimizer);
  std::string schedule_name = to_string(training.schedule);

  CLI::App app(
      "Trains a multilayer perceptron on Fashion-MNIST with tapegrad, printing one line per "
      "epoch, then the test accuracy per class and the confusion matrix.",
      "mlp_fashion_mnist");
  app.get_formatter()->column_width(32);

  auto* epochs = app.add_option("--epochs", options.epochs,
                                with_default("Total epochs (passes over the training set), "
                                             "counting those in a --resume checkpoint",
                                             options.epochs))
                     ->option_text("N")
                     ->check(whole_number_in(1, max_epochs));
  auto* batch_size =
      app.add_option("--batch-size", training.batch_size,
                     with_default("Training samples per optimizer step", training.batch_size))
          ->option_text("N")
          ->check(whole_number_in(1, train_set_size));
  auto* learning_rate =
      app.add_option("--lr", training.learning_rate,
                     with_default("Learning rate per step; the cosine schedule decays it to 0",
                                  training.learning_rate))
          ->option_text("RATE")
          ->check(number_check("a positive number", [](double value) { return value > 0.0; }));
  auto* optimizer =
      app.add_option("--optimizer", optimizer_name,
                     with_default("sgd (with momentum), adam (L2 weight decay) or adamw "
                                  "(decoupled weight decay)",
                                  optimizer_name))
          ->option_text("sgd|adam|adamw")
          ->check(one_of({"sgd", "adam", "adamw"}));
  auto* momentum =
      app.add_option("--momentum", training.momentum,
                     with_default("SGD momentum factor in [0, 1); adam and adamw ignore it",
                                  training.momentum))
          ->option_text("M")
          ->check(number_check("a number in [0, 1)",
                              [](double value) { return value >= 0.0 && value < 1.0; }));
  auto* weight_decay =
      app.add_option("--weight-decay", training.weight_decay,
                     with_default("Weight decay factor; sgd and adam add it to the gradient as "
                                  "L2, adamw shrinks the weights directly",
                                  training.weight_decay))
          ->option_text("D")
          ->check(number_check("a number >= 0", [](double value) { return value >= 0.0; }));
  auto* schedule =
      app.add_option("--schedule", schedule_name,
                     with_default("Learning rate per step: cosine (from --lr down to 0 at the "
                                  "last step) or constant",
                                  schedule_name))
          ->option_text("cosine|constant")
          ->check(one_of({"cosine", "constant"}));
  auto* hidden = app.add_option("--hidden", training.hidden,
                                with_default("Hidden layer widths, each followed by ReLU",
                                             format_hidden(training.hidden)))
                     ->option_text("W1,W2,...")
                     ->delimiter(',')
                     ->check(whole_number_in(1, max_layer_width));
  auto* seed = app.add_option("--seed", training.seed,
                              with_default("Seed of weight initialization and shuffling; a seed "
                                           "and thread count always give the same run",
                                           training.seed))
                   ->option_text("S")
                   ->check(whole_number_in(0, SIZE_MAX));
  app.add_option("--threads", options.threads,
                 with_default("OpenBLAS threads, at most the cores available", cores))
      ->option_text("N")
      ->check(whole_number_in(1, cores));
  app.add_option("--data", options.data_dir,
                 with_default("Folder with the four Fashion-MNIST IDX files",
                              tapegrad::fashion_mnist_folder))
      ->option_text("DIR")
      ->check(readable_folder());
  auto* save = app.add_option("--save", options.save_path,
                              "Write a checkpoint (weights, optimizer state, settings, "
                              "metrics) after every epoch")
                   ->option_text("FILE.npz")
                   ->check(writable_path());
  auto* resume = app.add_option("--resume", options.resume_path,
                                "Continue a --save checkpoint up to --epochs, with its own "
                                "settings (so no --lr, --hidden, ...)")
                     ->option_text("FILE.npz")
                     ->check(readable_file());
  auto* evaluate = app.add_option("--evaluate", options.evaluate_path,
                                  "Only evaluate a --save checkpoint on the test set")
                       ->option_text("FILE.npz")
                       ->check(readable_file());
  auto* metrics = app.add_option("--metrics", options.metrics_path,
                                 "Write per-epoch loss, accuracy, learning rate and seconds "
                                 "as CSV")
                      ->option_text("FILE.csv")
                      ->check(writable_path());
  auto* plot = app.add_option("--plot", options.plot_path,
                              "Draw the loss and accuracy curves with gnuplot")
                   ->option_text("FILE.png")
                   ->check(writable_path());
  auto* limit = app.add_option("--limit", training.limit,
                               "Train on the first N training samples only, for quick checks "
                               "(default: all 60000)")
                    ->option_text("N")
                    ->check(whole_number_in(1, train_set_size));

  // A checkpoint fixes the run's settings, so they cannot also come from the
  // command line.
  for (CLI::Option* setting : {batch_size, learning_rate, optimizer, momentum, weight_decay,
                               schedule, hidden, seed, limit}) {
    resume->excludes(setting);
    evaluate->excludes(setting);
  }
  for (CLI::Option* output : {epochs, save, resume, metrics, plot}) {
    evaluate->excludes(output);
  }

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& help) {
    return app.exit(help);
  } catch (const CLI::ExcludesError& error) {
    std::cerr << "mlp_fashion_mnist: " << one_line(error.what())
              << " (--resume and --evaluate take the training settings from the checkpoint)\n";
    return usage_error_status;
  } catch (const CLI::ParseError& error) {
    std::cerr << "mlp_fashion_mnist: " << one_line(error.what())
              << " (run with --help to list the options)\n";
    return usage_error_status;
  }

  training.optimizer = optimizer_name == "sgd"    ? OptimizerKind::sgd
                       : optimizer_name == "adam" ? OptimizerKind::adam
                                                  : OptimizerKind::adamw;
  training.schedule = schedule_name == "constant" ? ScheduleKind::constant : ScheduleKind::cosine;
  return std::nullopt;
}

}  // namespace mlp_fashion_mnist
