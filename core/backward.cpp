// The backward pass: one reverse loop over the tape.
#include <tapegrad/core/tape.hpp>

#include <algorithm>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>

#include <xtensor/xbuilder.hpp>
#include <xtensor/xnoalias.hpp>

namespace tapegrad {
namespace {

template <class T>
void check_version(const char* op, const char* role, const TensorImpl<T>* impl,
                   std::uint32_t recorded) {
  if (impl != nullptr && impl->version != recorded) {
    throw std::logic_error(std::string("backward: the ") + role + " of " + op +
                           " was modified in place after the op was recorded (version " +
                           std::to_string(recorded) + ", now " + std::to_string(impl->version) +
                           "); modify values only after backward, or use a copy");
  }
}

template <class T>
void check_versions(const Node<T>& node) {
  check_version(node.op, "output", node.out.get(), node.out_version);
  check_version(node.op, "first input", node.in[0], node.in_version[0]);
  check_version(node.op, "second input", node.in[1], node.in_version[1]);
  if (node.extra) {
    for (std::size_t index = 0; index < node.extra->more_inputs.size(); ++index) {
      check_version(node.op, "input", node.extra->more_inputs[index],
                    node.extra->more_versions[index]);
    }
  }
}

template <class T>
void seed(TensorImpl<T>& impl, const Array<T>& grad_out) {
  if (!impl.has_pending) {
    xt::noalias(impl.pending) = grad_out;
    impl.has_pending = true;
  } else {
    xt::noalias(impl.pending) += grad_out;
  }
}

// Adds a leaf's pending gradient into its stored grad. When there is no grad
// yet, the two buffers trade places instead, so the leaf keeps both for the
// next step.
template <class T>
void store_pending(TensorImpl<T>& impl) {
  if (impl.has_grad) {
    xt::noalias(impl.grad) += impl.pending;
  } else {
    const auto& grad_shape = impl.grad.shape();
    const auto& pending_shape = impl.pending.shape();
    if (std::equal(grad_shape.begin(), grad_shape.end(), pending_shape.begin(),
                   pending_shape.end())) {
      // Swapping only the buffers skips xtensor's shape and stride copies.
      impl.grad.storage().swap(impl.pending.storage());
    } else {
      using std::swap;
      swap(impl.grad, impl.pending);
    }
    impl.has_grad = true;
  }
  impl.has_pending = false;
}

// Runs one node's backward; in anomaly mode, checks the gradients it added.
template <class T>
void run_node_backward(Node<T>& node, Array<T>& grad_out, bool anomaly) {
  if (!anomaly) {
    node.backward(node, grad_out);
    return;
  }
  // Backward may overwrite grad_out, so the replay files need a copy.
  std::optional<Array<T>> upstream;
  if (detail::anomaly_writes_replay()) {
    upstream = grad_out;
  }
  node.backward(node, grad_out);
  detail::check_backward_grads(node, upstream ? &*upstream : nullptr);
}

}  // namespace

template <class T>
std::vector<Array<T>> Tape<T>::run_backward(std::span<const Tensor<T>> outputs,
                                            std::span<const Array<T>> seeds, RetainGraph retain,
                                            std::span<const Tensor<T>> captures) {
  constexpr const char* caller = "backward";
  const bool capturing = !captures.empty();
  const bool anomaly = anomaly_enabled();

  // Validate every output before any state changes.
  bool any_node = false;
  std::size_t top = 0;
  for (std::size_t index = 0; index < outputs.size(); ++index) {
    const TensorImpl<T>& impl = outputs[index].impl();
    if (!impl.requires_grad) {
      throw std::logic_error(
          "backward: the output does not require grad, because no input of the ops that "
          "computed it was a parameter (or grad mode was off); create inputs with parameter()");
    }
    const auto& shape = impl.value.shape();
    const auto& seed_shape = seeds[index].shape();
    if (!std::equal(shape.begin(), shape.end(), seed_shape.begin(), seed_shape.end())) {
      throw std::invalid_argument("backward: grad_out has shape " + format_shape(seed_shape) +
                                  " but the output has shape " + format_shape(shape) +
                                  "; pass an upstream gradient of the output's shape");
    }
    if (!impl.is_leaf()) {
      const std::size_t position = node_index(impl, caller);
      top = std::max(top, position);
      any_node = true;
      if (anomaly) {
        detail::check_backward_seed(seeds[index], nodes_[position].op, nodes_[position].where);
      }
    } else if (anomaly) {
      detail::check_backward_seed<T>(seeds[index], nullptr, SourceLocation());
    }
  }
  for (const Tensor<T>& capture : captures) {
    if (!capture.impl().requires_grad) {
      throw std::invalid_argument(
          "grad: an input does not require grad, so no gradient flows to it; create it with "
          "parameter()");
    }
  }

  std::vector<std::shared_ptr<TensorImpl<T>>> seeded_leaves;
  try {
    for (std::size_t index = 0; index < outputs.size(); ++index) {
      TensorImpl<T>& impl = outputs[index].impl();
      seed(impl, seeds[index]);
      if (impl.is_leaf()) {
        seeded_leaves.push_back(outputs[index].impl_ptr());
      }
    }
    for (const Tensor<T>& capture : captures) {
      capture.impl().captured = true;
    }

    for (std::size_t step = any_node ? top + 1 : 0; step-- > 0;) {
      Node<T>& node = nodes_[step];
      TensorImpl<T>& out = *node.out;
      if (!out.has_pending) {
        continue;
      }
      check_versions(node);
      if (out.captured) {
        Array<T> grad_out = out.pending;
        run_node_backward(node, grad_out, anomaly);
      } else {
        // The backward function may move the gradient into an input; outputs
        // that outlive this pass get a valid empty one back at the end.
        out.has_pending = false;
        run_node_backward(node, out.pending, anomaly);
      }
    }

    // Gradient that reached a tensor from a released node or another tape
    // cannot flow on, so the result would be silently partial.
    for (const auto& kept : kept_) {
      if (kept->has_pending && !kept->is_leaf()) {
        node_index(*kept, caller);
      }
    }
  } catch (...) {
    discard_pending(any_node ? top : 0);
    for (const auto& leaf : seeded_leaves) {
      leaf->pending = Array<T>();
      leaf->has_pending = false;
    }
    for (const Tensor<T>& capture : captures) {
      capture.impl().captured = false;
      capture.impl().pending = Array<T>();
      capture.impl().has_pending = false;
    }
    throw;
  }

  std::vector<Array<T>> results;
  if (capturing) {
    results.reserve(captures.size());
    for (const Tensor<T>& capture : captures) {
      TensorImpl<T>& impl = capture.impl();
      if (impl.has_pending) {
        results.push_back(std::move(impl.pending));
      } else {
        results.push_back(Array<T>(xt::zeros<T>(impl.value.shape())));
      }
      impl.pending = Array<T>();
      impl.has_pending = false;
      impl.captured = false;
    }
  }
  auto finish_leaf = [capturing](TensorImpl<T>& impl) {
    if (!impl.has_pending) {
      return;
    }
    if (capturing) {
      impl.has_pending = false;
    } else {
      store_pending(impl);
    }
  };
  for (const auto& kept : kept_) {
    finish_leaf(*kept);
  }
  for (const auto& leaf : seeded_leaves) {
    finish_leaf(*leaf);
  }
  if (any_node) {
    // A node output the loop consumed may hold a moved-from gradient, and
    // the captured ones were harvested above. Outputs that outlive this pass
    // (in a retained graph, or held by the caller) get a valid empty gradient.
    // The others are freed with their nodes.
    for (std::size_t index = 0; index <= top; ++index) {
      const auto& out = nodes_[index].out;
      if (retain == RetainGraph::yes || out.use_count() > 1) {
        out->pending = Array<T>();
      }
      out->has_pending = false;
    }
    if (retain == RetainGraph::no) {
      release_through(top);
    }
  }
  return results;
}

template <class T>
void backward(const Tensor<T>& loss, RetainGraph retain) {
  if (loss.size() != 1) {
    throw std::logic_error("backward: the output has shape " + format_shape(loss.shape()) +
                           ", not one element; reduce it to a loss first (sum, mean) or pass "
                           "an upstream gradient: backward(output, grad_out)");
  }
  Array<T> ones = xt::ones<T>(loss.shape());
  Tape<T>::current().run_backward(std::span(&loss, 1), std::span(&ones, 1), retain, {});
}

template <class T>
void backward(const Tensor<T>& output, const Tensor<T>& grad_out, RetainGraph retain) {
  Tape<T>::current().run_backward(std::span(&output, 1), std::span(&grad_out.value(), 1), retain,
                                  {});
}

template <class T>
std::vector<Array<T>> grad(const std::vector<Tensor<T>>& outputs,
                           const std::vector<Tensor<T>>& inputs, RetainGraph retain) {
  std::vector<Tensor<T>> grad_outputs;
  for (const auto& output : outputs) {
    if (output.size() != 1) {
      throw std::logic_error("grad: an output has shape " + format_shape(output.shape()) +
                             ", not one element; pass grad_outputs for non-scalar outputs");
    }
    grad_outputs.push_back(Tensor<T>(Array<T>(xt::ones<T>(output.shape()))));
  }
  return grad(outputs, inputs, grad_outputs, retain);
}

template <class T>
std::vector<Array<T>> grad(const std::vector<Tensor<T>>& outputs,
                           const std::vector<Tensor<T>>& inputs,
                           const std::vector<Tensor<T>>& grad_outputs, RetainGraph retain) {
  if (grad_outputs.size() != outputs.size()) {
    throw std::invalid_argument("grad: got " + std::to_string(outputs.size()) + " outputs but " +
                                std::to_string(grad_outputs.size()) +
                                " grad_outputs; pass one upstream gradient per output");
  }
  if (inputs.empty()) {
    throw std::invalid_argument("grad: no inputs given; name the tensors to differentiate by");
  }
  std::vector<Array<T>> seeds;
  seeds.reserve(grad_outputs.size());
  for (const auto& grad_output : grad_outputs) {
    seeds.push_back(grad_output.value());
  }
  return Tape<T>::current().run_backward(outputs, seeds, retain, inputs);
}

template void backward(const Tensor<float>&, RetainGraph);
template void backward(const Tensor<double>&, RetainGraph);
template void backward(const Tensor<float>&, const Tensor<float>&, RetainGraph);
template void backward(const Tensor<double>&, const Tensor<double>&, RetainGraph);
template std::vector<Array<float>> grad(const std::vector<Tensor<float>>&,
                                        const std::vector<Tensor<float>>&, RetainGraph);
template std::vector<Array<double>> grad(const std::vector<Tensor<double>>&,
                                         const std::vector<Tensor<double>>&, RetainGraph);
template std::vector<Array<float>> grad(const std::vector<Tensor<float>>&,
                                        const std::vector<Tensor<float>>&,
                                        const std::vector<Tensor<float>>&, RetainGraph);
template std::vector<Array<double>> grad(const std::vector<Tensor<double>>&,
                                         const std::vector<Tensor<double>>&,
                                         const std::vector<Tensor<double>>&, RetainGraph);

template std::vector<Array<float>> Tape<float>::run_backward(std::span<const Tensor<float>>,
                                                             std::span<const Array<float>>,
                                                             RetainGraph,
                                                             std::span<const Tensor<float>>);
template std::vector<Array<double>> Tape<double>::run_backward(std::span<const Tensor<double>>,
                                                               std::span<const Array<double>>,
                                                               RetainGraph,
                                                               std::span<const Tensor<double>>);

}  // namespace tapegrad
