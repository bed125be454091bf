// Anomaly mode: the guard, the checks the tape calls, and the replay files.
#include <tapegrad/core/anomaly.hpp>

#include <cmath>
#include <fstream>
#include <optional>
#include <system_error>
#include <utility>
#include <vector>

#include <tapegrad/core/node.hpp>
#include <tapegrad/core/npy.hpp>

namespace tapegrad {
namespace {

// Only read when the flag is on, so its dynamic initialization costs nothing
// in the fast path.
thread_local AnomalyOptions current_options;

const char* pass_name(Pass pass) { return pass == Pass::forward ? "forward" : "backward"; }

// Returns the flat index of the first NaN or Inf in `array`, if any.
template <class T>
std::optional<std::size_t> first_non_finite(const Array<T>& array) {
  const T* data = array.data();
  for (std::size_t index = 0; index < array.size(); ++index) {
    if (!std::isfinite(data[index])) {
      return index;
    }
  }
  return std::nullopt;
}

// Returns the row-major multi-dimensional index of flat position `flat`.
template <class S>
Shape unravel_index(std::size_t flat, const S& shape) {
  Shape index(shape.size());
  for (std::size_t axis = shape.size(); axis-- > 0;) {
    index[axis] = flat % shape[axis];
    flat /= shape[axis];
  }
  return index;
}

template <class T>
std::string value_name(T value) {
  if (std::isnan(value)) {
    return "NaN";
  }
  return value > 0 ? "inf" : "-inf";
}

std::string location_text(const SourceLocation& where) {
  if (where.line() == 0) {
    return "an unknown location";
  }
  return std::string(where.file_name()) + ":" + std::to_string(where.line()) + " (in " +
         where.function_name() + ")";
}

// Returns `op` with every character other than a letter, digit, '-' or '_'
// replaced by '_', for use in a file name.
std::string file_stem(const std::string& op) {
  std::string stem = op.empty() ? "op" : op;
  for (char& c : stem) {
    const bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                       c == '-' || c == '_';
    if (!plain) {
      c = '_';
    }
  }
  return stem;
}

template <class T>
void write_npy(const std::filesystem::path& path, const Array<T>& array) {
  const std::string header = npy::encode_header(npy::descr_of<T>(), to_shape(array.shape()));
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(header.data(), static_cast<std::streamsize>(header.size()));
  out.write(reinterpret_cast<const char*>(array.data()),
            static_cast<std::streamsize>(array.size() * sizeof(T)));
  out.close();
  if (!out) {
    throw std::runtime_error("cannot write '" + path.string() + "'");
  }
}

// Writes the arrays as OP_PASS_NAME.npy into the replay folder and returns a
// sentence for the error message, which reports a failure to write instead of
// raising it: the anomaly is the error that matters.
template <class T>
std::string write_replay(const std::string& op, Pass pass,
                         const std::vector<std::pair<std::string, const Array<T>*>>& arrays) {
  const std::filesystem::path& folder = current_options.replay_folder;
  if (folder.empty()) {
    return "";
  }
  const std::string prefix = file_stem(op) + "_" + pass_name(pass) + "_";
  try {
    std::filesystem::create_directories(folder);
    for (const auto& [name, array] : arrays) {
      write_npy(folder / (prefix + name + ".npy"), *array);
    }
  } catch (const std::exception& error) {
    return " The replay files could not be written: " + std::string(error.what()) + ".";
  }
  return " The op's inputs were written to " + (folder / (prefix + "*.npy")).string() + ".";
}

}  // namespace

AnomalyError::AnomalyError(const std::string& message, std::string op, Pass pass, Shape index,
                           SourceLocation where)
    : std::runtime_error(message),
      op_(std::move(op)),
      pass_(pass),
      index_(std::move(index)),
      where_(where) {}

AnomalyMode::AnomalyMode(AnomalyOptions options)
    : previous_enabled_(detail::anomaly_flag), previous_options_(std::move(current_options)) {
  current_options = std::move(options);
  detail::anomaly_flag = true;
}

AnomalyMode::~AnomalyMode() {
  current_options = std::move(previous_options_);
  detail::anomaly_flag = previous_enabled_;
}

namespace detail {

bool anomaly_writes_replay() noexcept { return !current_options.replay_folder.empty(); }

template <class T>
void check_forward_value(const char* op, const Array<T>& value,
                         std::span<const Tensor<T>* const> inputs, SourceLocation where) {
  const std::optional<std::size_t> flat = first_non_finite(value);
  if (!flat) {
    return;
  }
  const Shape index = unravel_index(*flat, value.shape());
  const std::string bad = value_name(value.data()[*flat]);
  std::string message = "anomaly mode: " + bad + " in the forward pass: " + op + " returned " +
                        bad + " at index " + format_shape(index) + " of its value (shape " +
                        format_shape(value.shape()) + "); " + op + " was called at " +
                        location_text(where) + ".";

  // An input that already contains a NaN or Inf came from outside the checked
  // ops (a leaf, a constant, or an op run before anomaly mode was on).
  std::vector<std::pair<std::string, const Array<T>*>> replay;
  bool input_was_bad = false;
  for (std::size_t position = 0; position < inputs.size(); ++position) {
    const Array<T>& input = inputs[position]->value();
    replay.emplace_back("input" + std::to_string(position), &input);
    const std::optional<std::size_t> input_flat = first_non_finite(input);
    if (input_flat && !input_was_bad) {
      input_was_bad = true;
      message += " Its input " + std::to_string(position) + " (shape " +
                 format_shape(input.shape()) + ") already contains " +
                 value_name(input.data()[*input_flat]) + " at index " +
                 format_shape(unravel_index(*input_flat, input.shape())) +
                 ", so check where that input came from.";
    }
  }
  if (!input_was_bad) {
    message += " Check that the inputs of this call are in the op's domain.";
  }
  message += write_replay(op, Pass::forward, replay);
  throw AnomalyError(message, op, Pass::forward, index, where);
}

template <class T>
void check_backward_grads(const Node<T>& node, const Array<T>* grad_out) {
  for (std::size_t position = 0; position < node.input_count(); ++position) {
    const TensorImpl<T>* input = node.input(position);
    if (!input->requires_grad || !input->has_pending) {
      continue;
    }
    const Array<T>& grad = input->pending;
    const std::optional<std::size_t> flat = first_non_finite(grad);
    if (!flat) {
      continue;
    }
    // Every earlier gradient was checked when it was added, so this op's
    // backward produced the bad element.
    const Shape index = unravel_index(*flat, grad.shape());
    const std::string bad = value_name(grad.data()[*flat]);
    std::string message = "anomaly mode: " + bad + " in the backward pass: the gradient that " +
                          node.op + " computed for its input " + std::to_string(position) +
                          " (shape " + format_shape(grad.shape()) + ") has " + bad + " at index " +
                          format_shape(index) + "; " + node.op + " was called at " +
                          location_text(node.where) +
                          ". Check the input values of that call: the op's derivative is not "
                          "finite there, or its product with the upstream gradient overflowed.";

    std::vector<std::pair<std::string, const Array<T>*>> replay;
    for (std::size_t other = 0; other < node.input_count(); ++other) {
      replay.emplace_back("input" + std::to_string(other), &node.input(other)->value);
    }
    if (grad_out != nullptr) {
      replay.emplace_back("grad_out", grad_out);
    }
    message += write_replay(node.op, Pass::backward, replay);
    throw AnomalyError(message, node.op, Pass::backward, index, node.where);
  }
}

template <class T>
void check_backward_seed(const Array<T>& seed, const char* op, SourceLocation where) {
  const std::optional<std::size_t> flat = first_non_finite(seed);
  if (!flat) {
    return;
  }
  const Shape index = unravel_index(*flat, seed.shape());
  const std::string bad = value_name(seed.data()[*flat]);
  std::string message = "anomaly mode: " + bad +
                        " in the backward pass: the upstream gradient "
                        "passed to backward has " +
                        bad + " at index " + format_shape(index);
  if (op != nullptr) {
    message += "; the output comes from " + std::string(op) + ", called at " + location_text(where);
  }
  message += ". Pass a finite grad_out.";
  throw AnomalyError(message, op != nullptr ? op : "backward", Pass::backward, index, where);
}

template void check_forward_value(const char*, const Array<float>&,
                                  std::span<const Tensor<float>* const>, SourceLocation);
template void check_forward_value(const char*, const Array<double>&,
                                  std::span<const Tensor<double>* const>, SourceLocation);
template void check_backward_grads(const Node<float>&, const Array<float>*);
template void check_backward_grads(const Node<double>&, const Array<double>*);
template void check_backward_seed(const Array<float>&, const char*, SourceLocation);
template void check_backward_seed(const Array<double>&, const char*, SourceLocation);

}  // namespace detail
}  // namespace tapegrad
