#include "progress.hpp"

#include <unistd.h>

#include <cstdio>
#include <string>

namespace mlp_fashion_mnist {
namespace {

constexpr auto redraw_interval = std::chrono::milliseconds(100);
constexpr std::size_t bar_width = 30;

}  // namespace

bool stdout_is_terminal() { return ::isatty(STDOUT_FILENO) == 1; }

EpochProgress::EpochProgress(std::size_t epoch, std::size_t epochs, std::size_t batches,
                             bool enabled)
    : epoch_(epoch),
      epochs_(epochs),
      batches_(batches),
      enabled_(enabled),
      start_(Clock::now()),
      last_draw_(start_) {}

double EpochProgress::elapsed_seconds() const {
  return std::chrono::duration<double>(Clock::now() - start_).count();
}

void EpochProgress::update(std::size_t batch, std::size_t samples, double running_loss) {
  if (!enabled_) {
    return;
  }
  const auto now = Clock::now();
  if (now - last_draw_ < redraw_interval && batch != batches_) {
    return;
  }
  last_draw_ = now;

  const double seconds = elapsed_seconds();
  const double samples_per_second = seconds > 0.0 ? static_cast<double>(samples) / seconds : 0.0;
  const double seconds_left =
      batch > 0 ? seconds * static_cast<double>(batches_ - batch) / static_cast<double>(batch)
                : 0.0;
  const std::size_t filled = bar_width * batch / batches_;
  std::string bar(filled, '=');
  if (filled < bar_width) {
    bar += '>';
    bar.append(bar_width - filled - 1, ' ');
  }
  // \r returns to the start of the line and \x1b[K erases the rest of it.
  std::printf("\repoch %zu/%zu [%s] %zu/%zu  %.0f samples/s  loss %.4f  %.1f s left\x1b[K",
              epoch_, epochs_, bar.c_str(), batch, batches_, samples_per_second, running_loss,
              seconds_left);
  std::fflush(stdout);
  drawn_ = true;
}

void EpochProgress::clear() {
  if (drawn_) {
    std::printf("\r\x1b[K");
    std::fflush(stdout);
    drawn_ = false;
  }
}

}  // namespace mlp_fashion_mnist
