// SGD against torch.optim.SGD on the problem of optim_test_support.hpp.
#include <catch2/catch.hpp>

#include <tapegrad/optim/sgd.hpp>

#include "optim_test_support.hpp"

using namespace tapegrad;
using optim_test::Golden;
using optim_test::Problem;

TEMPLATE_TEST_CASE("SGD plain matches torch", "[optim][sgd]", float, double) {
  // run(lambda ps: torch.optim.SGD(ps, lr=0.1))
  Problem<TestType> problem;
  SGD<TestType> optimizer(problem.parameters(), SGDOptions{.lr = 0.1});
  optim_test::check_golden(
      optimizer, problem,
      Golden{
          .w1 = {{0.4, -0.6, 2.4}, {1.35, 0.4, -0.6}},
          .b1 = {0.097, -0.21200000000000002, 0.27299999999999996},
          .w4 = {{0.2048, -0.1296, 4.1472}, {0.9841500000000001, 1.6384000000000005, -0.30720000000000003}},
          .b4 = {0.0890039104201958, -0.25812214884880774, 0.21567630756898737},
      });
}

TEMPLATE_TEST_CASE("SGD momentum dampening weight decay", "[optim][sgd]", float, double) {
  // run(lambda ps: torch.optim.SGD(ps, lr=0.1, momentum=0.9, dampening=0.1, weight_decay=0.01))
  Problem<TestType> problem;
  SGD<TestType> optimizer(
      problem.parameters(),
      SGDOptions{.lr = 0.1, .momentum = 0.9, .dampening = 0.1, .weight_decay = 0.01});
  optim_test::check_golden(
      optimizer, problem,
      Golden{
          .w1 = {{0.3995, -0.599, 2.398}, {1.3485, 0.39975, -0.59925}},
          .b1 = {0.0969, -0.21180000000000002, 0.2727},
          .w4 = {{-0.13144640720103554, 0.7975307605388711, 6.416381887263059},
                 {0.3897673288294934, 2.909532017336282, 0.19716961080155332}},
          .b4 = {0.07578871500577265, -0.31998900168626754, 0.11577120016093005},
      });
}

TEMPLATE_TEST_CASE("SGD nesterov with weight decay", "[optim][sgd]", float, double) {
  // run(lambda ps: torch.optim.SGD(ps, lr=0.05, momentum=0.8, nesterov=True, weight_decay=0.05))
  Problem<TestType> problem;
  SGD<TestType> optimizer(
      problem.parameters(),
      SGDOptions{.lr = 0.05, .momentum = 0.8, .weight_decay = 0.05, .nesterov = true});
  optim_test::check_golden(
      optimizer, problem,
      Golden{
          .w1 = {{0.40775, -0.6355, 2.351}, {1.35825, 0.383875, -0.611625}},
          .b1 = {0.09685, -0.2099, 0.27435},
          .w4 = {{0.09406154646003123, 0.1918428836699376, 4.658473235400125},
                 {0.7808728884975936, 1.8829172328200157, -0.1410923196900468}},
          .b4 = {0.083043351581953, -0.26843922071303744, 0.18048617443403545},
      });
}

TEST_CASE("SGD state lists momentum buffers", "[optim][sgd]") {
  Problem<double> problem;
  SGD<double> plain(problem.parameters(), SGDOptions{.lr = 0.1});
  SGD<double> momentum(problem.parameters(), SGDOptions{.lr = 0.1, .momentum = 0.9});

  // lr, momentum, dampening, weight_decay, nesterov, then step.0 to step.2.
  CHECK(plain.state().size() == 8);
  // The same plus momentum_buffer.0 to momentum_buffer.2.
  const NamedArrays<double> state = momentum.state();
  REQUIRE(state.size() == 11);
  CHECK(state[8].first == "momentum_buffer.0");
  CHECK(state[10].first == "momentum_buffer.2");
  CHECK(format_shape(state[8].second.shape()) == "[2, 3]");
}
