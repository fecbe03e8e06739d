#include "scenario/value_text.hpp"

#include <charconv>
#include <cmath>
#include <cstdio>

namespace incubsim {

std::string toml_real(double v) {
  if (std::isnan(v)) return "nan";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  // Plain decimals read best for the magnitudes parameters have; scientific
  // notation only where fixed notation would run long.
  const double a = std::fabs(v);
  const bool fixed = a == 0 || (a >= 1e-5 && a < 1e16);
  char buf[64];
  const auto res = fixed ? std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed)
                         : std::to_chars(buf, buf + sizeof buf, v);
  std::string out(buf, res.ptr);
  if (out.find_first_of(".e") == std::string::npos) out += ".0";
  return out;
}

std::string toml_string(std::string_view s) {
  std::string out = "\"";
  for (const char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\t': out += "\\t"; break;
      case '\n': out += "\\n"; break;
      case '\f': out += "\\f"; break;
      case '\r': out += "\\r"; break;
      default:
        if (c < 0x20 || c == 0x7f) {
          char esc[8];
          std::snprintf(esc, sizeof esc, "\\u%04X", static_cast<unsigned>(c));
          out += esc;
        } else {
          out += ch;
        }
    }
  }
  out += '"';
  return out;
}

namespace {
struct ValueText {
  std::string operator()(const bool* v) const { return *v ? "true" : "false"; }
  std::string operator()(const int* v) const { return std::to_string(*v); }
  std::string operator()(const std::int64_t* v) const { return std::to_string(*v); }
  std::string operator()(const double* v) const { return toml_real(*v); }
  std::string operator()(const std::vector<std::string>* v) const {
    std::string out = "[";
    for (std::size_t i = 0; i < v->size(); ++i) out += (i ? ", " : "") + toml_string((*v)[i]);
    return out + "]";
  }
  std::string operator()(const std::vector<double>* v) const {
    std::string out = "[";
    for (std::size_t i = 0; i < v->size(); ++i) out += (i ? ", " : "") + toml_real((*v)[i]);
    return out + "]";
  }
};
}  // namespace

std::string toml_value(const ParamTarget& target) {
  return std::visit(ValueText{}, target);
}

}  // namespace incubsim
