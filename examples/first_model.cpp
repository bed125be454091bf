// first_model: an MLP learns XOR; the loop reads forward / loss / backward / step.
#include <cstdio>
#include <vector>

#include <tapegrad/core/core.hpp>
#include <tapegrad/core/ops/loss.hpp>
#include <tapegrad/layers/layers.hpp>
#include <tapegrad/optim/adam.hpp>

using namespace tapegrad;

int main() {
  Tensor<float> inputs = {{0, 0}, {0, 1}, {1, 0}, {1, 1}};
  std::vector<std::size_t> labels = {0, 1, 1, 0};  // a xor b, as a class index

  Generator generator(1);
  auto model = MLP<float>({2, 8, 2}, generator);  // Dense 2->8, ReLU, Dense 8->2
  Adam<float> optimizer(model->parameters(), AdamOptions{.lr = 0.05});

  for (int step = 1; step <= 200; ++step) {
    Tensor<float> logits = model->forward(inputs);
    Tensor<float> loss = cross_entropy(logits, labels);
    optimizer.zero_grad();
    backward(loss);
    optimizer.step();
    if (step % 50 == 0) {
      std::printf("step %3d  loss %.4f\n", step, loss.item());
    }
  }

  NoGradGuard no_grad;
  const Array<float> probabilities = softmax(model->forward(inputs)).value();
  int wrong = 0;
  for (std::size_t i = 0; i < labels.size(); ++i) {
    const Array<float>& x = inputs.value();
    std::printf("%g xor %g -> P(1) = %.3f\n", x(i, 0), x(i, 1), probabilities(i, 1));
    wrong += (probabilities(i, 1) > 0.5f) != (labels[i] == 1);
  }
  return wrong == 0 ? 0 : 1;
}
