#include <tapegrad/optim/checkpoint.hpp>

#include <stdexcept>
#include <string>
#include <utility>

#include <tapegrad/core/npz.hpp>

namespace tapegrad {

template <class T>
void save_checkpoint(const std::filesystem::path& path, const Module<T>& module,
                     const Optimizer<T>* optimizer) {
  NamedArrays<T> entries;
  for (const auto& [name, parameter] : module.named_parameters()) {
    entries.emplace_back(std::string(checkpoint_model_prefix) + name, parameter.value());
  }
  if (optimizer != nullptr) {
    for (auto& [name, array] : optimizer->state()) {
      entries.emplace_back(std::string(checkpoint_optimizer_prefix) + name, std::move(array));
    }
  }
  save_npz(path, entries);
}

template <class T>
void load_checkpoint(const std::filesystem::path& path, Module<T>& module, Optimizer<T>* optimizer) {
  const std::string source = "checkpoint '" + path.string() + "'";
  NamedArrays<T> model_entries;
  NamedArrays<T> optimizer_state;
  for (auto& [name, array] : load_npz<T>(path)) {
    if (name.starts_with(checkpoint_model_prefix)) {
      model_entries.emplace_back(std::move(name), std::move(array));
    } else if (name.starts_with(checkpoint_optimizer_prefix)) {
      optimizer_state.emplace_back(name.substr(checkpoint_optimizer_prefix.size()),
                                   std::move(array));
    } else {
      throw std::invalid_argument("load_checkpoint: entry '" + name + "' of " + source +
                                  " starts with neither 'model.' nor 'optimizer.'; the file is "
                                  "an .npz archive but not a tapegrad checkpoint");
    }
  }

  auto parameters = module.named_parameters();
  NamedShapes expected;
  expected.reserve(parameters.size());
  for (const auto& [name, parameter] : parameters) {
    expected.emplace_back(std::string(checkpoint_model_prefix) + name, to_shape(parameter.shape()));
  }
  NamedArrays<T> values =
      match_entries<T>("load_checkpoint", source, std::move(model_entries), expected);

  if (optimizer != nullptr) {
    if (optimizer_state.empty()) {
      throw std::invalid_argument("load_checkpoint: " + source +
                                  " contains no optimizer state because it was saved without an "
                                  "optimizer; pass nullptr to load the parameters only");
    }
    // load_state checks everything before changing anything, so a rejected
    // state leaves both the optimizer and the parameters as they were.
    try {
      optimizer->load_state(optimizer_state);
    } catch (const std::invalid_argument& error) {
      throw std::invalid_argument("load_checkpoint: the optimizer state in " + source +
                                  " does not fit the optimizer (entry names are without the "
                                  "'optimizer.' prefix): " + error.what());
    }
  }

  // Nothing below raises: the values come in the order of `parameters` with
  // matching shapes, and moving an array only hands over its buffer.
  for (std::size_t i = 0; i < parameters.size(); ++i) {
    parameters[i].second.mutable_value() = std::move(values[i].second);
  }
}

template void save_checkpoint<float>(const std::filesystem::path&, const Module<float>&,
                                     const Optimizer<float>*);
template void save_checkpoint<double>(const std::filesystem::path&, const Module<double>&,
                                      const Optimizer<double>*);
template void load_checkpoint<float>(const std::filesystem::path&, Module<float>&,
                                     Optimizer<float>*);
template void load_checkpoint<double>(const std::filesystem::path&, Module<double>&,
                                      Optimizer<double>*);

}  // namespace tapegrad
