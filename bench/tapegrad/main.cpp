// Entry point of tapegrad_bench: Google Benchmark's main, plus the OpenBLAS
// thread count in the report header (set it with OPENBLAS_NUM_THREADS).
#include <string>

#include <benchmark/benchmark.h>
#include <cblas.h>

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) {
    return 1;
  }
  benchmark::AddCustomContext("openblas_threads", std::to_string(openblas_get_num_threads()));
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
