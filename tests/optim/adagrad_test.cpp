// Adagrad against torch.optim.Adagrad on the problem of
// optim_test_support.hpp.
#include <catch2/catch.hpp>

#include <tapegrad/optim/adagrad.hpp>

#include "optim_test_support.hpp"

using namespace tapegrad;
using optim_test::Golden;
using optim_test::Problem;

TEMPLATE_TEST_CASE("Adagrad plain matches torch", "[optim][adagrad]", float, double) {
  // run(lambda ps: torch.optim.Adagrad(ps, lr=0.1))
  Problem<TestType> problem;
  Adagrad<TestType> optimizer(problem.parameters(), AdagradOptions{.lr = 0.1});
  optim_test::check_golden(
      optimizer, problem,
      Golden{
          .w1 = {{0.40000000001, -0.9000000000025, 2.0999999999975},
                 {1.4000000000066666, 0.34999999999333337, -0.6500000000066667}},
          .b1 = {3.333333331578814e-10, -0.2999999999166667, 0.20000000003703702},
          .w4 = {{0.2536089816303718, -0.7362231326561539, 2.284821356582302},
                 {1.231037264257094, 0.5657971851915302, -0.491713826744711}},
          .b4 = {3.3333332982454814e-10, -0.5533741996491602, 0.11692166376336884},
      });
}

TEMPLATE_TEST_CASE("Adagrad lr decay and accumulator", "[optim][adagrad]", float, double) {
  // run(lambda ps: torch.optim.Adagrad(ps, lr=0.1, lr_decay=0.1, weight_decay=0.1,
  //                                    initial_accumulator_value=0.5, eps=1e-6))
  Problem<TestType> problem;
  Adagrad<TestType> optimizer(problem.parameters(),
                              AdagradOptions{.lr = 0.1,
                                             .lr_decay = 0.1,
                                             .weight_decay = 0.1,
                                             .initial_accumulator_value = 0.5,
                                             .eps = 1e-6});
  optim_test::check_golden(
      optimizer, problem,
      Golden{
          .w1 = {{0.4170550524415659, -0.9014548582817616, 2.098312374487735},
                 {1.408084820582821, 0.3401735426652409, -0.6587723187041814}},
          .b1 = {0.09435218302722136, -0.21400278123246444, 0.26094337755314423},
          .w4 = {{0.2995495532265108, -0.7628259908317007, 2.2531584697574787},
                 {1.2693799013020324, 0.5148154863026726, -0.5283211614266601}},
          .b4 = {0.0825096690140563, -0.2594850278117607, 0.20095044506923815},
      });
}
