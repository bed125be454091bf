#include "validators.hpp"

#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <filesystem>

namespace mlp_fashion_mnist {

CLI::Validator whole_number_in(std::size_t low, std::size_t high) {
  return CLI::Validator(
      [low, high](const std::string& text) -> std::string {
        std::size_t value = 0;
        const char* end = text.data() + text.size();
        const auto [stop, error] = std::from_chars(text.data(), end, value);
        if (error != std::errc() || stop != end || value < low || value > high) {
          return "expected a whole number from " + std::to_string(low) + " to " +
                 std::to_string(high) + ", got '" + text + "'";
        }
        return "";
      },
      "");
}

CLI::Validator number_check(const std::string& expected, std::function<bool(double)> accept) {
  return CLI::Validator(
      [expected, accept](const std::string& text) -> std::string {
        double value = 0.0;
        const char* end = text.data() + text.size();
        const auto [stop, error] = std::from_chars(text.data(), end, value);
        if (error != std::errc() || stop != end || !std::isfinite(value) || !accept(value)) {
          return "expected " + expected + ", got '" + text + "'";
        }
        return "";
      },
      "");
}

CLI::Validator one_of(std::vector<std::string> choices) {
  return CLI::Validator(
      [choices](const std::string& text) -> std::string {
        if (std::find(choices.begin(), choices.end(), text) != choices.end()) {
          return "";
        }
        std::string list;
        for (const auto& choice : choices) {
          list += (list.empty() ? "" : ", ") + choice;
        }
        return "expected one of " + list + ", got '" + text + "'";
      },
      "");
}

CLI::Validator writable_path() {
  return CLI::Validator(
      [](const std::string& text) -> std::string {
        const std::filesystem::path path(text);
        const std::filesystem::path folder =
            path.has_parent_path() ? path.parent_path() : std::filesystem::path(".");
        if (!std::filesystem::is_directory(folder)) {
          return "folder " + folder.string() + " does not exist";
        }
        if (::access(folder.c_str(), W_OK) != 0) {
          return "folder " + folder.string() + " is not writable";
        }
        if (std::filesystem::is_directory(path)) {
          return text + " is a folder, not a file";
        }
        return "";
      },
      "");
}

CLI::Validator readable_file() {
  return CLI::Validator(
      [](const std::string& text) -> std::string {
        if (!std::filesystem::is_regular_file(text)) {
          return "file " + text + " does not exist";
        }
        if (::access(text.c_str(), R_OK) != 0) {
          return "file " + text + " is not readable";
        }
        return "";
      },
      "");
}

CLI::Validator readable_folder() {
  return CLI::Validator(
      [](const std::string& text) -> std::string {
        if (!std::filesystem::is_directory(text)) {
          return "folder " + text + " does not exist";
        }
        if (::access(text.c_str(), R_OK | X_OK) != 0) {
          return "folder " + text + " is not readable";
        }
        return "";
      },
      "");
}

}  // namespace mlp_fashion_mnist
