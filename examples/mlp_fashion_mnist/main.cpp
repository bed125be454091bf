// mlp_fashion_mnist: trains a multilayer perceptron on Fashion-MNIST, or
// evaluates a saved one. Run with --help for the options.
//
// Exit status: 0 on success, 2 for a bad option or value, an unreadable
// path or a checkpoint that does not fit (one line on stderr), 1 when
// training itself fails.
#include <exception>
#include <iostream>

#include "blas_threads.hpp"
#include "options.hpp"
#include "run.hpp"

int main(int argc, char** argv) {
  using namespace mlp_fashion_mnist;

  Options options;
  if (const auto status = parse_options(argc, argv, options)) {
    return *status;
  }
  set_blas_threads(options.threads);

  try {
    if (options.evaluate_path) {
      return run_evaluation(options);
    }
    return run_training(options);
  } catch (const SetupError& error) {
    std::cerr << "mlp_fashion_mnist: " << error.what() << "\n";
    return usage_error_status;
  } catch (const std::exception& error) {
    std::cerr << "mlp_fashion_mnist: training failed: " << error.what() << "\n";
    return 1;
  }
}
