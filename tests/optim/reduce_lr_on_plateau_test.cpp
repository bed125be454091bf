// ReduceLROnPlateau against torch.optim.lr_scheduler.ReduceLROnPlateau.
//
// Expected rates come from Debian's torch 1.13 with this snippet; each test
// gives the call:
//
//   import torch
//   from torch.optim import SGD, lr_scheduler as S
//   def plateau(metrics, **kw):
//       opt = SGD([torch.zeros(1, requires_grad=True)], lr=0.1)
//       sched = S.ReduceLROnPlateau(opt, **kw)
//       out = []
//       for m in metrics:
//           sched.step(m)
//           out.append(opt.param_groups[0]['lr'])
//       print(out)
#include <limits>
#include <vector>

#include <catch2/catch.hpp>

#include <tapegrad/optim/reduce_lr_on_plateau.hpp>
#include <tapegrad/optim/sgd.hpp>

using namespace tapegrad;

namespace {

constexpr double schedule_tolerance = 1e-14;

/// Steps `scheduler` with each metric and checks the rate after each step.
void check_plateau(SGD<double>& optimizer, ReduceLROnPlateau<double>& scheduler,
                   const std::vector<double>& metrics, const std::vector<double>& expected) {
  REQUIRE(metrics.size() == expected.size());
  for (std::size_t epoch = 0; epoch < metrics.size(); ++epoch) {
    scheduler.step(metrics[epoch]);
    INFO("epoch " << epoch + 1 << ", metric " << metrics[epoch]);
    CHECK(optimizer.learning_rate() == Approx(expected[epoch]).epsilon(schedule_tolerance));
  }
}

}  // namespace

TEST_CASE("plateau min with cooldown and min_lr", "[optim][scheduler][plateau]") {
  // plateau([1.0, 0.9, 0.95, 0.9, 0.91, 0.9, 0.8, 0.85, 0.85, 0.85, 0.85, 0.85, 0.85, 0.85,
  //          0.85, 0.85, 0.85, 0.85],
  //         mode='min', factor=0.5, patience=2, threshold=0.01, cooldown=1, min_lr=0.02)
  // 0.9 after 0.9 is no improvement: it must drop below 0.9 * (1 - 0.01).
  SGD<double> optimizer({parameter<double>({0.0})}, SGDOptions{.lr = 0.1});
  ReduceLROnPlateau<double> scheduler(optimizer, ReduceLROnPlateauOptions{.factor = 0.5,
                                                                          .patience = 2,
                                                                          .threshold = 0.01,
                                                                          .cooldown = 1,
                                                                          .min_lr = 0.02});
  check_plateau(optimizer, scheduler,
                {1.0, 0.9, 0.95, 0.9, 0.91, 0.9, 0.8, 0.85, 0.85, 0.85, 0.85, 0.85, 0.85, 0.85,
                 0.85, 0.85, 0.85, 0.85},
                {0.1, 0.1, 0.1, 0.1, 0.05, 0.05, 0.05, 0.05, 0.05, 0.025, 0.025, 0.025, 0.025,
                 0.02, 0.02, 0.02, 0.02, 0.02});
  CHECK(scheduler.best() == 0.8);
  CHECK(scheduler.last_epoch() == 18);
}

TEST_CASE("plateau max with absolute threshold", "[optim][scheduler][plateau]") {
  // plateau([0.5, 0.6, 0.65, 0.7, 0.69, 0.7, 0.75, 0.7, 0.7],
  //         mode='max', factor=0.1, patience=1, threshold=0.05, threshold_mode='abs')
  SGD<double> optimizer({parameter<double>({0.0})}, SGDOptions{.lr = 0.1});
  ReduceLROnPlateau<double> scheduler(
      optimizer, ReduceLROnPlateauOptions{.mode = PlateauMode::max,
                                          .factor = 0.1,
                                          .patience = 1,
                                          .threshold = 0.05,
                                          .threshold_mode = ThresholdMode::abs});
  check_plateau(optimizer, scheduler, {0.5, 0.6, 0.65, 0.7, 0.69, 0.7, 0.75, 0.7, 0.7},
                {0.1, 0.1, 0.1, 0.1, 0.1, 0.010000000000000002, 0.010000000000000002,
                 0.0010000000000000002, 0.0010000000000000002});
}

TEST_CASE("plateau NaN metric is no improvement", "[optim][scheduler][plateau]") {
  // By hand: with patience 0, every epoch without improvement reduces at once.
  SGD<double> optimizer({parameter<double>({0.0})}, SGDOptions{.lr = 0.1});
  ReduceLROnPlateau<double> scheduler(optimizer,
                                      ReduceLROnPlateauOptions{.factor = 0.5, .patience = 0});
  scheduler.step(1.0);
  CHECK(optimizer.learning_rate() == 0.1);
  scheduler.step(std::numeric_limits<double>::quiet_NaN());
  CHECK(optimizer.learning_rate() == 0.05);
  CHECK(scheduler.best() == 1.0);
}

TEST_CASE("plateau state resumes", "[optim][scheduler][plateau]") {
  const ReduceLROnPlateauOptions options{.factor = 0.5, .patience = 2};
  SGD<double> optimizer({parameter<double>({0.0})}, SGDOptions{.lr = 0.1});
  ReduceLROnPlateau<double> scheduler(optimizer, options);
  for (double metric : {1.0, 0.5, 0.6, 0.7}) {
    scheduler.step(metric);
  }
  REQUIRE(scheduler.num_bad_epochs() == 2);

  SGD<double> resumed_optimizer({parameter<double>({0.0})}, SGDOptions{.lr = 0.1});
  ReduceLROnPlateau<double> resumed(resumed_optimizer, options);
  resumed.load_state(scheduler.state());
  CHECK(resumed.best() == 0.5);
  CHECK(resumed.num_bad_epochs() == 2);
  // A third bad epoch exceeds patience 2.
  resumed.step(0.8);
  CHECK(resumed_optimizer.learning_rate() == 0.05);
}

TEST_CASE("plateau rejects invalid options", "[optim][scheduler][plateau]") {
  SGD<double> optimizer({parameter<double>({0.0})}, SGDOptions{.lr = 0.1});
  CHECK_THROWS_WITH(ReduceLROnPlateau<double>(optimizer, {.factor = 1.0}),
                    "ReduceLROnPlateau: factor must be in [0, 1), got 1");
  CHECK_THROWS_WITH(ReduceLROnPlateau<double>(optimizer, {.patience = -1}),
                    "ReduceLROnPlateau: patience must be >= 0, got -1");
  CHECK_THROWS_WITH(ReduceLROnPlateau<double>(optimizer, {.threshold = -0.1}),
                    "ReduceLROnPlateau: threshold must be >= 0, got -0.1");
  CHECK_THROWS_WITH(ReduceLROnPlateau<double>(optimizer, {.min_lr = -1}),
                    "ReduceLROnPlateau: min_lr must be >= 0, got -1");
}
