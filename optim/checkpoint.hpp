// Checkpoints: a module's parameters and an optimizer's state in one .npz file.
//
// Entries are `model.NAME` for each of `module.named_parameters()` and
// `optimizer.NAME` for each entry of `optimizer.state()`, so
// `numpy.load(path)["model.0.weight"]` reads a weight directly. Files are
// written atomically by save_npz: a crash during a save leaves the previous
// checkpoint intact.
#pragma once

#include <filesystem>
#include <string_view>

#include <tapegrad/layers/module.hpp>
#include <tapegrad/optim/optimizer.hpp>

namespace tapegrad {

/// Prefix of the parameter entries in a checkpoint.
inline constexpr std::string_view checkpoint_model_prefix = "model.";

/// Prefix of the optimizer state entries in a checkpoint.
inline constexpr std::string_view checkpoint_optimizer_prefix = "optimizer.";

/// Writes the parameters of `module`, and the state of `optimizer` when it is
/// given, to `path`, replacing any file there. Raises std::runtime_error when
/// the file cannot be written; the previous file is then left as it was.
///
/// Example: `save_checkpoint("run/epoch-3.npz", model, &optimizer);`
template <class T>
void save_checkpoint(const std::filesystem::path& path, const Module<T>& module,
                     const Optimizer<T>* optimizer = nullptr);

/// Restores the parameters of `module` from `path`, and the state of
/// `optimizer` when it is given. The file must contain exactly one
/// `model.NAME` entry per parameter, with the parameter's shape and the dtype
/// of T. Optimizer entries in the file are ignored when `optimizer` is null.
///
/// Everything is read and checked before anything changes: on any error the
/// module and the optimizer keep their values. A missing, truncated or
/// corrupt file raises std::runtime_error. Missing or unexpected entries, a
/// shape or dtype mismatch, or optimizer state that `load_state` rejects raise
/// std::invalid_argument naming the entry.
template <class T>
void load_checkpoint(const std::filesystem::path& path, Module<T>& module,
                     Optimizer<T>* optimizer = nullptr);

extern template void save_checkpoint<float>(const std::filesystem::path&, const Module<float>&,
                                            const Optimizer<float>*);
extern template void save_checkpoint<double>(const std::filesystem::path&, const Module<double>&,
                                             const Optimizer<double>*);
extern template void load_checkpoint<float>(const std::filesystem::path&, Module<float>&,
                                            Optimizer<float>*);
extern template void load_checkpoint<double>(const std::filesystem::path&, Module<double>&,
                                             Optimizer<double>*);

}  // namespace tapegrad
