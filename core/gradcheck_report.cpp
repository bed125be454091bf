// Printing of GradCheckReport.
#include <tapegrad/core/gradcheck.hpp>

#include <cmath>
#include <cstdio>
#include <ostream>
#include <string>

namespace tapegrad {
namespace {

// Failures and kinks listed before the rest are only counted.
constexpr std::size_t listed_entries = 5;

// Formats with `digits` significant digits. Values below 0.01 use a short
// exponent (1e-5, 2.5e-3), so tolerances read as they are usually written.
std::string format_number(double value, int digits) {
  char buffer[40];
  const bool small = value != 0 && std::abs(value) < 1e-2;
  std::snprintf(buffer, sizeof buffer, small ? "%.*e" : "%.*g", small ? digits - 1 : digits,
                value);
  std::string text = buffer;
  const std::size_t exponent = text.find('e');
  if (exponent == std::string::npos) {
    return text;
  }
  std::string mantissa = text.substr(0, exponent);
  if (mantissa.find('.') != std::string::npos) {
    mantissa.erase(mantissa.find_last_not_of('0') + 1);
    if (mantissa.back() == '.') {
      mantissa.pop_back();
    }
  }
  std::string power = text.substr(exponent + 1);
  const bool negative = power[0] == '-';
  power.erase(0, power.find_first_not_of("+-0"));
  return mantissa + "e" + (negative ? "-" : "") + (power.empty() ? "0" : power);
}

std::string value_text(double value) { return format_number(value, 6); }
std::string error_text(double value) { return format_number(value, 3); }

void print_entry(std::ostream& out, const GradCheckEntry& entry) {
  out << "input " << entry.input << " " << format_shape(entry.index) << ": analytic "
      << value_text(entry.analytic) << ", numeric " << value_text(entry.numeric)
      << ", abs error " << error_text(entry.abs_error) << ", rel error "
      << error_text(entry.rel_error);
}

}  // namespace

std::ostream& operator<<(std::ostream& out, const GradCheckReport& report) {
  out << "gradient check " << (report.passed ? "passed" : "FAILED") << ": ";
  if (report.checked_entries > 0) {
    out << (report.passed ? "worst entry " : "");
    print_entry(out, report.worst);
    out << (report.worst.kink ? " (kink)" : "") << " ";
  }
  out << "(atol " << error_text(report.atol) << ", rtol " << error_text(report.rtol) << ", step "
      << error_text(report.step) << "), " << report.failed_entries << " of "
      << report.checked_entries << " entries failed, ";
  if (!report.kinks.empty()) {
    out << report.kinks.size() << (report.kinks.size() == 1 ? " kink, " : " kinks, ");
  }
  out << "seed " << report.seed;

  out << "\n  analytic in " << report.input_type << ", numeric in " << report.numeric_type;
  for (std::size_t position = 0; position < report.inputs.size(); ++position) {
    const GradCheckInputSummary& summary = report.inputs[position];
    out << "\n  input " << position << " " << format_shape(summary.shape) << ": ";
    if (!summary.checked) {
      out << "not checked (requires no grad)";
      continue;
    }
    out << summary.entries << " entries, " << summary.failed << " failed, " << summary.kinks
        << " kinks, max abs error " << error_text(summary.max_abs_error) << ", max rel error "
        << error_text(summary.max_rel_error);
  }
  for (std::size_t i = 0; i < report.failures.size() && i < listed_entries; ++i) {
    const GradCheckEntry& entry = report.failures[i];
    out << "\n  failed ";
    print_entry(out, entry);
    out << ", allowed error " << error_text(entry.allowed_error);
  }
  if (report.failures.size() > listed_entries) {
    const std::size_t unlisted = report.failures.size() - listed_entries;
    out << "\n  ... and " << unlisted << " more failed " << (unlisted == 1 ? "entry" : "entries");
  }
  for (std::size_t i = 0; i < report.kinks.size() && i < listed_entries; ++i) {
    const GradCheckEntry& entry = report.kinks[i];
    out << "\n  kink at input " << entry.input << " " << format_shape(entry.index)
        << ": analytic " << value_text(entry.analytic) << " lies between the one-sided "
        << "differences " << value_text(entry.left) << " (left) and "
        << value_text(entry.right) << " (right)";
  }
  if (report.kinks.size() > listed_entries) {
    const std::size_t unlisted = report.kinks.size() - listed_entries;
    out << "\n  ... and " << unlisted << " more " << (unlisted == 1 ? "kink" : "kinks");
  }
  return out;
}

}  // namespace tapegrad
