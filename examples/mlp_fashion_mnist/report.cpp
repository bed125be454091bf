#include "report.hpp"

#include <cstdio>
#include <iomanip>
#include <ostream>
#include <stdexcept>

#include <tapegrad/data/fashion_mnist.hpp>

namespace mlp_fashion_mnist {

std::size_t ConfusionMatrix::label_total(std::size_t label) const {
  std::size_t total = 0;
  for (std::size_t count : counts_[label]) {
    total += count;
  }
  return total;
}

std::size_t ConfusionMatrix::total() const {
  std::size_t total = 0;
  for (std::size_t label = 0; label < class_count; ++label) {
    total += label_total(label);
  }
  return total;
}

std::size_t ConfusionMatrix::correct() const {
  std::size_t correct = 0;
  for (std::size_t label = 0; label < class_count; ++label) {
    correct += counts_[label][label];
  }
  return correct;
}

std::string format_epoch_line(const EpochMetrics& metrics, std::size_t epochs) {
  const int epoch_width = static_cast<int>(std::to_string(epochs).size());
  char line[200];
  std::snprintf(line, sizeof(line),
                "epoch %*zu/%zu  train loss %.4f acc %.4f  test loss %.4f acc %.4f  "
                "lr %.2e  %.1f s",
                epoch_width, metrics.epoch, epochs, metrics.train_loss, metrics.train_accuracy,
                metrics.test_loss, metrics.test_accuracy, metrics.learning_rate,
                metrics.seconds);
  return line;
}

void print_class_report(std::ostream& out, const ConfusionMatrix& confusion) {
  constexpr int name_width = 13;
  out << "\nTest accuracy per class\n";
  out << std::left << std::setw(name_width) << "class" << std::right << std::setw(10)
      << "accuracy" << std::setw(16) << "correct/total" << "\n";
  for (std::size_t label = 0; label < class_count; ++label) {
    const std::size_t total = confusion.label_total(label);
    const std::size_t correct = confusion.count(label, label);
    const double accuracy = total == 0 ? 0.0 : static_cast<double>(correct) / total;
    out << std::left << std::setw(name_width) << tapegrad::fashion_mnist_classes[label] << std::right
        << std::setw(10) << std::fixed << std::setprecision(4) << accuracy << std::setw(16)
        << (std::to_string(correct) + "/" + std::to_string(total)) << "\n";
  }
  const std::size_t total = confusion.total();
  const double accuracy =
      total == 0 ? 0.0 : static_cast<double>(confusion.correct()) / static_cast<double>(total);
  out << std::left << std::setw(name_width) << "all" << std::right << std::setw(10) << accuracy
      << std::setw(16) << (std::to_string(confusion.correct()) + "/" + std::to_string(total))
      << "\n";

  constexpr int count_width = 6;
  out << "\nConfusion matrix (rows: true class, columns: predicted class)\n";
  out << std::setw(name_width + 4) << "";
  for (std::size_t predicted = 0; predicted < class_count; ++predicted) {
    out << std::setw(count_width) << predicted;
  }
  out << "\n";
  for (std::size_t label = 0; label < class_count; ++label) {
    out << std::right << std::setw(2) << label << "  " << std::left << std::setw(name_width)
        << tapegrad::fashion_mnist_classes[label] << std::right;
    for (std::size_t predicted = 0; predicted < class_count; ++predicted) {
      out << std::setw(count_width) << confusion.count(label, predicted);
    }
    out << "\n";
  }
}

MetricsCsv::MetricsCsv(const std::filesystem::path& path) : path_(path), file_(path) {
  if (!file_) {
    throw std::runtime_error("cannot open metrics file " + path.string() + " for writing");
  }
  file_ << "epoch,train_loss,train_accuracy,test_loss,test_accuracy,learning_rate,seconds\n";
  file_.flush();
}

void MetricsCsv::append(const EpochMetrics& metrics) {
  char row[200];
  std::snprintf(row, sizeof(row), "%zu,%.6f,%.6f,%.6f,%.6f,%.6g,%.3f\n", metrics.epoch,
                metrics.train_loss, metrics.train_accuracy, metrics.test_loss,
                metrics.test_accuracy, metrics.learning_rate, metrics.seconds);
  file_ << row;
  file_.flush();
  if (!file_) {
    throw std::runtime_error("writing metrics file " + path_.string() + " failed");
  }
}

}  // namespace mlp_fashion_mnist
