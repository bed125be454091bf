// libFuzzer target for load_checkpoint: any bytes must either restore a
// [2, 2] Dense layer and its Adam state, or raise a std::exception and leave
// both exactly as they were.
#include <cstddef>
#include <cstdint>
#include <exception>
#include <memory>

#include <tapegrad/core/random.hpp>
#include <tapegrad/layers/dense.hpp>
#include <tapegrad/optim/adam.hpp>
#include <tapegrad/optim/checkpoint.hpp>

#include "fuzz_file.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto path = tapegrad::fuzz::write_input(".npz", data, size);
  tapegrad::Generator generator(0);
  auto model = std::make_shared<tapegrad::Dense<float>>(2, 2, generator);
  tapegrad::Adam<float> optimizer(model->parameters(), tapegrad::AdamOptions{});
  const tapegrad::Array<float> weight = model->weight().value();
  const tapegrad::Array<float> bias = model->bias().value();
  const tapegrad::NamedArrays<float> state = optimizer.state();
  try {
    tapegrad::load_checkpoint<float>(path, *model, &optimizer);
  } catch (const std::exception&) {
    // A load that fails must change nothing.
    if (model->weight().value() != weight || model->bias().value() != bias ||
        optimizer.state() != state) {
      __builtin_trap();
    }
  }
  return 0;
}
