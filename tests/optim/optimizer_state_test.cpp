// Saving and loading optimizer state, and the checks load_state makes.
#include <functional>
#include <memory>

#include <catch2/catch.hpp>

#include <tapegrad/optim/optim.hpp>

#include "optim_test_support.hpp"

using namespace tapegrad;
using optim_test::Problem;

namespace {

template <class T>
using OptimizerFactory = std::function<std::unique_ptr<Optimizer<T>>(std::vector<Tensor<T>>)>;

/// Every optimizer with its buffers in use. lr = 0.1 has no exact float
/// representation, which exercises the precision rule of load_state.
template <class T>
std::vector<std::pair<const char*, OptimizerFactory<T>>> all_optimizers() {
  return {
      {"SGD", [](auto parameters) -> std::unique_ptr<Optimizer<T>> {
         return std::make_unique<SGD<T>>(
             parameters, SGDOptions{.lr = 0.1, .momentum = 0.9, .weight_decay = 0.01});
       }},
      {"Adam", [](auto parameters) -> std::unique_ptr<Optimizer<T>> {
         return std::make_unique<Adam<T>>(parameters, AdamOptions{.lr = 0.1, .weight_decay = 0.1});
       }},
      {"AdamW", [](auto parameters) -> std::unique_ptr<Optimizer<T>> {
         return std::make_unique<AdamW<T>>(parameters, AdamWOptions{.lr = 0.1});
       }},
      {"RMSprop", [](auto parameters) -> std::unique_ptr<Optimizer<T>> {
         return std::make_unique<RMSprop<T>>(
             parameters, RMSpropOptions{.lr = 0.01, .momentum = 0.9, .centered = true});
       }},
      {"Adagrad", [](auto parameters) -> std::unique_ptr<Optimizer<T>> {
         return std::make_unique<Adagrad<T>>(
             parameters, AdagradOptions{.lr = 0.1, .lr_decay = 0.1, .initial_accumulator_value = 0.1});
       }},
  };
}

}  // namespace

TEMPLATE_TEST_CASE("state round trip resumes exactly", "[optim][state]", float, double) {
  using T = TestType;
  for (const auto& [name, make] : all_optimizers<T>()) {
    INFO(name);
    Problem<T> uninterrupted;
    auto reference = make(uninterrupted.parameters());
    for (int step = 0; step < 6; ++step) {
      uninterrupted.train_step(*reference);
    }

    Problem<T> first_half;
    auto before = make(first_half.parameters());
    for (int step = 0; step < 3; ++step) {
      first_half.train_step(*before);
    }
    const NamedArrays<T> saved = before->state();

    // A new run: parameter values copied as a checkpoint would, optimizer state loaded.
    Problem<T> resumed;
    resumed.w.mutable_value() = first_half.w.value();
    resumed.b.mutable_value() = first_half.b.value();
    auto after = make(resumed.parameters());
    after->load_state(saved);
    CHECK(after->step_count(0) == 3);
    for (int step = 0; step < 3; ++step) {
      resumed.train_step(*after);
    }

    CHECK(resumed.w.value() == uninterrupted.w.value());
    CHECK(resumed.b.value() == uninterrupted.b.value());
    CHECK(after->learning_rate() == reference->learning_rate());
    CHECK(after->state() == reference->state());
  }
}

TEST_CASE("load_state restores hyperparameters", "[optim][state]") {
  Problem<double> problem;
  Adam<double> saved_from(problem.parameters(), AdamOptions{.lr = 0.5, .beta1 = 0.7});
  Adam<double> loaded_into(problem.parameters(), AdamOptions{.lr = 0.1});
  loaded_into.load_state(saved_from.state());
  CHECK(loaded_into.learning_rate() == 0.5);
  CHECK(loaded_into.state() == saved_from.state());
}

TEST_CASE("load_state missing entry", "[optim][state]") {
  Problem<double> problem;
  Adam<double> optimizer(problem.parameters());
  NamedArrays<double> state = optimizer.state();
  state.erase(std::find_if(state.begin(), state.end(),
                           [](const auto& entry) { return entry.first == "exp_avg_sq.1"; }));
  CHECK_THROWS_WITH(optimizer.load_state(state),
                    Catch::Contains("Adam::load_state: entry 'exp_avg_sq.1' is missing"));
}

TEST_CASE("load_state shape mismatch names both", "[optim][state]") {
  Problem<double> problem;
  Adam<double> optimizer(problem.parameters());
  NamedArrays<double> state = optimizer.state();
  for (auto& [name, array] : state) {
    if (name == "exp_avg.0") {
      array = xt::zeros<double>(Shape{3, 2});
    }
  }
  CHECK_THROWS_WITH(
      optimizer.load_state(state),
      Catch::Contains("entry 'exp_avg.0' has shape [3, 2], expected [2, 3]"));
}

TEST_CASE("load_state unexpected entry", "[optim][state]") {
  // A state saved with momentum has buffers an SGD without momentum lacks.
  Problem<double> problem;
  SGD<double> with_momentum(problem.parameters(), SGDOptions{.momentum = 0.9});
  SGD<double> without_momentum(problem.parameters(), SGDOptions{});
  CHECK_THROWS_WITH(without_momentum.load_state(with_momentum.state()),
                    Catch::Contains("SGD::load_state: unexpected entry 'momentum_buffer.0'"));
}

TEST_CASE("load_state from fewer parameters", "[optim][state]") {
  Problem<double> problem;
  Adagrad<double> small(std::vector<Tensor<double>>{problem.w});
  Adagrad<double> large(problem.parameters());
  CHECK_THROWS_WITH(large.load_state(small.state()),
                    Catch::Contains("entry 'step.1' is missing"));
  CHECK_THROWS_WITH(small.load_state(large.state()),
                    Catch::Contains("unexpected entry 'step.1'"));
}

TEST_CASE("load_state invalid value changes nothing", "[optim][state]") {
  Problem<double> problem;
  Adam<double> optimizer(problem.parameters(), AdamOptions{.lr = 0.1});
  problem.train_step(optimizer);
  const NamedArrays<double> before = optimizer.state();

  NamedArrays<double> bad_beta = before;
  NamedArrays<double> bad_step = before;
  for (auto& [name, array] : bad_beta) {
    if (name == "beta1") {
      array = Array<double>(1.5);
    }
  }
  for (auto& [name, array] : bad_step) {
    if (name == "step.0") {
      array = Array<double>(2.5);
    }
    if (name == "exp_avg.0") {
      array.fill(42.0);
    }
  }
  CHECK_THROWS_WITH(optimizer.load_state(bad_beta),
                    Catch::Contains("Adam: beta1 must be in [0, 1), got 1.5"));
  CHECK_THROWS_WITH(optimizer.load_state(bad_step),
                    Catch::Contains("step.0 must be a whole number >= 0, got 2.5"));
  CHECK(optimizer.state() == before);
}

TEST_CASE("load_state duplicate entry", "[optim][state]") {
  Problem<double> problem;
  SGD<double> optimizer(problem.parameters());
  NamedArrays<double> state = optimizer.state();
  state.push_back(state.front());
  CHECK_THROWS_WITH(optimizer.load_state(state),
                    Catch::Contains("entry 'lr' appears twice"));
}
