// Everything in tapegrad's layers: the Module base, Dense, activation layers,
// Dropout, Flatten, Sequential, MLP, the weight initializers and
// check_layer_gradients.
#pragma once

#include <tapegrad/layers/activation.hpp>
#include <tapegrad/layers/dense.hpp>
#include <tapegrad/layers/dropout.hpp>
#include <tapegrad/layers/flatten.hpp>
#include <tapegrad/layers/gradcheck.hpp>
#include <tapegrad/layers/init.hpp>
#include <tapegrad/layers/mlp.hpp>
#include <tapegrad/layers/module.hpp>
#include <tapegrad/layers/sequential.hpp>
