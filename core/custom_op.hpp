// Custom ops: user-defined forward values with a user-written backward.
//
// Example, y = x^3 with dy/dx = 3 x^2:
//
//   Tensor<double> cube(const Tensor<double>& x) {
//     Array<double> value = x.value() * x.value() * x.value();
//     return custom_op<double>("cube", std::move(value), {x},
//         [x](const Array<double>& grad_out) {
//           return std::vector<Array<double>>{3.0 * x.value() * x.value() * grad_out};
//         });
//   }
//
// The closure may capture the inputs (Tensor handles are cheap to copy) or
// any evaluated arrays it needs. It must not capture lazy xtensor
// expressions, which would dangle.
#pragma once

#include <string>
#include <vector>

#include <tapegrad/core/node.hpp>
#include <tapegrad/core/source_location.hpp>

namespace tapegrad {

/// Records an op named `name` whose forward result is `value`, computed by the
/// caller from `inputs`. `backward` receives dL/d output and returns one
/// gradient per input: the shape of that input, or an empty array for none.
/// An empty array is `Array<T>()` (0-D) or any array with no elements. For a
/// 0-D input, `Array<T>()` has the input's shape and is taken as its
/// gradient, so return `Array<T>(Shape{0})` there for none.
/// A returned gradient of the wrong shape, or a count other than one per
/// input, raises `std::invalid_argument` from backward, naming the op, the
/// input and both shapes. `backward` runs with grad mode off, as a PyTorch
/// autograd.Function's backward does without create_graph. Nothing is
/// recorded, and `backward` is never called, when grad mode is off or no input
/// requires grad. An empty `backward` raises `std::invalid_argument`.
template <class T>
Tensor<T> custom_op(std::string name, Array<T> value, const std::vector<Tensor<T>>& inputs,
                    CustomBackward<T> backward, SourceLocation where = SourceLocation::current());

}  // namespace tapegrad
