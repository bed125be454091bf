// Heap allocation counts for the tapegrad benchmarks.
#pragma once

#include <cstdint>

namespace bench {

/// Returns how many times the global operator new ran in this program.
std::uint64_t operator_new_calls() noexcept;

}  // namespace bench
