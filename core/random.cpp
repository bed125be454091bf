#include <tapegrad/core/random.hpp>

#include <cmath>
#include <numbers>
#include <stdexcept>

namespace tapegrad {

double Generator::normal(double mean, double stddev) {
  if (has_spare_normal_) {
    has_spare_normal_ = false;
    return mean + stddev * spare_normal_;
  }
  // 1 - uniform() lies in (0, 1], so the logarithm is finite.
  const double radius = std::sqrt(-2.0 * std::log(1.0 - uniform()));
  const double angle = 2.0 * std::numbers::pi * uniform();
  spare_normal_ = radius * std::sin(angle);
  has_spare_normal_ = true;
  return mean + stddev * radius * std::cos(angle);
}

std::uint64_t Generator::below(std::uint64_t bound) {
  if (bound == 0) {
    throw std::invalid_argument("Generator::below: bound must be positive, got 0");
  }
  // Reject the top partial block of 2^64 so every residue is equally likely.
  const std::uint64_t limit = UINT64_MAX - UINT64_MAX % bound;
  std::uint64_t bits = engine_();
  while (bits >= limit) {
    bits = engine_();
  }
  return bits % bound;
}

}  // namespace tapegrad
