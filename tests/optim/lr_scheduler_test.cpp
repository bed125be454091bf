// Learning-rate schedulers against torch.optim.lr_scheduler.
//
// Expected rates come from Debian's torch 1.13 with this snippet; each test
// gives the line that builds its scheduler:
//
//   import torch
//   from torch.optim import SGD, lr_scheduler as S
//   def lrs(make, epochs=12):
//       opt = SGD([torch.zeros(1, requires_grad=True)], lr=0.1)
//       sched = make(opt)
//       out = [opt.param_groups[0]['lr']]
//       for _ in range(epochs):
//           opt.step()
//           sched.step()
//           out.append(opt.param_groups[0]['lr'])
//       print(out)
#include <vector>

#include <catch2/catch.hpp>

#include <tapegrad/optim/lr_scheduler.hpp>
#include <tapegrad/optim/sgd.hpp>

using namespace tapegrad;

namespace {

/// The schedules are computed in double from double inputs, as torch's are,
/// so only the order of operations can differ.
constexpr double schedule_tolerance = 1e-14;

/// Checks the optimizer's rate after construction (epoch 0) and after each of
/// `expected.size() - 1` scheduler steps.
template <class T>
void check_schedule(SGD<T>& optimizer, LRScheduler<T>& scheduler,
                    const std::vector<double>& expected) {
  for (std::size_t epoch = 0; epoch < expected.size(); ++epoch) {
    if (epoch > 0) {
      scheduler.step();
    }
    INFO("epoch " << epoch);
    CHECK(scheduler.last_epoch() == static_cast<std::int64_t>(epoch));
    CHECK(optimizer.learning_rate() ==
          Approx(expected[epoch]).epsilon(schedule_tolerance).margin(schedule_tolerance));
  }
}

SGD<double> make_optimizer() {
  return SGD<double>({parameter<double>({0.0})}, SGDOptions{.lr = 0.1});
}

}  // namespace

TEST_CASE("StepLR matches torch", "[optim][scheduler]") {
  // lrs(lambda o: S.StepLR(o, step_size=3, gamma=0.5))
  SGD<double> optimizer = make_optimizer();
  StepLR<double> scheduler(optimizer, StepLROptions{.step_size = 3, .gamma = 0.5});
  check_schedule(optimizer, scheduler,
                 {0.1, 0.1, 0.1, 0.05, 0.05, 0.05, 0.025, 0.025, 0.025, 0.0125, 0.0125, 0.0125,
                  0.00625});
}

TEST_CASE("ExponentialLR matches torch", "[optim][scheduler]") {
  // lrs(lambda o: S.ExponentialLR(o, gamma=0.9))
  SGD<double> optimizer = make_optimizer();
  ExponentialLR<double> scheduler(optimizer, ExponentialLROptions{.gamma = 0.9});
  check_schedule(optimizer, scheduler,
                 {0.1, 0.09000000000000001, 0.08100000000000002, 0.07290000000000002,
                  0.06561000000000002, 0.05904900000000002, 0.05314410000000002,
                  0.04782969000000002, 0.043046721000000024, 0.03874204890000002,
                  0.03486784401000002, 0.03138105960900001, 0.028242953648100012});
}

TEST_CASE("CosineAnnealingLR matches torch", "[optim][scheduler]") {
  // lrs(lambda o: S.CosineAnnealingLR(o, T_max=4, eta_min=0.01))
  // Three half periods: down to eta_min at epoch 4, up again at 8, down at 12.
  SGD<double> optimizer = make_optimizer();
  CosineAnnealingLR<double> scheduler(optimizer,
                                      CosineAnnealingLROptions{.t_max = 4, .eta_min = 0.01});
  check_schedule(optimizer, scheduler,
                 {0.1, 0.08681980515339464, 0.05500000000000001, 0.023180194846605363, 0.01,
                  0.023180194846605363, 0.05500000000000002, 0.08681980515339469,
                  0.10000000000000006, 0.0868198051533947, 0.05500000000000005,
                  0.023180194846605412, 0.01});
}

TEST_CASE("LinearLR warm-up matches torch", "[optim][scheduler]") {
  // lrs(lambda o: S.LinearLR(o, start_factor=0.25, end_factor=1.0, total_iters=4), 6)
  SGD<double> optimizer = make_optimizer();
  LinearLR<double> scheduler(
      optimizer, LinearLROptions{.start_factor = 0.25, .end_factor = 1.0, .total_iters = 4});
  CHECK(scheduler.base_learning_rate() == 0.1);
  check_schedule(optimizer, scheduler,
                 {0.025, 0.043750000000000004, 0.06250000000000001, 0.08125000000000002,
                  0.10000000000000002, 0.10000000000000002, 0.10000000000000002});
}

TEST_CASE("LinearLR decay matches torch", "[optim][scheduler]") {
  // lrs(lambda o: S.LinearLR(o, start_factor=1.0, end_factor=0.5, total_iters=3), 5)
  SGD<double> optimizer = make_optimizer();
  LinearLR<double> scheduler(
      optimizer, LinearLROptions{.start_factor = 1.0, .end_factor = 0.5, .total_iters = 3});
  check_schedule(optimizer, scheduler,
                 {0.1, 0.08333333333333334, 0.06666666666666668, 0.05000000000000001,
                  0.05000000000000001, 0.05000000000000001});
}

TEST_CASE("warm-up then cosine compose", "[optim][scheduler]") {
  // Chainable schedulers multiply their effects, as torch's do when both step
  // each epoch. By hand, with base 0.1, warm-up factors 0.5, 0.75, 1 and
  // cosine factors (1 + cos(pi * epoch / 4)) / 2 = 1, 0.85355..., 0.5:
  //   epoch 0: 0.1 * 0.5 * 1       = 0.05
  //   epoch 1: 0.1 * 0.75 * 0.8535533905932737 = 0.06401650429449554
  //   epoch 2: 0.1 * 1 * 0.5       = 0.05
  SGD<double> optimizer = make_optimizer();
  LinearLR<double> warmup(optimizer, LinearLROptions{.start_factor = 0.5, .total_iters = 2});
  CosineAnnealingLR<double> cosine(optimizer, CosineAnnealingLROptions{.t_max = 4});
  CHECK(optimizer.learning_rate() == Approx(0.05).epsilon(schedule_tolerance));
  warmup.step();
  cosine.step();
  CHECK(optimizer.learning_rate() == Approx(0.06401650429449554).epsilon(schedule_tolerance));
  warmup.step();
  cosine.step();
  CHECK(optimizer.learning_rate() == Approx(0.05).epsilon(schedule_tolerance));
}

TEMPLATE_TEST_CASE("scheduler state resumes schedule", "[optim][scheduler]", float, double) {
  using T = TestType;
  SGD<T> optimizer({parameter<T>({0.0})}, SGDOptions{.lr = 0.1});
  CosineAnnealingLR<T> scheduler(optimizer, CosineAnnealingLROptions{.t_max = 5});
  for (int epoch = 0; epoch < 3; ++epoch) {
    scheduler.step();
  }
  const NamedArrays<T> optimizer_state = optimizer.state();
  const NamedArrays<T> scheduler_state = scheduler.state();
  scheduler.step();
  const double expected_lr = optimizer.learning_rate();

  SGD<T> resumed_optimizer({parameter<T>({0.0})}, SGDOptions{.lr = 0.1});
  CosineAnnealingLR<T> resumed(resumed_optimizer, CosineAnnealingLROptions{.t_max = 5});
  resumed_optimizer.load_state(optimizer_state);
  resumed.load_state(scheduler_state);
  CHECK(resumed.last_epoch() == 3);
  CHECK(resumed.base_learning_rate() == 0.1);
  resumed.step();
  if constexpr (std::is_same_v<T, double>) {
    CHECK(resumed_optimizer.learning_rate() == expected_lr);
  } else {
    // The scheduled rate was saved rounded to float, about 6e-8 relative.
    constexpr double float_rounding = 1e-7;
    CHECK(resumed_optimizer.learning_rate() == Approx(expected_lr).epsilon(float_rounding));
  }
}

TEST_CASE("scheduler load_state checks entries", "[optim][scheduler]") {
  SGD<double> optimizer = make_optimizer();
  StepLR<double> scheduler(optimizer, StepLROptions{.step_size = 2});
  NamedArrays<double> missing = scheduler.state();
  missing.pop_back();
  CHECK_THROWS_WITH(scheduler.load_state(missing),
                    "StepLR::load_state: entry 'base_lr' is missing; pass a state() from the "
                    "same kind of scheduler");
  NamedArrays<double> negative = scheduler.state();
  negative[0].second = Array<double>(-1.0);
  CHECK_THROWS_WITH(scheduler.load_state(negative),
                    "StepLR::load_state: last_epoch must be a whole number >= 0, got -1");
  NamedArrays<double> extra = scheduler.state();
  extra.emplace_back("gamma", Array<double>(0.1));
  CHECK_THROWS_WITH(scheduler.load_state(extra), Catch::Contains("unexpected entry 'gamma'"));
  CHECK(scheduler.last_epoch() == 0);
}

TEST_CASE("schedulers reject invalid options", "[optim][scheduler]") {
  SGD<double> optimizer = make_optimizer();
  CHECK_THROWS_WITH(StepLR<double>(optimizer, StepLROptions{.step_size = 0}),
                    "StepLR: step_size must be >= 1, got 0");
  CHECK_THROWS_WITH(ExponentialLR<double>(optimizer, ExponentialLROptions{.gamma = -0.5}),
                    "ExponentialLR: gamma must be >= 0, got -0.5");
  CHECK_THROWS_WITH(CosineAnnealingLR<double>(optimizer, CosineAnnealingLROptions{.t_max = 0}),
                    "CosineAnnealingLR: t_max must be >= 1, got 0");
  CHECK_THROWS_WITH(LinearLR<double>(optimizer, LinearLROptions{.start_factor = 0}),
                    "LinearLR: start_factor must be in (0, 1], got 0");
  CHECK_THROWS_WITH(LinearLR<double>(optimizer, LinearLROptions{.end_factor = 1.5}),
                    "LinearLR: end_factor must be in [0, 1], got 1.5");
  CHECK(optimizer.learning_rate() == 0.1);
}
