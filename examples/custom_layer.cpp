// custom_layer: a layer of your own, composed from ops, and checked against
// finite differences.
//
// GatedResidual is a highway-style block on [N, width] inputs:
//
//   y = x + sigmoid(x Wg^T + bg) * tanh(x Wc^T + bc)
//
// The gate decides, per feature, how much of the candidate update to add to
// x. The block needs no backward code: its forward is made of ops the tape
// records, and its parameters are those of its two Dense children.
#include <iostream>
#include <memory>
#include <string>

#include <tapegrad/core/core.hpp>
#include <tapegrad/layers/layers.hpp>

using namespace tapegrad;

template <class T>
class GatedResidual : public Module<T> {
 public:
  GatedResidual(std::size_t width, Generator& generator)
      : gate_(std::make_shared<Dense<T>>(width, width, generator)),
        candidate_(std::make_shared<Dense<T>>(width, width, generator)) {}

  Tensor<T> forward(const Tensor<T>& x) override {
    return x + sigmoid(gate_->forward(x)) * tanh(candidate_->forward(x));
  }

  typename Module<T>::NamedModules named_children() const override {
    return {{"gate", gate_}, {"candidate", candidate_}};
  }

  std::string to_string() const override { return this->to_string_with_children("GatedResidual"); }

 private:
  std::shared_ptr<Dense<T>> gate_;
  std::shared_ptr<Dense<T>> candidate_;
};

int main() {
  Generator generator(7);
  GatedResidual<double> block(4, generator);
  Tensor<double> x = normal<double>({3, 4}, 0.0, 1.0, generator);

  // One finite-difference check for the input x [3, 4] and one for each of
  // the block's four parameters (gate.weight, gate.bias, ...).
  const LayerGradCheckReport report = check_layer_gradients(block, x);
  std::cout << report << "\n";
  return report ? 0 : 1;
}
