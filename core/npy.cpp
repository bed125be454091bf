#include <tapegrad/core/npy.hpp>

#include <cctype>
#include <limits>
#include <stdexcept>

namespace tapegrad::npy {
namespace {

constexpr std::string_view magic = "\x93NUMPY";
constexpr std::size_t header_alignment = 64;

[[noreturn]] void fail(std::string_view source, const std::string& problem) {
  throw std::runtime_error(std::string(source) + ": " + problem);
}

// A cursor over the header dict. The grammar accepted is what NumPy writes:
// `{'key': value, ...}` where a value is a quoted string, True, False or a
// tuple of non-negative integers, with optional spaces and a trailing comma.
class DictParser {
 public:
  DictParser(std::string_view source, std::string_view text) : source_(source), text_(text) {}

  void expect(char symbol) {
    skip_spaces();
    if (at_end() || text_[position_] != symbol) {
      fail(source_, std::string("invalid .npy header: expected '") + symbol + "' at offset " +
                        std::to_string(position_) + " of \"" + std::string(text_) + "\"");
    }
    ++position_;
  }

  // Consumes `symbol` when it comes next.
  bool accept(char symbol) {
    skip_spaces();
    if (!at_end() && text_[position_] == symbol) {
      ++position_;
      return true;
    }
    return false;
  }

  std::string parse_string() {
    skip_spaces();
    if (at_end() || (text_[position_] != '\'' && text_[position_] != '"')) {
      expect('\'');
    }
    const char quote = text_[position_++];
    const std::size_t end = text_.find(quote, position_);
    if (end == std::string_view::npos) {
      fail(source_, "invalid .npy header: unterminated string in \"" + std::string(text_) + "\"");
    }
    std::string value(text_.substr(position_, end - position_));
    position_ = end + 1;
    return value;
  }

  bool parse_bool() {
    skip_spaces();
    for (const auto& [word, value] : {std::pair{std::string_view("True"), true},
                                      std::pair{std::string_view("False"), false}}) {
      if (text_.substr(position_, word.size()) == word) {
        position_ += word.size();
        return value;
      }
    }
    fail(source_, "invalid .npy header: expected True or False in \"" + std::string(text_) + "\"");
  }

  Shape parse_shape() {
    expect('(');
    Shape shape;
    while (!accept(')')) {
      shape.push_back(parse_extent());
      if (!accept(',')) {
        expect(')');
        break;
      }
    }
    return shape;
  }

  void skip_spaces() {
    while (!at_end() && std::isspace(static_cast<unsigned char>(text_[position_]))) {
      ++position_;
    }
  }

  bool at_end() const { return position_ >= text_.size(); }

 private:
  std::size_t parse_extent() {
    skip_spaces();
    if (at_end() || !std::isdigit(static_cast<unsigned char>(text_[position_]))) {
      fail(source_, "invalid .npy header: expected a dimension in \"" + std::string(text_) + "\"");
    }
    std::size_t value = 0;
    constexpr std::size_t max = std::numeric_limits<std::size_t>::max();
    while (!at_end() && std::isdigit(static_cast<unsigned char>(text_[position_]))) {
      const auto digit = static_cast<std::size_t>(text_[position_] - '0');
      if (value > (max - digit) / 10) {
        fail(source_, "invalid .npy header: dimension too large in \"" + std::string(text_) + "\"");
      }
      value = value * 10 + digit;
      ++position_;
    }
    return value;
  }

  std::string_view source_;
  std::string_view text_;
  std::size_t position_ = 0;
};

}  // namespace

std::string dtype_name(std::string_view descr) {
  if (descr == "<f4") {
    return "float32";
  }
  if (descr == "<f8") {
    return "float64";
  }
  if (descr == "<i8") {
    return "int64";
  }
  return std::string(descr);
}

std::string encode_header(std::string_view descr, const Shape& shape) {
  std::string dict = "{'descr': '" + std::string(descr) + "', 'fortran_order': False, 'shape': (";
  for (std::size_t extent : shape) {
    dict += std::to_string(extent) + ", ";
  }
  if (shape.size() > 1) {
    dict.resize(dict.size() - 2);
  } else if (shape.size() == 1) {
    dict.pop_back();  // a one-element tuple keeps its comma: (3,)
  }
  dict += "), }";

  const std::size_t fixed = magic.size() + 4;
  const std::size_t unpadded = fixed + dict.size() + 1;  // + '\n'
  const std::size_t padding = (header_alignment - unpadded % header_alignment) % header_alignment;
  const std::size_t dict_length = dict.size() + padding + 1;
  if (dict_length > std::numeric_limits<std::uint16_t>::max()) {
    throw std::invalid_argument("npy::encode_header: shape " + format_shape(shape) +
                                " does not fit a format 1.0 header");
  }
  std::string header(magic);
  header += '\x01';
  header += '\x00';
  header += static_cast<char>(dict_length & 0xff);
  header += static_cast<char>(dict_length >> 8);
  header += dict;
  header.append(padding, ' ');
  header += '\n';
  return header;
}

std::size_t header_length(std::string_view source, std::span<const unsigned char> prefix) {
  if (prefix.size() < magic.size() + 4 ||
      std::string_view(reinterpret_cast<const char*>(prefix.data()), magic.size()) != magic) {
    fail(source, "not an .npy array (the magic string \\x93NUMPY is missing)");
  }
  const unsigned major = prefix[6];
  const unsigned minor = prefix[7];
  std::size_t length_bytes = 0;
  if (major == 1 && minor == 0) {
    length_bytes = 2;
  } else if ((major == 2 || major == 3) && minor == 0) {
    length_bytes = 4;
  } else {
    fail(source, "unsupported .npy format version " + std::to_string(major) + "." +
                     std::to_string(minor) + " (versions 1.0, 2.0 and 3.0 are read)");
  }
  if (prefix.size() < 8 + length_bytes) {
    fail(source, "truncated .npy header");
  }
  std::size_t dict_length = 0;
  for (std::size_t i = 0; i < length_bytes; ++i) {
    dict_length |= static_cast<std::size_t>(prefix[8 + i]) << (8 * i);
  }
  if (dict_length > max_dict_bytes) {
    fail(source, "invalid .npy header: it claims " + std::to_string(dict_length) +
                     " bytes, more than the " + std::to_string(max_dict_bytes) + " accepted");
  }
  return 8 + length_bytes + dict_length;
}

Header parse_header(std::string_view source, std::span<const unsigned char> header) {
  Header result;
  result.data_offset = header_length(source, header);
  if (header.size() < result.data_offset) {
    fail(source, "truncated .npy header");
  }
  const std::size_t dict_start = header[6] == 1 ? 10 : 12;
  const std::string_view text(reinterpret_cast<const char*>(header.data()) + dict_start,
                              result.data_offset - dict_start);

  DictParser parser(source, text);
  bool has_descr = false;
  bool has_order = false;
  bool has_shape = false;
  parser.expect('{');
  while (!parser.accept('}')) {
    const std::string key = parser.parse_string();
    parser.expect(':');
    if (key == "descr") {
      result.descr = parser.parse_string();
      has_descr = true;
    } else if (key == "fortran_order") {
      result.fortran_order = parser.parse_bool();
      has_order = true;
    } else if (key == "shape") {
      result.shape = parser.parse_shape();
      has_shape = true;
    } else {
      fail(source, "invalid .npy header: unknown key '" + key + "'");
    }
    if (!parser.accept(',')) {
      parser.expect('}');
      break;
    }
  }
  parser.skip_spaces();
  if (!parser.at_end()) {
    fail(source, "invalid .npy header: text after the dict in \"" + std::string(text) + "\"");
  }
  if (!has_descr || !has_order || !has_shape) {
    fail(source, "invalid .npy header: 'descr', 'fortran_order' and 'shape' are required, got \"" +
                     std::string(text) + "\"");
  }
  return result;
}

std::size_t checked_element_count(std::string_view source, const Shape& shape) {
  std::size_t count = 1;
  for (std::size_t extent : shape) {
    if (extent != 0 && count > std::numeric_limits<std::size_t>::max() / extent) {
      fail(source, "shape " + format_shape(shape) + " has more elements than memory can hold");
    }
    count *= extent;
  }
  return count;
}

}  // namespace tapegrad::npy
