// Loss and accuracy curves drawn by gnuplot, run as a child process.
#pragma once

#include <filesystem>
#include <vector>

#include "report.hpp"

namespace mlp_fashion_mnist {

/// Writes a PNG to `path` with two panels, loss and accuracy per epoch, each
/// with the train and test curves. Returns false after printing one line to
/// stderr when gnuplot is missing or fails; the caller goes on either way.
bool plot_curves(const std::vector<EpochMetrics>& history, const std::filesystem::path& path);

}  // namespace mlp_fashion_mnist
