// libFuzzer target for the IDX reader: any bytes, plain or gzip, must give a
// value or a std::exception, never a crash, a sanitizer report or a huge
// allocation.
#include <cstddef>
#include <cstdint>
#include <exception>

#include <tapegrad/data/idx.hpp>

#include "fuzz_file.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto path = tapegrad::fuzz::write_input(".idx", data, size);
  try {
    tapegrad::IdxArray array = tapegrad::read_idx(path);
    std::size_t count = 1;
    for (std::size_t extent : array.shape) {
      count *= extent;
    }
    if (count != array.values.size()) {
      __builtin_trap();  // The reader returned a shape that does not match its values.
    }
  } catch (const std::exception&) {
    // A clear error is the expected outcome for most inputs.
  }
  return 0;
}
