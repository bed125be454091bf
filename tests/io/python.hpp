// Runs Debian's /usr/bin/python3 from tests, for values made by NumPy.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <initializer_list>
#include <stdexcept>
#include <string>

#include "../support/temp_folder.hpp"

namespace tapegrad::testing {

inline constexpr const char* python_path = "/usr/bin/python3";

/// Returns whether /usr/bin/python3 exists and imports numpy.
inline bool numpy_available() {
  const std::string command = std::string(python_path) + " -c 'import numpy' >/dev/null 2>&1";
  return std::system(command.c_str()) == 0;
}

/// Runs `script` with `arguments` (passed as sys.argv[1:], quoted for the
/// shell) and returns its standard output. Raises std::runtime_error when the
/// script fails.
inline std::string run_python(const TempFolder& folder, const std::string& script,
                              std::initializer_list<std::string> arguments) {
  const auto script_path = folder / "script.py";
  write_bytes(script_path, script);
  std::string command = std::string(python_path) + " '" + script_path.string() + "'";
  for (const std::string& argument : arguments) {
    if (argument.find('\'') != std::string::npos) {
      throw std::invalid_argument("run_python: argument contains a quote: " + argument);
    }
    command += " '" + argument + "'";
  }
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) {
    throw std::runtime_error("run_python: cannot start " + command);
  }
  std::string output;
  char buffer[4096];
  std::size_t got = 0;
  while ((got = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) {
    output.append(buffer, got);
  }
  const int status = ::pclose(pipe);
  if (status != 0) {
    throw std::runtime_error("run_python: script failed with status " + std::to_string(status) +
                             ", output: " + output);
  }
  return output;
}

}  // namespace tapegrad::testing
