// Softmax and the losses given mismatched shapes and targets, zero-size
// batches, and NaN and Inf logits.
//
// Decisions:
// - Shape or target mismatches raise std::invalid_argument naming the op
//   and the shapes or target values.
// - A mean over an empty batch raises std::invalid_argument where PyTorch
//   returns NaN, because a NaN loss from an empty batch is almost always a
//   data-loading bug. Reduction::sum gives 0, and Reduction::none an empty
//   result.
// - A NaN or +inf logit makes its row's softmax, loss and gradient NaN, as in
//   PyTorch; other rows are unaffected. -inf logits are masks: probability 0.
// - nll_loss reads only the target entry of each row, so a NaN elsewhere in
//   the row does not reach the loss, as in PyTorch.
// - binary_cross_entropy_with_logits gives loss 0 for logit +inf with target
//   1 (PyTorch 1.13 gives NaN), as loss.hpp documents.
#include <catch2/catch.hpp>

#include <vector>

#include <tapegrad/core/core.hpp>

#include "bad_input.hpp"

using namespace tapegrad;
using namespace tapegrad::testing;

namespace {

// Rows: a NaN logit, a +inf logit, a -inf logit, and finite logits.
Array<double> special_logits() { return {{1, 2, quiet_nan}, {inf, 1, 0}, {-inf, 0, 1}, {1, 2, 3}}; }

}  // namespace

TEST_CASE("softmax rows with NaN and infinities", "[reliability][loss]") {
  // Expected values from PyTorch 1.13 in float64:
  //   x = torch.tensor([[1., 2., nan], [inf, 1., 0.], [-inf, 0., 1.]],
  //                    dtype=torch.float64, requires_grad=True)
  //   y = torch.softmax(x, 1)  # or torch.log_softmax(x, 1)
  //   (y * torch.tensor([[1., 2., 3.]] * 3, dtype=torch.float64)).sum().backward()
  const Array<double> logits = {{1, 2, quiet_nan}, {inf, 1, 0}, {-inf, 0, 1}};
  const Tensor<double> weights = constant<double>(Array<double>{{1, 2, 3}, {1, 2, 3}, {1, 2, 3}});

  Tensor<double> x = parameter<double>(logits);
  const Tensor<double> probabilities = softmax(x, 1);
  backward(sum(mul(probabilities, weights)));
  check_values(probabilities.value(), Shape{3, 3},
               {quiet_nan, quiet_nan, quiet_nan, quiet_nan, quiet_nan, quiet_nan, 0,
                0.26894142136999516, 0.7310585786300049});
  check_values(x.grad(), Shape{3, 3},
               {quiet_nan, quiet_nan, quiet_nan, quiet_nan, quiet_nan, quiet_nan, 0,
                -0.19661193324148196, 0.1966119332414816});

  Tensor<double> z = parameter<double>(logits);
  const Tensor<double> log_probabilities = log_softmax(z, 1);
  backward(sum(mul(log_probabilities, weights)));
  check_values(log_probabilities.value(), Shape{3, 3},
               {quiet_nan, quiet_nan, quiet_nan, quiet_nan, quiet_nan, quiet_nan, -inf,
                -1.3132616875182228, -0.31326168751822286});
  check_values(z.grad(), Shape{3, 3},
               {quiet_nan, quiet_nan, quiet_nan, quiet_nan, quiet_nan, quiet_nan, 1,
                0.3863514717800294, -1.3863514717800294});
}

TEST_CASE("class losses with NaN and infinities", "[reliability][loss]") {
  // Expected values from PyTorch 1.13 in float64, with x = special_logits():
  //   t = torch.tensor([0, 1, 2, 0])
  //   y = F.cross_entropy(x, t, reduction='none'); y.sum().backward()
  //   y = F.nll_loss(x, t, reduction='none'); y.sum().backward()
  const std::vector<std::size_t> targets = {0, 1, 2, 0};

  Tensor<double> x = parameter<double>(special_logits());
  const Tensor<double> losses = cross_entropy(x, targets, Reduction::none);
  backward(sum(losses));
  check_values(losses.value(), {quiet_nan, quiet_nan, 0.31326168751822286, 2.4076059644443806});
  check_values(
      x.grad(), Shape{4, 3},
      {quiet_nan, quiet_nan, quiet_nan, quiet_nan, quiet_nan, quiet_nan, 0, 0.2689414213699951,
       -0.2689414213699951, -0.9099694268296196, 0.24472847105479764, 0.6652409557748218});

  Tensor<double> log_probs = parameter<double>(special_logits());
  const Tensor<double> nll = nll_loss(log_probs, targets, Reduction::none);
  backward(sum(nll));
  check_values(nll.value(), {-1, -1, -1, -1});
  check_values(log_probs.grad(), Shape{4, 3}, {-1, 0, 0, 0, -1, 0, 0, 0, -1, -1, 0, 0});

  // The mean over the batch is NaN as soon as one row is.
  CHECK(std::isnan(cross_entropy(constant<double>(special_logits()), targets).item()));
}

TEST_CASE("elementwise losses with NaN and infinities", "[reliability][loss]") {
  // Expected values from PyTorch 1.13 in float64, except the bce loss at
  // logit inf with target 1 (see the file comment):
  //   p = torch.tensor([1., nan, inf], dtype=torch.float64, requires_grad=True)
  //   q = torch.tensor([0., 1., 1.], dtype=torch.float64, requires_grad=True)
  //   y = F.mse_loss(p, q, reduction='none')  # or F.binary_cross_entropy_with_logits
  //   y.sum().backward()
  Tensor<double> p = parameter<double>(Array<double>{1, quiet_nan, inf});
  Tensor<double> q = parameter<double>(Array<double>{0, 1, 1});
  const Tensor<double> squared = mse_loss(p, q, Reduction::none);
  backward(sum(squared));
  check_values(squared.value(), {1, quiet_nan, inf});
  check_values(p.grad(), {2, quiet_nan, inf});
  check_values(q.grad(), {-2, quiet_nan, -inf});

  Tensor<double> logits = parameter<double>(Array<double>{1, quiet_nan, inf});
  Tensor<double> labels = parameter<double>(Array<double>{0, 1, 1});
  const Tensor<double> bce = binary_cross_entropy_with_logits(logits, labels, Reduction::none);
  backward(sum(bce));
  check_values(bce.value(), {1.3132616875182228, quiet_nan, 0});
  check_values(logits.grad(), {0.7310585786300049, quiet_nan, 0});
  check_values(labels.grad(), {-1, quiet_nan, -inf});
}

TEST_CASE("losses reject mismatched inputs", "[reliability][loss]") {
  const Tensor<float> logits = parameter<float>(Array<float>(Shape{2, 3}, 0.5f));
  const std::vector<std::size_t> three_targets = {0, 1, 2};
  const std::vector<std::size_t> bad_class = {0, 3};
  check_rejects([&] { cross_entropy(logits, three_targets); },
                {"cross_entropy:", "3 targets", "[2, 3]"});
  check_rejects([&] { cross_entropy(logits, bad_class); },
                {"cross_entropy:", "target 3", "[2, 3]"});
  check_rejects([&] { nll_loss(logits, bad_class); }, {"nll_loss:", "target 3", "[2, 3]"});
  const Tensor<float> vector = parameter<float>(Array<float>{1, 2, 3});
  const std::vector<std::size_t> one_target = {0};
  check_rejects([&] { cross_entropy(vector, one_target); }, {"cross_entropy:", "[N, C]", "[3]"});

  const Tensor<float> other = constant<float>(Array<float>(Shape{3, 2}, 0.5f));
  check_rejects([&] { mse_loss(logits, other); }, {"mse_loss:", "[2, 3]", "[3, 2]"});
  check_rejects([&] { binary_cross_entropy_with_logits(logits, other); },
                {"binary_cross_entropy_with_logits:", "[2, 3]", "[3, 2]"});
  // mse_loss does not broadcast, even where add would.
  const Tensor<float> row = constant<float>(Array<float>{1, 2, 3});
  check_rejects([&] { mse_loss(logits, row); }, {"mse_loss:", "[2, 3]", "[3]"});

  check_rejects([&] { softmax(logits, 2); }, {"softmax:", "axis 2", "[2, 3]"});
  check_rejects([&] { log_softmax(logits, -3); }, {"log_softmax:", "axis -3", "[2, 3]"});
}

TEST_CASE("losses over empty batches", "[reliability][loss]") {
  Tensor<float> logits = parameter<float>(Array<float>(Shape{0, 3}));
  const std::vector<std::size_t> no_targets;
  check_rejects([&] { cross_entropy(logits, no_targets); }, {"cross_entropy:", "[0, 3]", "empty"});
  check_rejects([&] { nll_loss(logits, no_targets); }, {"nll_loss:", "[0, 3]", "empty"});
  check_rejects([&] { mse_loss(logits, logits); }, {"mse_loss:", "[0, 3]", "empty"});
  check_rejects([&] { binary_cross_entropy_with_logits(logits, logits); },
                {"binary_cross_entropy_with_logits:", "[0, 3]", "empty"});

  // A sum over no samples is 0, and the gradient of an empty input is empty.
  const Tensor<float> total = cross_entropy(logits, no_targets, Reduction::sum);
  check_values(total.value(), Shape{}, {0});
  backward(total);
  CHECK(to_shape(logits.grad().shape()) == Shape{0, 3});
  check_values(mse_loss(logits, logits, Reduction::none).value(), Shape{0, 3}, {});
  check_values(softmax(logits, 1).value(), Shape{0, 3}, {});
  // Rows of zero classes: softmax over an empty lane is empty.
  const Tensor<float> no_classes = parameter<float>(Array<float>(Shape{2, 0}));
  check_values(log_softmax(no_classes, 1).value(), Shape{2, 0}, {});
  // With zero classes, no target index is valid.
  const std::vector<std::size_t> two_targets = {0, 0};
  check_rejects([&] { cross_entropy(no_classes, two_targets); }, {"cross_entropy:", "target 0"});
}
