#include <tapegrad/core/grad_mode.hpp>

namespace tapegrad {
namespace {
thread_local bool recording = true;
}  // namespace

bool grad_enabled() noexcept { return recording; }

NoGradGuard::NoGradGuard() noexcept : previous_(recording) { recording = false; }

NoGradGuard::~NoGradGuard() { recording = previous_; }

}  // namespace tapegrad
