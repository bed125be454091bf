#include <tapegrad/core/tape.hpp>

#include <algorithm>
#include <atomic>
#include <stdexcept>
#include <string>

namespace tapegrad {
namespace {

std::atomic<std::uint64_t> next_tape_id{1};

template <class T>
std::size_t array_bytes(const Array<T>& array) {
  return array.size() * sizeof(T);
}

template <class T>
std::size_t node_bytes(const Node<T>& node) {
  std::size_t bytes = sizeof(Node<T>) + array_bytes(node.out->value);
  if (node.extra) {
    bytes += sizeof(NodeExtra<T>) + array_bytes(node.extra->saved) +
             node.extra->indices.size() * sizeof(std::size_t) +
             node.extra->more_inputs.size() * (sizeof(TensorImpl<T>*) + sizeof(std::uint32_t));
  }
  return bytes;
}

}  // namespace

template <class T>
Tape<T>::Tape() : id_(next_tape_id.fetch_add(1)) {}

template <class T>
Tape<T>& Tape<T>::current() {
  thread_local Tape<T> tape;
  return tape;
}

template <class T>
void Tape<T>::clear() {
  first_id_ += nodes_.size();
  nodes_.clear();
  kept_.clear();
  bytes_ = 0;
}

template <class T>
void Tape<T>::truncate(std::size_t size) {
  for (std::size_t index = size; index < nodes_.size(); ++index) {
    TensorImpl<T>& out = *nodes_[index].out;
    bytes_ -= node_bytes(nodes_[index]);
    // Later records may reuse these node ids, so the outputs leave the tape.
    out.tape_id = 0;
    out.node_id = 0;
    out.requires_grad = false;
    out.pending = Array<T>();
    out.has_pending = false;
    out.captured = false;
  }
  if (size == 0) {
    clear();
  } else if (size < nodes_.size()) {
    nodes_.erase(nodes_.begin() + static_cast<std::ptrdiff_t>(size), nodes_.end());
  }
}

template <class T>
bool Tape<T>::is_live(const TensorImpl<T>& impl) const noexcept {
  return impl.tape_id == id_ && impl.node_id >= first_id_;
}

template <class T>
Tensor<T> Tape<T>::record(const char* op, Array<T>&& value, typename Node<T>::Backward backward,
                          std::span<const Tensor<T>* const> inputs, NodeAttributes attributes,
                          std::unique_ptr<NodeExtra<T>> extra, SourceLocation where) {
  if (anomaly_enabled()) {
    detail::check_forward_value(op, value, inputs, where);
  }
  if (!should_record(inputs)) {
    return Tensor<T>(std::move(value));
  }
  Node<T>& node = nodes_.emplace_back();
  node.backward = backward;
  node.op = op;
  node.where = where;
  node.attributes = attributes;
  node.extra = std::move(extra);
  if (inputs.size() > 2 && !node.extra) {
    node.extra = std::make_unique<NodeExtra<T>>();
  }
  for (std::size_t index = 0; index < inputs.size(); ++index) {
    const Tensor<T>& input = *inputs[index];
    TensorImpl<T>* impl = &input.impl();
    if (!is_live(*impl)) {
      kept_.push_back(input.impl_ptr());
    }
    if (index < 2) {
      node.in[index] = impl;
      node.in_version[index] = impl->version;
    } else {
      node.extra->more_inputs.push_back(impl);
      node.extra->more_versions.push_back(impl->version);
    }
  }
  // Assigned, not passed to make_shared, as in the Tensor constructor.
  node.out = std::make_shared<TensorImpl<T>>();
  node.out->value = std::move(value);
  node.out->requires_grad = true;
  node.out->tape_id = id_;
  node.out->node_id = first_id_ + nodes_.size() - 1;
  bytes_ += node_bytes(node);
  return Tensor<T>(node.out);
}

template <class T>
std::size_t Tape<T>::node_index(const TensorImpl<T>& impl, const char* caller) const {
  if (impl.tape_id != id_) {
    throw std::logic_error(std::string(caller) +
                           ": this tensor was recorded on another thread's tape; run backward "
                           "on the thread that computed it");
  }
  if (impl.node_id < first_id_) {
    throw std::logic_error(std::string(caller) +
                           ": the graph of this tensor was released by an earlier backward; "
                           "pass RetainGraph::yes to that backward to go through it again");
  }
  return static_cast<std::size_t>(impl.node_id - first_id_);
}

template <class T>
void Tape<T>::release_through(std::size_t last_index) {
  for (std::size_t index = 0; index <= last_index; ++index) {
    bytes_ -= node_bytes(nodes_[index]);
  }
  if (last_index + 1 == nodes_.size()) {
    clear();
    return;
  }
  nodes_.erase(nodes_.begin(), nodes_.begin() + static_cast<std::ptrdiff_t>(last_index + 1));
  first_id_ += last_index + 1;
}

template <class T>
void Tape<T>::discard_pending(std::size_t last_index) {
  auto reset = [](TensorImpl<T>& impl) {
    impl.pending = Array<T>();
    impl.has_pending = false;
    impl.captured = false;
  };
  for (std::size_t index = 0; index <= last_index && index < nodes_.size(); ++index) {
    reset(*nodes_[index].out);
  }
  for (auto& kept : kept_) {
    reset(*kept);
  }
}

template class Tape<float>;
template class Tape<double>;

}  // namespace tapegrad
