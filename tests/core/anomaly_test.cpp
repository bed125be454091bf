// Tests of anomaly mode: which op, index, pass and source line it reports for
// the first NaN or Inf, that it stays off by default, and its replay files.
// Every bad value is made by hand from IEEE 754 rules, named at each case.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include <tapegrad/core/anomaly.hpp>
#include <tapegrad/core/core.hpp>
#include <tapegrad/core/npy.hpp>

#include "../support/temp_folder.hpp"

using namespace tapegrad;

namespace {

// Returns the error that `call` raises, failing the test when it raises none.
template <class F>
AnomalyError anomaly_of(F&& call) {
  try {
    call();
  } catch (const AnomalyError& error) {
    return error;
  }
  FAIL("no AnomalyError was raised");
  throw std::logic_error("unreachable");
}

std::string this_file_at(unsigned line) {
  return std::string(SourceLocation::current().file_name()) + ":" + std::to_string(line);
}

bool names_this_file(const SourceLocation& where) {
  return std::string(where.file_name()) == SourceLocation::current().file_name();
}

// Reads a float or double .npy file written by anomaly mode.
template <class T>
Array<T> read_npy(const std::filesystem::path& path) {
  const std::string bytes = testing::read_bytes(path);
  const auto* data = reinterpret_cast<const unsigned char*>(bytes.data());
  const std::size_t length = npy::header_length(path.string(), {data, bytes.size()});
  const npy::Header header = npy::parse_header(path.string(), {data, length});
  REQUIRE(header.descr == npy::descr_of<T>());
  Array<T> array = xt::empty<T>(header.shape);
  REQUIRE(bytes.size() == header.data_offset + array.size() * sizeof(T));
  std::memcpy(array.data(), bytes.data() + header.data_offset, array.size() * sizeof(T));
  return array;
}

}  // namespace

TEST_CASE("anomaly log of negative forward", "[core][anomaly]") {
  // log(-1) is NaN in IEEE 754, at index [1].
  Tensor<double> x = parameter<double>(Array<double>{2.0, -1.0, 3.0});
  AnomalyMode anomaly_mode;
  const unsigned line = __LINE__ + 1;
  const AnomalyError error = anomaly_of([&] { log(x); });

  CHECK(error.op() == "log");
  CHECK(error.pass() == Pass::forward);
  CHECK(error.index() == Shape{1});
  CHECK(error.where().line() == line);
  CHECK(names_this_file(error.where()));
  const std::string message = error.what();
  CHECK_THAT(message, Catch::Contains("NaN in the forward pass"));
  CHECK_THAT(message, Catch::Contains("log returned NaN at index [1]"));
  CHECK_THAT(message, Catch::Contains(this_file_at(line)));
}

TEST_CASE("anomaly exp overflow float index", "[core][anomaly]") {
  // e^1000 overflows float (max about 3.4e38 = e^88.7) to inf, at row 1, column 0.
  // The input is a constant, so exp records nothing and is still checked.
  const Tensor<float> x = constant<float>(Array<float>{{0.0f, 1.0f}, {1000.0f, 2.0f}});
  AnomalyMode anomaly_mode;
  const unsigned line = __LINE__ + 1;
  const AnomalyError error = anomaly_of([&] { exp(x); });

  CHECK(error.op() == "exp");
  CHECK(error.pass() == Pass::forward);
  CHECK(error.index() == Shape{1, 0});
  CHECK(error.where().line() == line);
  const std::string message = error.what();
  CHECK_THAT(message, Catch::Contains("exp returned inf at index [1, 0]"));
  CHECK_THAT(message, Catch::Contains("shape [2, 2]"));
  CHECK_THAT(message, Catch::Contains(this_file_at(line)));
}

TEST_CASE("anomaly sqrt at zero backward", "[core][anomaly]") {
  // y = sqrt(x) is [2, 0], finite. z = y * 0 sends grad_out 0 into sqrt, whose
  // backward 0 / (2 sqrt(0)) = 0 / 0 is NaN at index [1]; at x = 4 it is 0 / 4 = 0.
  Tensor<double> x = parameter<double>(Array<double>{4.0, 0.0});
  AnomalyMode anomaly_mode;
  const unsigned line = __LINE__ + 1;
  const Tensor<double> y = sqrt(x);
  const Tensor<double> loss = sum(mul(y, 0.0));
  const AnomalyError error = anomaly_of([&] { backward(loss); });

  CHECK(error.op() == "sqrt");
  CHECK(error.pass() == Pass::backward);
  CHECK(error.index() == Shape{1});
  CHECK(error.where().line() == line);
  const std::string message = error.what();
  CHECK_THAT(message, Catch::Contains("NaN in the backward pass"));
  CHECK_THAT(message, Catch::Contains("the gradient that sqrt computed for its input 0"));
  CHECK_THAT(message, Catch::Contains("NaN at index [1]"));
  CHECK_THAT(message, Catch::Contains(this_file_at(line)));
  // The failed pass stores no partial gradient.
  CHECK_FALSE(x.has_grad());
}

TEST_CASE("anomaly mode off by default", "[core][anomaly]") {
  REQUIRE_FALSE(anomaly_enabled());
  Tensor<double> x = parameter<double>(Array<double>{4.0, 0.0, -1.0});
  const Tensor<double> logs = log(x);
  CHECK(std::isnan(logs.value()(2)));

  // The same sqrt backward as above yields NaN instead of raising.
  const Tensor<double> loss = sum(mul(sqrt(x), 0.0));
  REQUIRE_NOTHROW(backward(loss));
  CHECK(x.grad()(0) == 0.0);
  CHECK(std::isnan(x.grad()(1)));
}

TEST_CASE("anomaly mode finite values pass", "[core][anomaly]") {
  // d/dx sum(exp(x)) = exp(x): e^0 = 1 and e^1 = e.
  Tensor<double> x = parameter<double>(Array<double>{0.0, 1.0});
  AnomalyMode anomaly_mode;
  const Tensor<double> loss = sum(exp(x));
  REQUIRE_NOTHROW(backward(loss));
  CHECK(x.grad()(0) == 1.0);
  CHECK(x.grad()(1) == Approx(std::exp(1.0)));
}

TEST_CASE("anomaly mode guards nest", "[core][anomaly]") {
  CHECK_FALSE(anomaly_enabled());
  {
    AnomalyMode outer;
    {
      AnomalyMode inner;
      CHECK(anomaly_enabled());
    }
    CHECK(anomaly_enabled());
  }
  CHECK_FALSE(anomaly_enabled());
}

TEST_CASE("anomaly mode per thread", "[core][anomaly]") {
  AnomalyMode anomaly_mode;
  bool enabled_elsewhere = true;
  bool other_raised = false;
  std::thread other([&] {
    enabled_elsewhere = anomaly_enabled();
    try {
      log(constant<double>(Array<double>{-1.0}));
    } catch (const AnomalyError&) {
      other_raised = true;
    }
  });
  other.join();
  CHECK(anomaly_enabled());
  CHECK_FALSE(enabled_elsewhere);
  CHECK_FALSE(other_raised);
}

TEST_CASE("anomaly operator reports header line", "[core][anomaly]") {
  // 1 / 0 is inf at index [0], by division through an operator and by div().
  const Tensor<double> x = parameter<double>(Array<double>{1.0, 2.0});
  const Tensor<double> zero = constant<double>(Array<double>{0.0, 1.0});
  AnomalyMode anomaly_mode;

  const AnomalyError by_operator = anomaly_of([&] { return x / zero; });
  CHECK(by_operator.op() == "div");
  CHECK(std::filesystem::path(by_operator.where().file_name()).filename() == "elementwise.hpp");

  const unsigned line = __LINE__ + 1;
  const AnomalyError by_function = anomaly_of([&] { return div(x, zero); });
  CHECK(by_function.where().line() == line);
  CHECK(names_this_file(by_function.where()));

  // A scalar operand goes through the template overload, which passes the line on.
  const unsigned scalar_line = __LINE__ + 1;
  const AnomalyError by_scalar = anomaly_of([&] { return div(x, 0.0); });
  CHECK(by_scalar.where().line() == scalar_line);
}

TEST_CASE("anomaly names input already non-finite", "[core][anomaly]") {
  // relu(NaN) is NaN: the NaN came in with the constant, at index [0, 1].
  const Tensor<float> x = constant<float>(Array<float>{{1.0f, NAN}});
  AnomalyMode anomaly_mode;
  const AnomalyError error = anomaly_of([&] { relu(x); });
  CHECK(error.index() == Shape{0, 1});
  CHECK_THAT(std::string(error.what()),
             Catch::Contains("input 0 (shape [1, 2]) already contains NaN at index [0, 1]"));
}

TEST_CASE("anomaly custom op without grad", "[core][anomaly]") {
  // A custom op whose inputs need no grad records nothing and is still checked.
  const Tensor<double> x = constant<double>(Array<double>{1.0});
  AnomalyMode anomaly_mode;
  const unsigned line = __LINE__ + 2;
  const AnomalyError error = anomaly_of([&] {
    custom_op<double>("halve", Array<double>{INFINITY}, {x}, [](const Array<double>& grad_out) {
      return std::vector<Array<double>>{grad_out};
    });
  });
  CHECK(error.op() == "halve");
  CHECK(error.where().line() == line);
}

TEST_CASE("anomaly non-finite backward seed", "[core][anomaly]") {
  const Tensor<double> x = parameter<double>(Array<double>{1.0, 2.0});
  AnomalyMode anomaly_mode;
  const unsigned line = __LINE__ + 1;
  const Tensor<double> y = mul(x, 3.0);
  const Tensor<double> grad_out = constant<double>(Array<double>{1.0, -INFINITY});
  const AnomalyError error = anomaly_of([&] { backward(y, grad_out); });
  CHECK(error.op() == "mul");
  CHECK(error.pass() == Pass::backward);
  CHECK(error.index() == Shape{1});
  CHECK(error.where().line() == line);
  CHECK_THAT(std::string(error.what()), Catch::Contains("upstream gradient"));
}

TEST_CASE("anomaly replay files forward", "[core][anomaly]") {
  testing::TempFolder folder;
  const Tensor<float> x = parameter<float>(Array<float>{{1.0f, -2.0f}});
  AnomalyMode anomaly_mode({folder / "replay"});
  const AnomalyError error = anomaly_of([&] { sqrt(x); });

  const Array<float> input = read_npy<float>(folder / "replay" / "sqrt_forward_input0.npy");
  const bool input_matches = input == x.value();
  CHECK(input_matches);
  CHECK_THAT(std::string(error.what()), Catch::Contains("sqrt_forward_*.npy"));
}

TEST_CASE("anomaly replay files backward", "[core][anomaly]") {
  // Inputs of the failing sqrt ([4, 0]) and its grad_out ([0, 0], from y * 0).
  testing::TempFolder folder;
  const Tensor<double> x = parameter<double>(Array<double>{4.0, 0.0});
  AnomalyMode anomaly_mode({folder.path()});
  const Tensor<double> loss = sum(mul(sqrt(x), 0.0));
  anomaly_of([&] { backward(loss); });

  const bool input_matches = read_npy<double>(folder / "sqrt_backward_input0.npy") == x.value();
  CHECK(input_matches);
  const Array<double> expected_grad_out = {0.0, 0.0};
  const bool grad_out_matches =
      read_npy<double>(folder / "sqrt_backward_grad_out.npy") == expected_grad_out;
  CHECK(grad_out_matches);
}

TEST_CASE("anomaly replay unwritable folder", "[core][anomaly]") {
  // The folder path is a regular file, so it cannot be created; the anomaly
  // is still raised, and its message explains why no replay files exist.
  testing::TempFolder folder;
  testing::write_bytes(folder / "file", "x");
  AnomalyMode anomaly_mode({folder / "file" / "replay"});
  const AnomalyError error = anomaly_of([&] { log(constant<double>(Array<double>{-1.0})); });
  CHECK_THAT(std::string(error.what()), Catch::Contains("could not be written"));
}
