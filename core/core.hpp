// Everything in tapegrad's core: tensors, the tape, every op, custom ops and
// the gradient checker.
#pragma once

#include <tapegrad/core/custom_op.hpp>
#include <tapegrad/core/grad_mode.hpp>
#include <tapegrad/core/gradcheck.hpp>
#include <tapegrad/core/random.hpp>
#include <tapegrad/core/tape.hpp>
#include <tapegrad/core/tensor.hpp>
#include <tapegrad/core/ops/elementwise.hpp>
#include <tapegrad/core/ops/linalg.hpp>
#include <tapegrad/core/ops/loss.hpp>
#include <tapegrad/core/ops/reduce.hpp>
#include <tapegrad/core/ops/shape.hpp>
#include <tapegrad/core/ops/unary.hpp>
