// Reports of mlp_fashion_mnist: per-epoch metrics, their CSV file, and the
// per-class accuracy table and confusion matrix printed at the end.
#pragma once

#include <array>
#include <cstddef>
#include <filesystem>
#include <fstream>
#include <iosfwd>
#include <string>
#include <vector>

namespace mlp_fashion_mnist {

inline constexpr std::size_t class_count = 10;

/// One epoch's results. The train loss and accuracy are averages over the
/// epoch's batches, taken while training; the test ones are computed after
/// the epoch, in evaluation mode.
struct EpochMetrics {
  /// Counted from 1.
  std::size_t epoch = 0;
  double train_loss = 0.0;
  double train_accuracy = 0.0;
  double test_loss = 0.0;
  double test_accuracy = 0.0;
  /// Learning rate of the epoch's last optimizer step.
  double learning_rate = 0.0;
  /// Wall-clock seconds of the training pass, without the test evaluation.
  double seconds = 0.0;
};

/// Counts of (true label, predicted label) pairs.
class ConfusionMatrix {
 public:
  void add(std::size_t label, std::size_t predicted) { counts_[label][predicted] += 1; }

  std::size_t count(std::size_t label, std::size_t predicted) const {
    return counts_[label][predicted];
  }
  /// Number of samples whose true label is `label`.
  std::size_t label_total(std::size_t label) const;
  std::size_t total() const;
  std::size_t correct() const;

 private:
  std::array<std::array<std::size_t, class_count>, class_count> counts_{};
};

/// Formats one epoch as the fixed-format line printed after it.
std::string format_epoch_line(const EpochMetrics& metrics, std::size_t epochs);

/// Prints the accuracy of each class, then the confusion matrix with a row
/// per true class and a column per predicted class.
void print_class_report(std::ostream& out, const ConfusionMatrix& confusion);

/// A CSV file with a header and one row per epoch, flushed after every row so
/// an interrupted run keeps the epochs it finished.
class MetricsCsv {
 public:
  /// Creates or replaces `path` and writes the header. Raises
  /// std::runtime_error naming the file when it cannot be opened.
  explicit MetricsCsv(const std::filesystem::path& path);

  /// Appends one row. Raises std::runtime_error when the write fails.
  void append(const EpochMetrics& metrics);

 private:
  std::filesystem::path path_;
  std::ofstream file_;
};

}  // namespace mlp_fashion_mnist
