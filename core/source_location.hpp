// `SourceLocation`: where a user's call was made, for error reports.
//
// It is std::source_location where the standard library provides it. Clang 14
// with libstdc++ 12 (the fuzz build) lacks __builtin_source_location, so
// <source_location> declares nothing there; the fallback records the same
// facts through __builtin_FILE and __builtin_LINE, which gcc and clang both
// evaluate at the call site when used as default arguments.
#pragma once

#include <source_location>

namespace tapegrad {

#if defined(__cpp_lib_source_location)
using SourceLocation = std::source_location;
#else
class SourceLocation {
 public:
  static constexpr SourceLocation current(const char* file = __builtin_FILE(),
                                          unsigned line = __builtin_LINE(),
                                          const char* function = __builtin_FUNCTION()) noexcept {
    SourceLocation location;
    location.file_ = file;
    location.line_ = line;
    location.function_ = function;
    return location;
  }
  constexpr const char* file_name() const noexcept { return file_; }
  constexpr const char* function_name() const noexcept { return function_; }
  constexpr unsigned line() const noexcept { return line_; }
  constexpr unsigned column() const noexcept { return 0; }

 private:
  const char* file_ = "";
  const char* function_ = "";
  unsigned line_ = 0;
};
#endif

}  // namespace tapegrad
