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

namespace tapegrad {

/// Records an op named `name` whose forward result is `value`, computed by the
/// caller from `inputs`. `backward` receives dL/d output and returns one
/// gradient per input: the shape of that input, or an empty array for none.
/// A returned gradient of the wrong shape raises `std::invalid_argument`
/// naming the op, the input and both shapes. Nothing is recorded, and
/// `backward` is never called, when grad mode is off or no input requires grad.
template <class T>
Tensor<T> custom_op(std::string name, Array<T> value, const std::vector<Tensor<T>>& inputs,
                    CustomBackward<T> backward);

}  // namespace tapegrad
