// Constructors reject invalid hyperparameters and parameter lists, naming the
// parameter and the value.
#include <limits>

#include <catch2/catch.hpp>

#include <tapegrad/optim/optim.hpp>

#include "optim_test_support.hpp"

using namespace tapegrad;
using optim_test::Problem;

TEST_CASE("SGD rejects invalid options", "[optim][checks]") {
  const auto parameters = Problem<double>().parameters();
  CHECK_THROWS_WITH(SGD<double>(parameters, SGDOptions{.lr = -0.1}),
                    "SGD: lr must be >= 0, got -0.1");
  CHECK_THROWS_WITH(SGD<double>(parameters, SGDOptions{.momentum = -0.5}),
                    "SGD: momentum must be >= 0, got -0.5");
  CHECK_THROWS_WITH(SGD<double>(parameters, SGDOptions{.momentum = 0.9, .dampening = 1.5}),
                    "SGD: dampening must be in [0, 1], got 1.5");
  CHECK_THROWS_WITH(SGD<double>(parameters, SGDOptions{.weight_decay = -1}),
                    "SGD: weight_decay must be >= 0, got -1");
  CHECK_THROWS_WITH(SGD<double>(parameters, SGDOptions{.nesterov = true}),
                    "SGD: nesterov needs momentum > 0 and dampening 0, got momentum 0, "
                    "dampening 0");
  CHECK_THROWS_WITH(
      SGD<double>(parameters, SGDOptions{.momentum = 0.9, .dampening = 0.1, .nesterov = true}),
      Catch::Contains("got momentum 0.9, dampening 0.1"));
}

TEST_CASE("Adam and AdamW reject invalid options", "[optim][checks]") {
  const auto parameters = Problem<double>().parameters();
  CHECK_THROWS_WITH(Adam<double>(parameters, AdamOptions{.beta1 = 1.5}),
                    "Adam: beta1 must be in [0, 1), got 1.5");
  CHECK_THROWS_WITH(Adam<double>(parameters, AdamOptions{.beta2 = 1.0}),
                    "Adam: beta2 must be in [0, 1), got 1");
  CHECK_THROWS_WITH(Adam<double>(parameters, AdamOptions{.eps = -1e-8}),
                    "Adam: eps must be >= 0, got -1e-08");
  CHECK_THROWS_WITH(AdamW<double>(parameters, AdamWOptions{.weight_decay = -0.01}),
                    "AdamW: weight_decay must be >= 0, got -0.01");
  CHECK_THROWS_WITH(AdamW<double>(parameters, AdamWOptions{.beta1 = -0.1}),
                    "AdamW: beta1 must be in [0, 1), got -0.1");
}

TEST_CASE("RMSprop and Adagrad reject invalid options", "[optim][checks]") {
  const auto parameters = Problem<double>().parameters();
  CHECK_THROWS_WITH(RMSprop<double>(parameters, RMSpropOptions{.alpha = 1.1}),
                    "RMSprop: alpha must be in [0, 1], got 1.1");
  CHECK_THROWS_WITH(RMSprop<double>(parameters, RMSpropOptions{.momentum = -0.9}),
                    "RMSprop: momentum must be >= 0, got -0.9");
  CHECK_THROWS_WITH(Adagrad<double>(parameters, AdagradOptions{.lr_decay = -0.1}),
                    "Adagrad: lr_decay must be >= 0, got -0.1");
  CHECK_THROWS_WITH(Adagrad<double>(parameters, AdagradOptions{.initial_accumulator_value = -1}),
                    "Adagrad: initial_accumulator_value must be >= 0, got -1");
}

TEST_CASE("options reject NaN and infinity", "[optim][checks]") {
  const auto parameters = Problem<double>().parameters();
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double infinity = std::numeric_limits<double>::infinity();
  CHECK_THROWS_WITH(Adam<double>(parameters, AdamOptions{.lr = nan}),
                    "Adam: lr must be >= 0, got nan");
  CHECK_THROWS_WITH(Adam<double>(parameters, AdamOptions{.beta1 = nan}),
                    "Adam: beta1 must be in [0, 1), got nan");
  CHECK_THROWS_WITH(SGD<double>(parameters, SGDOptions{.lr = infinity}),
                    "SGD: lr must be >= 0, got inf");
}

TEST_CASE("set_learning_rate rejects negative", "[optim][checks]") {
  const auto parameters = Problem<double>().parameters();
  SGD<double> optimizer(parameters, SGDOptions{.lr = 0.1});
  CHECK_THROWS_WITH(optimizer.set_learning_rate(-1), "SGD: lr must be >= 0, got -1");
  CHECK(optimizer.learning_rate() == 0.1);
  optimizer.set_learning_rate(0.02);
  CHECK(optimizer.learning_rate() == 0.02);
}

TEST_CASE("optimizer rejects bad parameter lists", "[optim][checks]") {
  Problem<double> problem;
  CHECK_THROWS_WITH(SGD<double>(std::vector<Tensor<double>>{}),
                    Catch::Contains("SGD: the parameter list is empty"));
  CHECK_THROWS_WITH(SGD<double>(std::vector<Tensor<double>>{problem.w, Tensor<double>()}),
                    Catch::Contains("SGD: parameter 1 is an empty Tensor handle"));
  CHECK_THROWS_WITH(Adam<double>({problem.w, problem.b, problem.w}),
                    Catch::Contains("Adam: parameter 2 appears earlier in the list too"));
  const Tensor<double> result = problem.w * 2.0;
  CHECK_THROWS_WITH(Adam<double>({problem.w, result}),
                    Catch::Contains("Adam: parameter 1 is the result of an op, not a leaf"));
}
