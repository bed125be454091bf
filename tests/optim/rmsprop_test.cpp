// RMSprop against torch.optim.RMSprop on the problem of
// optim_test_support.hpp.
#include <catch2/catch.hpp>

#include <tapegrad/optim/rmsprop.hpp>

#include "optim_test_support.hpp"

using namespace tapegrad;
using optim_test::Golden;
using optim_test::Problem;

TEMPLATE_TEST_CASE("RMSprop plain matches torch", "[optim][rmsprop]", float, double) {
  // run(lambda ps: torch.optim.RMSprop(ps, lr=0.01))
  Problem<TestType> problem;
  RMSprop<TestType> optimizer(problem.parameters(), RMSpropOptions{.lr = 0.01});
  optim_test::check_golden(
      optimizer, problem,
      Golden{
          .w1 = {{0.4000000099999991, -0.9000000025, 2.0999999975},
                 {1.4000000066666662, 0.34999999333333376, -0.6500000066666662}},
          .b1 = {3.3333222226872294e-07, -0.2999999166667361, 0.20000003703702335},
          .w4 = {{0.25282552925105384, -0.7353890395556385, 2.2856597630031734},
                 {1.2301960763815734, 0.5665223029860258, -0.4908913899572678}},
          .b4 = {3.3332885529347035e-07, -0.5538289516170284, 0.11643542427156253},
      });
}

TEMPLATE_TEST_CASE("RMSprop momentum centered weight decay", "[optim][rmsprop]", float,
                   double) {
  // run(lambda ps: torch.optim.RMSprop(ps, lr=0.01, alpha=0.9, momentum=0.9, centered=True,
  //                                    weight_decay=0.1))
  Problem<TestType> problem;
  RMSprop<TestType> optimizer(problem.parameters(),
                              RMSpropOptions{.lr = 0.01,
                                             .alpha = 0.9,
                                             .weight_decay = 0.1,
                                             .momentum = 0.9,
                                             .centered = true});
  optim_test::check_golden(
      optimizer, problem,
      Golden{
          .w1 = {{0.4666666677248677, -0.9666666669376693, 2.0333333330409356},
                 {1.4666666673400672, 0.2833333325800377, -0.716666667372134}},
          .b1 = {0.0666666944444213, -0.23333332222222594, 0.26666667037036995},
          .w4 = {{0.2633976024111285, -0.7575857903573014, 2.2498177727415998},
                 {1.2558107988652287, 0.5123602861899756, -0.5094402685598607}},
          .b4 = {-0.06325384416941823, -0.4803038891991352, 0.08715285137115382},
      });
}

TEMPLATE_TEST_CASE("RMSprop centered without momentum", "[optim][rmsprop]", float, double) {
  // run(lambda ps: torch.optim.RMSprop(ps, lr=0.01, centered=True))
  Problem<TestType> problem;
  RMSprop<TestType> optimizer(problem.parameters(),
                              RMSpropOptions{.lr = 0.01, .centered = true});
  optim_test::check_golden(
      optimizer, problem,
      Golden{
          .w1 = {{0.39949622857508793, -0.8994962209993314, 2.1005037790006686},
                 {1.3994962252080851, 0.35050377479191486, -0.6494962252080851}},
          .b1 = {-0.0005034448267124542, -0.30050369735090754, 0.1994962558852134},
          .w4 = {{0.25057538790886125, -0.7326466942494919, 2.2889334529192316},
                 {1.2273138417907046, 0.5703038789079862, -0.4883015129731826}},
          .b4 = {-0.000511242788952021, -0.557669897630954, 0.11557296295680432},
      });
}
