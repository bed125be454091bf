// Reading a state made of named 0-D arrays, as schedulers store theirs.
#pragma once

#include <algorithm>
#include <stdexcept>
#include <string>
#include <vector>

#include <tapegrad/core/array.hpp>

namespace tapegrad::detail {

/// Returns the values of the 0-D entries `names` of `state`, in that order.
/// Raises `std::invalid_argument` starting with `caller` for a missing,
/// repeated or unexpected entry or one that is not 0-D.
template <class T>
std::vector<T> read_scalar_entries(const std::string& caller, const NamedArrays<T>& state,
                                   const std::vector<std::string>& names) {
  std::vector<T> values;
  for (const std::string& name : names) {
    const auto matches = std::count_if(state.begin(), state.end(),
                                       [&](const auto& entry) { return entry.first == name; });
    if (matches != 1) {
      throw std::invalid_argument(caller + ": entry '" + name + "' is " +
                                  (matches == 0 ? "missing" : "repeated") +
                                  "; pass a state() from the same kind of scheduler");
    }
    const auto found = std::find_if(state.begin(), state.end(),
                                    [&](const auto& entry) { return entry.first == name; });
    if (found->second.dimension() != 0) {
      throw std::invalid_argument(caller + ": entry '" + name + "' has shape " +
                                  format_shape(found->second.shape()) + ", expected []");
    }
    values.push_back(found->second());
  }
  for (const auto& entry : state) {
    if (std::find(names.begin(), names.end(), entry.first) == names.end()) {
      throw std::invalid_argument(caller + ": unexpected entry '" + entry.first +
                                  "'; pass a state() from the same kind of scheduler");
    }
  }
  return values;
}

/// Returns `stored` as a double, or `current` when `stored` is `current`
/// rounded to T, so that a value saved at float precision resumes exactly.
template <class T>
double restore_precision(T stored, double current) {
  return stored == static_cast<T>(current) ? current : static_cast<double>(stored);
}

}  // namespace tapegrad::detail
