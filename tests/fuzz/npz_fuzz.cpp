// libFuzzer target for the checkpoint (.npz) loader: any bytes must give
// arrays or a std::exception, never a crash, a sanitizer report or a huge
// allocation.
#include <cstddef>
#include <cstdint>
#include <exception>

#include <tapegrad/core/npz.hpp>

#include "fuzz_file.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto path = tapegrad::fuzz::write_input(".npz", data, size);
  try {
    tapegrad::NamedArrays<float> arrays = tapegrad::load_npz<float>(path);
    for (const auto& [name, array] : arrays) {
      if (name.empty()) {
        __builtin_trap();  // The loader returned an entry without a name.
      }
    }
  } catch (const std::exception&) {
    // A clear error is the expected outcome for most inputs.
  }
  try {
    tapegrad::load_npz<double>(path);
  } catch (const std::exception&) {
  }
  return 0;
}
