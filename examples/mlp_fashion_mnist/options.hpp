// Command-line options of mlp_fashion_mnist and their defaults.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace mlp_fashion_mnist {

/// Exit status for a bad option, a bad value or an unreadable path.
inline constexpr int usage_error_status = 2;

enum class OptimizerKind { sgd, adam, adamw };
enum class ScheduleKind { constant, cosine };

/// Settings that define a training run. A checkpoint stores them, so a
/// resumed run continues with the same ones.
struct TrainingSettings {
  std::vector<std::size_t> hidden = {512, 256};
  OptimizerKind optimizer = OptimizerKind::adamw;
  double learning_rate = 1e-3;
  double momentum = 0.9;
  double weight_decay = 1e-4;
  ScheduleKind schedule = ScheduleKind::cosine;
  std::size_t batch_size = 128;
  std::uint64_t seed = 0;
  /// Number of training samples used, the first ones of the training set;
  /// 0 means all of them.
  std::size_t limit = 0;
};

struct Options {
  TrainingSettings training;
  /// Total number of epochs, counting those already in a resumed checkpoint.
  std::size_t epochs = 10;
  std::size_t threads = 1;
  std::filesystem::path data_dir;
  std::optional<std::filesystem::path> save_path;
  std::optional<std::filesystem::path> resume_path;
  std::optional<std::filesystem::path> evaluate_path;
  std::optional<std::filesystem::path> metrics_path;
  std::optional<std::filesystem::path> plot_path;
};

/// Parses the command line into `options`. Returns an exit status when the
/// program should stop now: 0 after printing --help, `usage_error_status`
/// after printing a one-line error to stderr.
std::optional<int> parse_options(int argc, char** argv, Options& options);

/// Returns the number of CPU cores this process may run on.
std::size_t available_cores();

const char* to_string(OptimizerKind kind);
const char* to_string(ScheduleKind kind);

/// Formats hidden widths as the --hidden option takes them: `512,256`.
std::string format_hidden(const std::vector<std::size_t>& hidden);

}  // namespace mlp_fashion_mnist
