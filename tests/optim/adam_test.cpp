// Adam and AdamW against torch.optim.Adam and torch.optim.AdamW on the
// problem of optim_test_support.hpp.
#include <catch2/catch.hpp>

#include <tapegrad/optim/adam.hpp>

#include "optim_test_support.hpp"

using namespace tapegrad;
using optim_test::Golden;
using optim_test::Problem;

TEMPLATE_TEST_CASE("Adam plain matches torch", "[optim][adam]", float, double) {
  // run(lambda ps: torch.optim.Adam(ps, lr=0.1))
  Problem<TestType> problem;
  Adam<TestType> optimizer(problem.parameters(), AdamOptions{.lr = 0.1});
  optim_test::check_golden(
      optimizer, problem,
      Golden{
          .w1 = {{0.400000001, -0.9000000002499999, 2.09999999975},
                 {1.4000000006666666, 0.34999999933333337, -0.6500000006666666}},
          .b1 = {3.333332222743568e-08, -0.29999999166666735, 0.20000000370370358},
          .w4 = {{0.11291539819002168, -0.6039390595195652, 2.400821833965656},
                 {1.1021989378531514, 0.6482738137360139, -0.35623059798490764}},
          .b4 = {-0.22043817213105404, -0.5812054479883091, -0.03352662704384088},
      });
}

TEMPLATE_TEST_CASE("Adam L2 weight decay and betas", "[optim][adam]", float, double) {
  // run(lambda ps: torch.optim.Adam(ps, lr=0.1, betas=(0.8, 0.9), eps=1e-6, weight_decay=0.1))
  Problem<TestType> problem;
  Adam<TestType> optimizer(
      problem.parameters(),
      AdamOptions{.lr = 0.1, .beta1 = 0.8, .beta2 = 0.9, .eps = 1e-6, .weight_decay = 0.1});
  optim_test::check_golden(
      optimizer, problem,
      Golden{
          .w1 = {{0.40000009523800456, -0.900000024390238, 2.0999999736842176},
                 {1.4000000606060239, 0.3499999322034358, -0.6500000634920232}},
          .b1 = {2.4999375015793968e-06, -0.2999990000099999, 0.2000003333322222},
          .w4 = {{0.11402845080070723, -0.6042722433191181, 2.400937787441463},
                 {1.1023956040122926, 0.6491601597727966, -0.35674638570169964}},
          .b4 = {-0.1996794756846886, -0.5821600571742749, -0.031495416712841055},
      });
}

TEMPLATE_TEST_CASE("Adam late parameter own step count", "[optim][adam]", float, double) {
  // run(lambda ps: torch.optim.Adam(ps, lr=0.1), late_b=True)
  // b gets no gradient at step 1, so its bias correction starts one step
  // behind w's, as torch keeps a step count per parameter.
  using T = TestType;
  constexpr double tolerance = optim_test::golden_tolerance<T>();
  Problem<T> problem;
  Adam<T> optimizer(problem.parameters(), AdamOptions{.lr = 0.1});

  problem.train_step(optimizer, optim_test::LossTerms::w_only);
  CHECK(problem.b.value() == Array<T>{0.1, -0.2, 0.3});
  CHECK(optimizer.step_count(1) == 0);
  for (int step = 2; step <= 4; ++step) {
    problem.train_step(optimizer);
  }

  CHECK(optimizer.step_count(0) == 4);
  CHECK(optimizer.step_count(1) == 3);
  optim_test::check_close(problem.w.value(),
                          Array<double>{{0.11291539819002168, -0.6039390595195652, 2.400821833965656},
                                        {1.1021989378531514, 0.6482738137360139, -0.35623059798490764}},
                          tolerance);
  optim_test::check_close(
      problem.b.value(),
      Array<double>{-0.14043633122858387, -0.48849101474345064, 0.030747537230445224}, tolerance);
}

TEMPLATE_TEST_CASE("AdamW decoupled weight decay", "[optim][adamw]", float, double) {
  // run(lambda ps: torch.optim.AdamW(ps, lr=0.1, weight_decay=0.1))
  Problem<TestType> problem;
  AdamW<TestType> optimizer(problem.parameters(), AdamWOptions{.lr = 0.1, .weight_decay = 0.1});
  optim_test::check_golden(
      optimizer, problem,
      Golden{
          .w1 = {{0.395000001, -0.8900000002499999, 2.07999999975},
                 {1.3850000006666665, 0.3474999993333333, -0.6425000006666666}},
          .b1 = {-0.0009999666666777735, -0.29799999166666735, 0.19700000370370357},
          .w4 = {{0.10021053940637681, -0.5710475960740297, 2.3159266584857012},
                 {1.0494831679095966, 0.6326748165807194, -0.3333317734175354}},
          .b4 = {-0.21986669849986618, -0.5681979072323099, -0.03762971719897641},
      });
}

TEST_CASE("AdamW default weight decay", "[optim][adamw]") {
  // torch.optim.AdamW defaults to weight_decay=0.01, unlike Adam's 0.
  Problem<double> problem;
  AdamW<double> adamw(problem.parameters());
  Adam<double> adam(problem.parameters());
  const NamedArrays<double> adamw_state = adamw.state();
  const NamedArrays<double> adam_state = adam.state();
  REQUIRE(adamw_state[4].first == "weight_decay");
  CHECK(adamw_state[4].second() == 0.01);
  REQUIRE(adam_state[4].first == "weight_decay");
  CHECK(adam_state[4].second() == 0.0);
}
