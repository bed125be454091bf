#include <tapegrad/optim/hyperparameter_check.hpp>

#include <charconv>
#include <cmath>
#include <stdexcept>

namespace tapegrad::detail {
namespace {

[[noreturn]] void raise(const char* owner, const char* name, const std::string& requirement,
                        double value) {
  throw std::invalid_argument(std::string(owner) + ": " + name + " must be " + requirement +
                              ", got " + format_number(value));
}

}  // namespace

std::string format_number(double value) {
  char text[32];
  const auto result = std::to_chars(text, text + sizeof(text), value);
  return std::string(text, result.ptr);
}

void check_non_negative(const char* owner, const char* name, double value) {
  if (!(std::isfinite(value) && value >= 0)) {
    raise(owner, name, ">= 0", value);
  }
}

void check_positive(const char* owner, const char* name, double value) {
  if (!(std::isfinite(value) && value > 0)) {
    raise(owner, name, "> 0", value);
  }
}

void check_half_open(const char* owner, const char* name, double value, double low,
                     double high) {
  if (!(value >= low && value < high)) {
    raise(owner, name, "in [" + format_number(low) + ", " + format_number(high) + ")", value);
  }
}

void check_closed(const char* owner, const char* name, double value, double low, double high) {
  if (!(value >= low && value <= high)) {
    raise(owner, name, "in [" + format_number(low) + ", " + format_number(high) + "]", value);
  }
}

bool to_flag(const char* owner, const char* name, double value) {
  if (value != 0 && value != 1) {
    raise(owner, name, "0 or 1", value);
  }
  return value == 1;
}

long long to_count(const char* owner, const char* name, double value) {
  // A double represents every whole number exactly only up to 2^53.
  constexpr double max_exact_count = 9007199254740992.0;
  if (!(value >= 0 && value <= max_exact_count && std::floor(value) == value)) {
    raise(owner, name, "a whole number >= 0", value);
  }
  return static_cast<long long>(value);
}

}  // namespace tapegrad::detail
