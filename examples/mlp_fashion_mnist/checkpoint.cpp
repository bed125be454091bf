#include "checkpoint.hpp"

#include <algorithm>
#include <bit>
#include <cstdint>
#include <stdexcept>
#include <string>

#include <tapegrad/core/npz.hpp>

namespace mlp_fashion_mnist {
namespace {

using tapegrad::Array;
using tapegrad::NamedArrays;
using tapegrad::Tensor;

constexpr std::string_view model_prefix = "model.";
constexpr std::string_view optimizer_prefix = "optimizer.";
constexpr std::string_view run_prefix = "run.";
/// Columns of `run.history`, in the order of EpochMetrics' fields.
constexpr std::size_t history_columns = 7;

// A checkpoint contains float32 arrays only. Seeds and hyperparameters must come
// back bit for bit, or a resumed run would drift from an uninterrupted one,
// so their 64 bits are stored as four 16-bit words, each exact in a float.
Array<float> encode_bits(std::uint64_t bits) {
  Array<float> words = xt::empty<float>(tapegrad::Shape{4});
  for (std::size_t i = 0; i < 4; ++i) {
    words(i) = static_cast<float>((bits >> (16 * i)) & 0xFFFF);
  }
  return words;
}

std::uint64_t decode_bits(const Array<float>& words) {
  std::uint64_t bits = 0;
  for (std::size_t i = 0; i < 4; ++i) {
    bits |= static_cast<std::uint64_t>(words(i)) << (16 * i);
  }
  return bits;
}

Array<float> scalar(double value) { return Array<float>(static_cast<float>(value)); }

bool starts_with(const std::string& text, std::string_view prefix) {
  return text.compare(0, prefix.size(), prefix) == 0;
}

// Returns the entries whose names start with `prefix`, with the prefix removed.
NamedArrays<float> entries_with_prefix(const NamedArrays<float>& entries,
                                       std::string_view prefix) {
  NamedArrays<float> selected;
  for (const auto& [name, value] : entries) {
    if (starts_with(name, prefix)) {
      selected.emplace_back(name.substr(prefix.size()), value);
    }
  }
  return selected;
}

const Array<float>& find_entry(const NamedArrays<float>& entries, const std::string& name,
                               const std::filesystem::path& path, std::size_t expected_size) {
  for (const auto& [entry_name, value] : entries) {
    if (entry_name == name) {
      if (expected_size != 0 && value.size() != expected_size) {
        throw std::invalid_argument(path.string() + ": entry " + name + " has shape " +
                                    tapegrad::format_shape(value.shape()) + ", expected " +
                                    std::to_string(expected_size) + " values");
      }
      return value;
    }
  }
  throw std::invalid_argument(path.string() + " is not an mlp_fashion_mnist checkpoint: entry " +
                              name + " is missing (write one with --save)");
}

// Rejects settings no --save could have written, as a corrupted file might hold.
void check_settings(const TrainingSettings& settings, const std::filesystem::path& path) {
  const bool hidden_valid =
      !settings.hidden.empty() &&
      std::find(settings.hidden.begin(), settings.hidden.end(), 0) == settings.hidden.end();
  const bool kinds_valid = static_cast<int>(settings.optimizer) <= 2 &&
                           static_cast<int>(settings.schedule) <= 1;
  if (!hidden_valid || !kinds_valid || settings.batch_size == 0) {
    throw std::invalid_argument(path.string() +
                                ": invalid run settings in the checkpoint (hidden " +
                                format_hidden(settings.hidden) + ", batch size " +
                                std::to_string(settings.batch_size) + ")");
  }
}

NamedArrays<float> encode_record(const RunRecord& record) {
  const TrainingSettings& settings = record.settings;
  Array<float> hidden = xt::empty<float>(tapegrad::Shape{settings.hidden.size()});
  for (std::size_t i = 0; i < settings.hidden.size(); ++i) {
    hidden(i) = static_cast<float>(settings.hidden[i]);
  }
  Array<float> history = xt::empty<float>(tapegrad::Shape{record.history.size(), history_columns});
  for (std::size_t row = 0; row < record.history.size(); ++row) {
    const EpochMetrics& metrics = record.history[row];
    const double values[history_columns] = {
        static_cast<double>(metrics.epoch), metrics.train_loss,    metrics.train_accuracy,
        metrics.test_loss,                  metrics.test_accuracy, metrics.learning_rate,
        metrics.seconds};
    for (std::size_t column = 0; column < history_columns; ++column) {
      history(row, column) = static_cast<float>(values[column]);
    }
  }
  const std::string run(run_prefix);
  return {
      {run + "hidden", hidden},
      {run + "optimizer", scalar(static_cast<double>(settings.optimizer))},
      {run + "learning_rate", encode_bits(std::bit_cast<std::uint64_t>(settings.learning_rate))},
      {run + "momentum", encode_bits(std::bit_cast<std::uint64_t>(settings.momentum))},
      {run + "weight_decay", encode_bits(std::bit_cast<std::uint64_t>(settings.weight_decay))},
      {run + "schedule", scalar(static_cast<double>(settings.schedule))},
      {run + "batch_size", scalar(static_cast<double>(settings.batch_size))},
      {run + "seed", encode_bits(settings.seed)},
      {run + "limit", scalar(static_cast<double>(settings.limit))},
      {run + "completed_epochs", scalar(static_cast<double>(record.completed_epochs))},
      {run + "history", history},
  };
}

}  // namespace

void save_run(const std::filesystem::path& path, const Model& model, const Optimizer& optimizer,
              const RunRecord& record) {
  NamedArrays<float> entries;
  for (const auto& [name, parameter] : model.named_parameters()) {
    entries.emplace_back(std::string(model_prefix) + name, parameter.value());
  }
  for (auto& [name, value] : optimizer.state()) {
    entries.emplace_back(std::string(optimizer_prefix) + name, std::move(value));
  }
  for (auto& entry : encode_record(record)) {
    entries.push_back(std::move(entry));
  }
  tapegrad::save_npz<float>(path, entries);
}

RunRecord read_run_record(const std::filesystem::path& path) {
  const NamedArrays<float> run = entries_with_prefix(tapegrad::load_npz<float>(path), run_prefix);
  const auto entry = [&](const std::string& name, std::size_t expected_size) -> const Array<float>& {
    return find_entry(run, name, path, expected_size);
  };
  const auto whole = [&](const std::string& name) {
    return static_cast<std::size_t>(entry(name, 1)(0));
  };

  RunRecord record;
  TrainingSettings& settings = record.settings;
  settings.hidden.clear();
  for (float width : entry("hidden", 0)) {
    settings.hidden.push_back(static_cast<std::size_t>(width));
  }
  settings.optimizer = static_cast<OptimizerKind>(whole("optimizer"));
  settings.learning_rate = std::bit_cast<double>(decode_bits(entry("learning_rate", 4)));
  settings.momentum = std::bit_cast<double>(decode_bits(entry("momentum", 4)));
  settings.weight_decay = std::bit_cast<double>(decode_bits(entry("weight_decay", 4)));
  settings.schedule = static_cast<ScheduleKind>(whole("schedule"));
  settings.batch_size = whole("batch_size");
  settings.seed = decode_bits(entry("seed", 4));
  settings.limit = whole("limit");
  record.completed_epochs = whole("completed_epochs");
  check_settings(settings, path);

  const Array<float>& history = entry("history", 0);
  if (history.dimension() != 2 || history.shape()[1] != history_columns ||
      history.shape()[0] != record.completed_epochs) {
    throw std::invalid_argument(path.string() + ": entry run.history has shape " +
                                tapegrad::format_shape(history.shape()) + ", expected [" +
                                std::to_string(record.completed_epochs) + ", " +
                                std::to_string(history_columns) + "]");
  }
  for (std::size_t row = 0; row < history.shape()[0]; ++row) {
    EpochMetrics metrics;
    metrics.epoch = static_cast<std::size_t>(history(row, 0));
    metrics.train_loss = history(row, 1);
    metrics.train_accuracy = history(row, 2);
    metrics.test_loss = history(row, 3);
    metrics.test_accuracy = history(row, 4);
    metrics.learning_rate = history(row, 5);
    metrics.seconds = history(row, 6);
    record.history.push_back(metrics);
  }
  return record;
}

void load_run(const std::filesystem::path& path, Model& model, Optimizer* optimizer) {
  const NamedArrays<float> entries = tapegrad::load_npz<float>(path);

  tapegrad::NamedShapes expected;
  const auto parameters = model.named_parameters();
  for (const auto& [name, parameter] : parameters) {
    expected.emplace_back(name, tapegrad::to_shape(parameter.shape()));
  }
  const std::string source = std::string("'").append(path.string()).append("'");
  const NamedArrays<float> weights = tapegrad::match_entries<float>(
      "checkpoint", source, entries_with_prefix(entries, model_prefix), expected);
  for (std::size_t i = 0; i < parameters.size(); ++i) {
    Tensor<float> parameter = parameters[i].second;
    parameter.mutable_value() = weights[i].second;
  }
  if (optimizer != nullptr) {
    optimizer->load_state(entries_with_prefix(entries, optimizer_prefix));
  }
}

}  // namespace mlp_fashion_mnist
