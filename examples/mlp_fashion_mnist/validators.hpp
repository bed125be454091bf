// Validators for mlp_fashion_mnist's options, each with an error message that
// names the expected value and repeats the one given.
//
// CLI11 runs a validator on the option's text before it converts the text,
// so each validator parses the text itself. An empty description keeps CLI11
// from adding the validator's name to --help.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

namespace mlp_fashion_mnist {

/// Accepts a whole number in [low, high].
CLI::Validator whole_number_in(std::size_t low, std::size_t high);

/// Accepts a finite number for which `accept` returns true; `expected`
/// describes the accepted numbers in the error message.
CLI::Validator number_check(const std::string& expected, std::function<bool(double)> accept);

/// Accepts one of `choices`, spelled exactly.
CLI::Validator one_of(std::vector<std::string> choices);

/// Accepts a file path whose folder exists and is writable, so a bad --save,
/// --metrics or --plot fails at start instead of after training.
CLI::Validator writable_path();

/// Accepts a file this process can read.
CLI::Validator readable_file();

/// Accepts a folder this process can list and read.
CLI::Validator readable_folder();

}  // namespace mlp_fashion_mnist
