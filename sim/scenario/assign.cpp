#include "scenario/assign.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/errors.hpp"
#include "core/text.hpp"
#include "scenario/value_text.hpp"

namespace incubsim {

std::string describe_value(const toml::node& n) {
  switch (n.type()) {
    case toml::node_type::string: {
      std::string_view s = n.as_string()->get();
      if (s.size() > 40) return "a string of " + std::to_string(s.size()) + " characters";
      return "the string " + toml_string(s);
    }
    case toml::node_type::integer: return "the integer " + std::to_string(n.as_integer()->get());
    case toml::node_type::floating_point:
      return "the number " + toml_real(n.as_floating_point()->get());
    case toml::node_type::boolean: return n.as_boolean()->get() ? "true" : "false";
    case toml::node_type::array: return "a list";
    case toml::node_type::table: return "a table";
    case toml::node_type::date: return "a date";
    case toml::node_type::time: return "a time";
    case toml::node_type::date_time: return "a date-time";
    case toml::node_type::none: break;
  }
  return "nothing";
}

namespace {

class Checker {
 public:
  Checker(const ParamSpec& spec, const ValueSource& source) : spec_(spec), source_(source) {}

  bool boolean(const toml::node& n) const {
    if (const auto* b = n.as_boolean()) return b->get();
    fail(n, "expected true or false, found " + describe_value(n));
  }

  std::int64_t integer(const toml::node& n, bool must_fit_int) const {
    const auto* i = n.as_integer();
    if (i == nullptr) fail(n, "expected an integer, found " + describe_value(n));
    const std::int64_t v = i->get();
    // long double holds every int64 exactly on the platforms we build for,
    // so values near 2^53 compare correctly against the bounds.
    const auto lv = static_cast<long double>(v);
    if (lv < static_cast<long double>(spec_.min) || lv > static_cast<long double>(spec_.max))
      fail(n, "value " + std::to_string(v) + " is out of range");
    // The registry bounds of every int field lie within int today; this
    // guards a future bound that does not.
    if (must_fit_int &&
        (v < std::numeric_limits<int>::min() || v > std::numeric_limits<int>::max()))
      fail(n, "value " + std::to_string(v) + " does not fit in a 32-bit integer");
    return v;
  }

  double real(const toml::node& n, int item) const {
    double v = 0;
    std::string text;
    if (const auto* i = n.as_integer()) {
      v = static_cast<double>(i->get());
      text = std::to_string(i->get());
    } else if (const auto* f = n.as_floating_point()) {
      v = f->get();
      text = toml_real(v);
    } else {
      fail(n, prefix(item) + "expected a number, found " + describe_value(n));
    }
    if (!std::isfinite(v)) fail(n, prefix(item) + "value " + text + " is not a finite number");
    if (!(v >= spec_.min && v <= spec_.max))
      fail(n, prefix(item) + "value " + text + " is out of range");
    return v;
  }

  std::string text(const toml::node& n, int item) const {
    const auto* s = n.as_string();
    if (s == nullptr) fail(n, prefix(item) + "expected a string, found " + describe_value(n));
    std::string v = s->get();
    if (v.empty()) fail(n, prefix(item) + "empty name");
    if (!spec_.choices.empty() &&
        std::find(spec_.choices.begin(), spec_.choices.end(), v) == spec_.choices.end()) {
      const std::string near = nearest(v, spec_.choices);
      std::string what = prefix(item) + "'" + v + "' is not an allowed value";
      if (!near.empty()) what += " (did you mean '" + near + "'?)";
      fail(n, what);
    }
    return v;
  }

  const toml::array& list(const toml::node& n) const {
    const auto* a = n.as_array();
    if (a == nullptr)
      fail(n, "expected " + std::string(to_string(spec_.type())) + " in [...], found " +
                  describe_value(n));
    if (a->size() < spec_.min_items || a->size() > spec_.max_items)
      fail(n, "has " + std::to_string(a->size()) + (a->size() == 1 ? " item" : " items"));
    return *a;
  }

 private:
  static std::string prefix(int item) {
    return item > 0 ? "item " + std::to_string(item) + ": " : std::string();
  }

  [[noreturn]] void fail(const toml::node& n, const std::string& what) const {
    std::string msg = what + "; allowed: " + spec_.range_text();
    if (!spec_.unit.empty() && spec_.unit != "-") msg += " (" + spec_.unit + ")";
    throw ScenarioError(source_.file, source_.line_of(n), spec_.key, msg);
  }

  const ParamSpec& spec_;
  const ValueSource& source_;
};

struct Store {
  const Checker& check;
  const toml::node& n;

  void operator()(bool* f) const { *f = check.boolean(n); }
  void operator()(std::int64_t* f) const { *f = check.integer(n, false); }
  void operator()(int* f) const { *f = static_cast<int>(check.integer(n, true)); }
  void operator()(double* f) const { *f = check.real(n, 0); }
  void operator()(std::vector<double>* f) const {
    const auto& a = check.list(n);
    std::vector<double> v;
    for (std::size_t i = 0; i < a.size(); ++i)
      v.push_back(check.real(a[i], static_cast<int>(i) + 1));
    *f = std::move(v);
  }
  void operator()(std::vector<std::string>* f) const {
    const auto& a = check.list(n);
    std::vector<std::string> v;
    for (std::size_t i = 0; i < a.size(); ++i)
      v.push_back(check.text(a[i], static_cast<int>(i) + 1));
    *f = std::move(v);
  }
};

}  // namespace

void assign_param(const ParamSpec& spec, const toml::node& value, const ValueSource& source) {
  const Checker check(spec, source);
  std::visit(Store{check, value}, spec.target);
}

}  // namespace incubsim
