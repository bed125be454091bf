#include <tapegrad/layers/dropout.hpp>

#include <sstream>
#include <stdexcept>

#include <xtensor/xbuilder.hpp>

#include <tapegrad/core/ops/elementwise.hpp>

namespace tapegrad {

template <class T>
Dropout<T>::Dropout(double p, std::uint64_t seed) : p_(p), generator_(seed) {
  // Written so that NaN fails the check too.
  if (!(p >= 0.0 && p <= 1.0)) {
    throw std::invalid_argument("Dropout: p is the probability of zeroing an entry and must be "
                                "in [0, 1], got " + std::to_string(p));
  }
}

template <class T>
Tensor<T> Dropout<T>::forward(const Tensor<T>& input) {
  if (!this->is_training() || p_ == 0.0) {
    return input;
  }
  const T kept_scale = p_ == 1.0 ? T(0) : static_cast<T>(1.0 / (1.0 - p_));
  Array<T> mask = xt::empty<T>(input.shape());
  for (T& entry : mask) {
    // uniform() is in [0, 1), so an entry is dropped with probability exactly p.
    entry = generator_.uniform() < p_ ? T(0) : kept_scale;
  }
  return mul(input, constant(std::move(mask)));
}

template <class T>
std::string Dropout<T>::to_string() const {
  std::ostringstream text;
  text << "Dropout(p=" << p_ << ")";
  return text.str();
}

template class Dropout<float>;
template class Dropout<double>;

}  // namespace tapegrad
