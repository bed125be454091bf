// Seeded random numbers that give the same sequence on every platform.
//
// std::normal_distribution and std::uniform_real_distribution are allowed to
// differ between standard libraries, so tapegrad draws from a 64-bit Mersenne
// Twister and does the conversions itself: a seed reproduces a run anywhere.
#pragma once

#include <cstdint>
#include <random>

namespace tapegrad {

/// Source of random numbers for initializers, dropout, shuffling and the
/// gradient checker.
class Generator {
 public:
  explicit Generator(std::uint64_t seed = 0) : engine_(seed), seed_(seed) {}

  std::uint64_t seed() const noexcept { return seed_; }

  /// Returns 64 random bits.
  std::uint64_t next_bits() { return engine_(); }

  /// Returns a double uniform in [0, 1) with 53 random bits.
  double uniform() { return static_cast<double>(engine_() >> 11) * 0x1.0p-53; }

  /// Returns a double uniform in [low, high).
  double uniform(double low, double high) { return low + (high - low) * uniform(); }

  /// Returns a normal draw by the Box-Muller transform.
  double normal(double mean = 0.0, double stddev = 1.0);

  /// Returns an integer uniform in [0, bound), without modulo bias.
  std::uint64_t below(std::uint64_t bound);

 private:
  std::mt19937_64 engine_;
  std::uint64_t seed_;
  double spare_normal_ = 0.0;
  bool has_spare_normal_ = false;
};

}  // namespace tapegrad
