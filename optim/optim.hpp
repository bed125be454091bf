// Everything in tapegrad's optim folder: the optimizers, learning-rate
// schedulers and gradient clipping.
#pragma once

#include <tapegrad/optim/adagrad.hpp>
#include <tapegrad/optim/adam.hpp>
#include <tapegrad/optim/clip_grad.hpp>
#include <tapegrad/optim/lr_scheduler.hpp>
#include <tapegrad/optim/optimizer.hpp>
#include <tapegrad/optim/reduce_lr_on_plateau.hpp>
#include <tapegrad/optim/rmsprop.hpp>
#include <tapegrad/optim/sgd.hpp>
