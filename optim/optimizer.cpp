#include <tapegrad/optim/optimizer.hpp>

#include <algorithm>
#include <stdexcept>
#include <unordered_map>
#include <unordered_set>

#include <xtensor/xbuilder.hpp>

#include <tapegrad/optim/hyperparameter_check.hpp>

namespace tapegrad {
namespace {

/// One entry `load_state` expects: its name and the shape it must have.
struct ExpectedEntry {
  std::string name;
  Shape shape;
};

template <class T>
NamedArrays<T> with_scalar(NamedArrays<T> state, std::string name, double value) {
  state.emplace_back(std::move(name), Array<T>(static_cast<T>(value)));
  return state;
}

template <class T>
T scalar_value(const Array<T>& array) {
  return *array.begin();
}

}  // namespace

template <class T>
Optimizer<T>::Optimizer(const char* name, std::vector<Tensor<T>> parameters, double lr)
    : name_(name), parameters_(std::move(parameters)), lr_(lr) {
  if (parameters_.empty()) {
    throw std::invalid_argument(std::string(name_) +
                                ": the parameter list is empty; pass a module's parameters()");
  }
  std::unordered_set<const TensorImpl<T>*> seen;
  for (std::size_t index = 0; index < parameters_.size(); ++index) {
    const Tensor<T>& parameter = parameters_[index];
    const std::string position = "parameter " + std::to_string(index);
    if (!parameter.defined()) {
      throw std::invalid_argument(std::string(name_) + ": " + position +
                                  " is an empty Tensor handle; pass tensors made by parameter()");
    }
    if (!parameter.is_leaf()) {
      throw std::invalid_argument(std::string(name_) + ": " + position +
                                  " is the result of an op, not a leaf; an optimizer can only "
                                  "update leaves such as those made by parameter()");
    }
    if (!seen.insert(&parameter.impl()).second) {
      throw std::invalid_argument(std::string(name_) + ": " + position +
                                  " appears earlier in the list too; pass each tensor once");
    }
  }
  detail::check_non_negative(name_, "lr", lr);
  steps_.assign(parameters_.size(), 0);
}

template <class T>
std::size_t Optimizer<T>::add_buffer(const char* name, T initial_value) {
  BufferSet buffers{name, {}};
  buffers.arrays.reserve(parameters_.size());
  for (const Tensor<T>& parameter : parameters_) {
    Array<T> array = xt::empty<T>(parameter.shape());
    array.fill(initial_value);
    buffers.arrays.push_back(std::move(array));
  }
  buffers_.push_back(std::move(buffers));
  return buffers_.size() - 1;
}

template <class T>
void Optimizer<T>::step() {
  for (std::size_t index = 0; index < parameters_.size(); ++index) {
    Tensor<T>& parameter = parameters_[index];
    const TensorImpl<T>& impl = parameter.impl();
    if (!impl.has_grad) {
      continue;
    }
    ++steps_[index];
    update(index, parameter.mutable_value(), impl.grad, steps_[index]);
  }
}

template <class T>
void Optimizer<T>::zero_grad() {
  for (Tensor<T>& parameter : parameters_) {
    parameter.zero_grad();
  }
}

template <class T>
void Optimizer<T>::set_learning_rate(double lr) {
  detail::check_non_negative(name_, "lr", lr);
  lr_ = lr;
}

template <class T>
NamedArrays<T> Optimizer<T>::state() const {
  NamedArrays<T> state = with_scalar<T>({}, "lr", lr_);
  for (const Hyperparameter& hyperparameter : hyperparameters()) {
    state = with_scalar<T>(std::move(state), hyperparameter.name, hyperparameter.value);
  }
  // NOTE: float represents every whole number exactly only up to 2^24, so with
  // T = float a step count above 16777216 is saved rounded.
  for (std::size_t index = 0; index < parameters_.size(); ++index) {
    state = with_scalar<T>(std::move(state), "step." + std::to_string(index),
                           static_cast<double>(steps_[index]));
  }
  for (const BufferSet& buffers : buffers_) {
    for (std::size_t index = 0; index < buffers.arrays.size(); ++index) {
      state.emplace_back(std::string(buffers.name) + "." + std::to_string(index),
                         buffers.arrays[index]);
    }
  }
  return state;
}

template <class T>
void Optimizer<T>::load_state(const NamedArrays<T>& state) {
  const std::string caller = std::string(name_) + "::load_state";

  std::unordered_map<std::string, const Array<T>*> entries;
  for (const auto& [entry_name, array] : state) {
    if (!entries.emplace(entry_name, &array).second) {
      throw std::invalid_argument(caller + ": entry '" + entry_name +
                                  "' appears twice in the state");
    }
  }

  const std::vector<Hyperparameter> current = hyperparameters();
  std::vector<ExpectedEntry> expected;
  expected.push_back({"lr", {}});
  for (const Hyperparameter& hyperparameter : current) {
    expected.push_back({hyperparameter.name, {}});
  }
  for (std::size_t index = 0; index < parameters_.size(); ++index) {
    expected.push_back({"step." + std::to_string(index), {}});
  }
  for (const BufferSet& buffers : buffers_) {
    for (std::size_t index = 0; index < parameters_.size(); ++index) {
      expected.push_back({std::string(buffers.name) + "." + std::to_string(index),
                          to_shape(parameters_[index].shape())});
    }
  }

  std::unordered_set<std::string> expected_names;
  for (const ExpectedEntry& entry : expected) {
    expected_names.insert(entry.name);
    const auto found = entries.find(entry.name);
    if (found == entries.end()) {
      throw std::invalid_argument(caller + ": entry '" + entry.name +
                                  "' is missing; pass a state() from a " + name_ +
                                  " built with the same options over the same parameters");
    }
    const auto& shape = found->second->shape();
    if (!std::equal(shape.begin(), shape.end(), entry.shape.begin(), entry.shape.end())) {
      throw std::invalid_argument(caller + ": entry '" + entry.name + "' has shape " +
                                  format_shape(shape) + ", expected " +
                                  format_shape(entry.shape));
    }
  }
  for (const auto& [entry_name, array] : state) {
    if (expected_names.count(entry_name) == 0) {
      throw std::invalid_argument(caller + ": unexpected entry '" + entry_name + "'; a " +
                                  name_ + " with these options and " +
                                  std::to_string(parameters_.size()) +
                                  " parameters does not store it");
    }
  }

  // Values rounded to T by state() keep the current double when they match it.
  const auto loaded_value = [&](const char* entry_name, double current_value) {
    const T stored = scalar_value(*entries.at(entry_name));
    return stored == static_cast<T>(current_value) ? current_value : static_cast<double>(stored);
  };
  const double lr = loaded_value("lr", lr_);
  detail::check_non_negative(caller.c_str(), "lr", lr);
  std::vector<double> values;
  for (const Hyperparameter& hyperparameter : current) {
    values.push_back(loaded_value(hyperparameter.name, hyperparameter.value));
  }
  std::vector<std::int64_t> steps(parameters_.size());
  for (std::size_t index = 0; index < parameters_.size(); ++index) {
    const std::string entry_name = "step." + std::to_string(index);
    steps[index] = detail::to_count(caller.c_str(), entry_name.c_str(),
                                    scalar_value(*entries.at(entry_name)));
  }

  set_hyperparameters(values);
  lr_ = lr;
  steps_ = std::move(steps);
  for (BufferSet& buffers : buffers_) {
    for (std::size_t index = 0; index < parameters_.size(); ++index) {
      const Array<T>& loaded =
          *entries.at(std::string(buffers.name) + "." + std::to_string(index));
      std::copy(loaded.begin(), loaded.end(), buffers.arrays[index].begin());
    }
  }
}

template class Optimizer<float>;
template class Optimizer<double>;

}  // namespace tapegrad
