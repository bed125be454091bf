// Entry point of torch_bench: Google Benchmark's main with one extra flag,
// --torch_threads=N (default 1), passed to torch::set_num_threads. OpenBLAS,
// which Debian's libtorch calls for matrix products, takes its own thread
// count from OPENBLAS_NUM_THREADS; both appear in the report header.
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <string>

#include <benchmark/benchmark.h>
#include <torch/torch.h>

extern "C" int openblas_get_num_threads();

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  constexpr const char* threads_flag = "--torch_threads=";
  int torch_threads = 1;
  int remaining_count = 1;
  for (int index = 1; index < argc; ++index) {
    if (std::strncmp(argv[index], threads_flag, std::strlen(threads_flag)) == 0) {
      torch_threads = std::atoi(argv[index] + std::strlen(threads_flag));
    } else {
      argv[remaining_count++] = argv[index];
    }
  }
  argc = remaining_count;
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) {
    return 1;
  }
  if (torch_threads < 1) {
    std::cerr << "torch_bench: --torch_threads must be a positive integer\n";
    return 1;
  }
  torch::set_num_threads(torch_threads);
  benchmark::AddCustomContext("torch_threads", std::to_string(torch::get_num_threads()));
  benchmark::AddCustomContext("openblas_threads", std::to_string(openblas_get_num_threads()));
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
