// Checks of optimizer and scheduler hyperparameters, shared by their
// constructors and `load_state`. Each raises `std::invalid_argument` whose
// message starts with the owner's name, as in "Adam: beta1 must be in [0, 1),
// got 1.5". NaN and infinities fail every check.
#pragma once

#include <string>

namespace tapegrad::detail {

/// Formats a number as the shortest text that reads back to the same double:
/// 0.9, 1e-08, -1.5, nan.
std::string format_number(double value);

/// Requires a finite value >= 0.
void check_non_negative(const char* owner, const char* name, double value);

/// Requires a finite value > 0.
void check_positive(const char* owner, const char* name, double value);

/// Requires low <= value < high.
void check_half_open(const char* owner, const char* name, double value, double low,
                     double high);

/// Requires low <= value <= high.
void check_closed(const char* owner, const char* name, double value, double low, double high);

/// Converts a flag stored as a number back to bool; requires exactly 0 or 1.
bool to_flag(const char* owner, const char* name, double value);

/// Converts a count stored as a number back to an integer; requires a whole
/// number in [0, 2^53].
long long to_count(const char* owner, const char* name, double value);

}  // namespace tapegrad::detail
