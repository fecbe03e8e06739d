#include "sweep/spec.hpp"

#include <toml++/toml.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <set>
#include <sstream>
#include <type_traits>
#include <utility>

#include "core/errors.hpp"
#include "core/text.hpp"
#include "engine/metrics.hpp"
#include "scenario/assign.hpp"
#include "scenario/key_index.hpp"
#include "scenario/loader.hpp"
#include "scenario/params.hpp"
#include "scenario/resources.hpp"
#include "scenario/value_text.hpp"

namespace incubsim {
namespace {

class Reader {
 public:
  Reader(std::string file) : file_(std::move(file)) {}

  [[noreturn]] void fail(const toml::node* at, const std::string& key,
                         const std::string& what) const {
    const int line = at ? static_cast<int>(at->source().begin.line) : 0;
    throw ScenarioError(file_, line, key, what);
  }

  /// Rejects keys of `t` not in `allowed`, suggesting the nearest.
  void only(const toml::table& t, const std::string& where,
            const std::vector<std::string>& allowed) const {
    for (const auto& [k, v] : t) {
      const std::string key(k.str());
      if (std::find(allowed.begin(), allowed.end(), key) != allowed.end()) continue;
      const std::string full = where.empty() ? key : where + "." + key;
      const std::string guess = nearest(key, allowed);
      fail(&v, full,
           "unknown key" + (guess.empty() ? "; allowed here: " + join(allowed)
                                          : "; did you mean '" + guess + "'?"));
    }
  }

  double number(const toml::table& t, const std::string& key, const std::string& full) const {
    const toml::node* n = t.get(key);
    if (!n) fail(nullptr, full, "missing; give a number");
    if (auto v = n->value<double>(); v && (n->is_floating_point() || n->is_integer())) {
      if (!std::isfinite(*v)) fail(n, full, "must be finite");
      return *v;
    }
    fail(n, full, "expected a number, found " + describe_value(*n));
  }

  std::int64_t integer(const toml::table& t, const std::string& key, const std::string& full,
                       std::int64_t lo, std::int64_t hi, std::int64_t fallback) const {
    const toml::node* n = t.get(key);
    if (!n) return fallback;
    if (!n->is_integer()) fail(n, full, "expected an integer, found " + describe_value(*n));
    const std::int64_t v = *n->value<std::int64_t>();
    if (v < lo || v > hi)
      fail(n, full,
           "value " + std::to_string(v) + " is out of range; allowed: integer in [" +
               std::to_string(lo) + ", " + std::to_string(hi) + "]");
    return v;
  }

  std::string text(const toml::table& t, const std::string& key, const std::string& full,
                   const std::vector<std::string>& choices, const std::string& fallback) const {
    const toml::node* n = t.get(key);
    if (!n) return fallback;
    if (!n->is_string()) fail(n, full, "expected a string, found " + describe_value(*n));
    const std::string v = *n->value<std::string>();
    if (!choices.empty() && std::find(choices.begin(), choices.end(), v) == choices.end()) {
      const std::string guess = nearest(v, choices);
      fail(n, full,
           "'" + v + "' is not allowed; choose one of: " + join(choices) +
               (guess.empty() ? "" : " (did you mean '" + guess + "'?)"));
    }
    return v;
  }

  static std::string join(const std::vector<std::string>& v) {
    std::string s;
    for (const auto& x : v) s += (s.empty() ? "" : ", ") + x;
    return s;
  }

  const std::string& file() const { return file_; }

 private:
  std::string file_;
};

/// Flattens [fixed] (nested tables or quoted dotted keys) into key=value.
void flatten_fixed(const toml::table& t, const std::string& prefix, std::vector<std::string>& out) {
  for (const auto& [k, v] : t) {
    const std::string key =
        prefix.empty() ? std::string(k.str()) : prefix + "." + std::string(k.str());
    if (const auto* sub = v.as_table()) {
      flatten_fixed(*sub, key, out);
      continue;
    }
    std::ostringstream value;
    if (v.is_string())
      value << toml_string(*v.value<std::string>());
    else if (v.is_floating_point())
      value << toml_real(*v.value<double>());
    else
      value << toml::node_view<const toml::node>(&v);
    out.push_back(key + "=" + value.str());
  }
}

/// Keys the sweep sets for every run itself; where to set them instead.
std::string set_by_the_sweep(const std::string& key) {
  if (key == "simulation.seed")
    return "is set per run by the sweep; use the top-level `seed` and `seed_policy`";
  if (key == "simulation.record_events") return "is set by the sweep; use [outputs] events";
  if (key == "simulation.record_agents") return "is set by the sweep; use [outputs] agents";
  return "";
}

SweepParameter read_parameter(const Reader& r, const toml::table& t, const std::string& where,
                              const KeyIndex& keys, std::set<std::string>& seen, Design design) {
  r.only(t, where, {"key", "min", "max", "scale", "steps", "values"});
  SweepParameter p;
  p.key = r.text(t, "key", where + ".key", {}, "");
  if (p.key.empty())
    r.fail(&t, where + ".key", "missing; name the scenario key to vary, e.g. \"firms.fixed_cost\"");
  const toml::node* key_node = t.get("key");
  const ParamSpec* spec = keys.find(p.key);
  if (!spec) r.fail(key_node, p.key, keys.unknown_key_message(p.key));
  if (const auto why = set_by_the_sweep(p.key); !why.empty()) r.fail(key_node, p.key, why);
  if (!seen.insert(p.key).second) r.fail(key_node, p.key, "is varied twice; give each key once");
  const ParamType type = spec->type();
  if (type != ParamType::integer && type != ParamType::real && type != ParamType::boolean)
    r.fail(key_node, p.key,
           "is a " + std::string(to_string(type)) +
               "; a sweep can vary numbers and true/false keys only");
  p.integer = type == ParamType::integer;
  p.boolean = type == ParamType::boolean;
  const auto check_in_range = [&](double v, const toml::node* at) {
    if (v < spec->min || v > spec->max)
      r.fail(
          at, p.key,
          "value " + toml_real(v) + " is outside the key's range; allowed: " + spec->range_text());
    if (p.integer && v != std::floor(v))
      r.fail(at, p.key, "takes integers; " + toml_real(v) + " is not one");
  };
  if (const toml::node* vs = t.get("values")) {
    if (t.get("min") || t.get("max") || t.get("steps") || t.get("scale"))
      r.fail(vs, where + ".values",
             "give either values or min/max (with scale and steps), not both");
    const auto* arr = vs->as_array();
    if (!arr || arr->empty()) r.fail(vs, where + ".values", "expected a non-empty list");
    for (const auto& v : *arr) {
      double x = 0;
      if (p.boolean) {
        if (!v.is_boolean())
          r.fail(&v, where + ".values", "expected true or false, found " + describe_value(v));
        x = *v.value<bool>() ? 1.0 : 0.0;
      } else if (v.is_integer() || v.is_floating_point()) {
        x = *v.value<double>();
        check_in_range(x, &v);
      } else {
        r.fail(&v, where + ".values", "expected a number, found " + describe_value(v));
      }
      p.values.push_back(x);
    }
    return p;
  }
  if (p.boolean) {
    p.values = {0.0, 1.0};
    return p;
  }
  p.min = r.number(t, "min", where + ".min");
  p.max = r.number(t, "max", where + ".max");
  check_in_range(p.min, t.get("min"));
  check_in_range(p.max, t.get("max"));
  if (!(p.min < p.max)) r.fail(t.get("max"), where + ".max", "must be greater than min");
  p.scale = r.text(t, "scale", where + ".scale", {"linear", "log"}, "linear") == "log"
                ? Scale::log
                : Scale::linear;
  if (p.scale == Scale::log && p.min <= 0)
    r.fail(t.get("min"), where + ".min", "must be positive on a log scale");
  p.steps = static_cast<int>(r.integer(t, "steps", where + ".steps", 2, 10000, 0));
  if (design == Design::grid && p.steps == 0)
    r.fail(&t, where + ".steps",
           "missing: a grid over a range needs steps (points from min to max)");
  return p;
}

std::string read_file(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw IoError(file.string(), "cannot read sweep file; check the path");
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string compact_count(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, v < 1e9 ? "%.0f" : "%.3g", v);
  return buf;
}

// Sets the field `key` of `s` to `v` directly (no range or consistency
// check: the value is a swept parameter's end, already checked against the
// key's range).
void set_field(Scenario& s, const std::string& key, double v) {
  for (auto& p : bind_params(s)) {
    if (p.key != key) continue;
    std::visit(
        [v](auto* f) {
          using T = std::remove_pointer_t<decltype(f)>;
          if constexpr (std::is_same_v<T, bool>)
            *f = v != 0.0;
          else if constexpr (std::is_same_v<T, int> || std::is_same_v<T, std::int64_t>)
            *f = static_cast<T>(std::llround(v));
          else if constexpr (std::is_same_v<T, double>)
            *f = v;
        },
        p.target);
  }
}

// Every run of the sweep goes through the resource check when it loads its
// scenario; checking each parameter at its ends (the others at the base)
// catches the absurd ones at plan time instead of in every run.
void check_parameter_ends(const Reader& r, const toml::table& root, const SweepSpec& spec,
                          const Scenario& base) {
  const MemoryBudget budget = machine_memory_budget();
  const toml::array* tables = root.get("parameter")->as_array();
  for (std::size_t i = 0; i < spec.parameters.size(); ++i) {
    const SweepParameter& p = spec.parameters[i];
    const auto [lo, hi] = p.values.empty()
                              ? std::pair{p.min, p.max}
                              : std::pair{*std::min_element(p.values.begin(), p.values.end()),
                                          *std::max_element(p.values.begin(), p.values.end())};
    for (const double v : {hi, lo}) {
      Scenario s = base;
      set_field(s, p.key, v);
      if (const auto issue = check_resources(s, budget))
        r.fail(tables->get(i), p.key,
               "at " + p.override_for(v) + " the runs cannot be done: " + issue->message +
                   "; narrow the parameter's range");
    }
  }
}

}  // namespace

double design_point_count(const SweepSpec& spec) {
  const double k = static_cast<double>(spec.parameters.size());
  switch (spec.design) {
    case Design::grid: {
      double n = 1;
      for (const auto& p : spec.parameters) n *= static_cast<double>(p.grid().size());
      return n;
    }
    case Design::lhs:
    case Design::sobol: return spec.points;
    case Design::saltelli: return spec.points * (k + 2);
    case Design::morris: return spec.points * (k + 1);
  }
  return 0;
}

double SweepParameter::at(double u) const {
  u = std::clamp(u, 0.0, 1.0);
  if (!values.empty()) {
    const auto i = std::min(values.size() - 1,
                            static_cast<std::size_t>(u * static_cast<double>(values.size())));
    return values[i];
  }
  // The ends exactly: exp(log(min)) and min + (max - min) can miss by an ulp.
  double v = u == 0.0              ? min
             : u == 1.0            ? max
             : scale == Scale::log ? std::exp(std::log(min) + u * (std::log(max) - std::log(min)))
                                   : min + u * (max - min);
  if (integer) v = std::round(v);
  return std::clamp(v, min, max);
}

std::vector<double> SweepParameter::grid() const {
  if (!values.empty()) return values;
  std::vector<double> g;
  for (int i = 0; i < steps; ++i) {
    double v = at(static_cast<double>(i) / (steps - 1));
    if (g.empty() || g.back() != v) g.push_back(v);  // integer ranges may repeat
  }
  return g;
}

std::string SweepParameter::override_for(double value) const {
  if (boolean) return key + (value != 0.0 ? "=true" : "=false");
  if (integer) return key + "=" + std::to_string(static_cast<long long>(std::llround(value)));
  return key + "=" + toml_real(value);
}

SweepSpec load_sweep_spec(const std::filesystem::path& file) {
  SweepSpec spec;
  spec.source_name = file.string();
  spec.text = read_file(file);
  const Reader r(spec.source_name);
  toml::table root;
  try {
    root = toml::parse(std::string_view(spec.text), spec.source_name);
  } catch (const toml::parse_error& e) {
    throw ScenarioError(spec.source_name, static_cast<int>(e.source().begin.line), "",
                        std::string(e.description()) + "; fix the TOML syntax");
  }
  r.only(root, "",
         {"base", "design", "points", "levels", "replicates", "seed", "seed_policy", "fixed",
          "parameter", "outputs"});
  const std::string base = r.text(root, "base", "base", {}, "baseline");
  if (base != "baseline") spec.base = file.parent_path() / base;
  const std::string design =
      r.text(root, "design", "design", {"grid", "lhs", "sobol", "saltelli", "morris"}, "grid");
  spec.design = design == "lhs"        ? Design::lhs
                : design == "sobol"    ? Design::sobol
                : design == "saltelli" ? Design::saltelli
                : design == "morris"   ? Design::morris
                                       : Design::grid;
  const bool needs_points = spec.design != Design::grid;
  spec.points =
      static_cast<int>(r.integer(root, "points", "points", 1, 1000000, needs_points ? -1 : 0));
  if (needs_points && spec.points < 0)
    r.fail(nullptr, "points",
           "missing: the " + design + " design needs the number of points" +
               (spec.design == Design::saltelli ? " (base samples N)" : "") +
               (spec.design == Design::morris ? " (trajectories)" : ""));
  if (!needs_points && root.get("points"))
    r.fail(root.get("points"), "points",
           "a grid takes its points from the parameters' steps or values; remove points");
  spec.levels = static_cast<int>(r.integer(root, "levels", "levels", 2, 1000, 4));
  if (spec.design == Design::morris && spec.levels % 2 != 0)
    r.fail(root.get("levels"), "levels",
           "must be even for a Morris design (the step is levels / (2 (levels - 1)))");
  spec.replicates = static_cast<int>(r.integer(root, "replicates", "replicates", 1, 100000, 1));
  spec.seed = r.integer(root, "seed", "seed", 0, 9007199254740992LL, 1);
  spec.seed_policy = r.text(root, "seed_policy", "seed_policy", {"common", "independent"},
                            "common") == "independent"
                         ? SeedPolicy::independent
                         : SeedPolicy::common;
  if (const toml::node* f = root.get("fixed")) {
    if (!f->is_table()) r.fail(f, "fixed", "expected a table of scenario keys and values");
    flatten_fixed(*f->as_table(), "", spec.fixed);
  }

  Scenario probe;
  const auto specs = bind_params(probe);
  const KeyIndex keys(specs);
  std::set<std::string> seen;
  const toml::node* ps = root.get("parameter");
  if (!ps || !ps->is_array_of_tables() || ps->as_array()->empty())
    r.fail(ps, "parameter",
           "missing: add at least one [[parameter]] table with key and min/max or values");
  int n = 0;
  for (const auto& node : *ps->as_array())
    spec.parameters.push_back(read_parameter(
        r, *node.as_table(), "parameter[" + std::to_string(n++) + "]", keys, seen, spec.design));
  for (const auto& fixed : spec.fixed) {
    const std::string key = fixed.substr(0, fixed.find('='));
    if (seen.count(key))
      r.fail(root.get("fixed"), "fixed." + key, "is also a swept parameter; keep it in one place");
    if (const auto why = set_by_the_sweep(key); !why.empty())
      r.fail(root.get("fixed"), "fixed." + key, why);
  }
  if (const toml::node* o = root.get("outputs")) {
    const auto* t = o->as_table();
    if (!t) r.fail(o, "outputs", "expected a table");
    r.only(*t, "outputs", {"metrics", "events", "agents"});
    if (const toml::node* m = t->get("metrics")) {
      const auto* arr = m->as_array();
      if (!arr) r.fail(m, "outputs.metrics", "expected a list of /timeseries metric names");
      std::vector<std::string> names;
      for (const auto& d : metric_defs()) names.push_back(d.name);
      for (const auto& v : *arr) {
        if (!v.is_string())
          r.fail(&v, "outputs.metrics", "expected a metric name, found " + describe_value(v));
        const std::string name = *v.value<std::string>();
        if (std::find(names.begin(), names.end(), name) == names.end()) {
          const std::string guess = nearest(name, names);
          r.fail(&v, "outputs.metrics",
                 "'" + name + "' is not a metric" +
                     (guess.empty() ? " (incubsim schema lists them)"
                                    : "; did you mean '" + guess + "'?"));
        }
        spec.metrics.push_back(name);
      }
    }
    if (const toml::node* e = t->get("events")) {
      if (!e->is_boolean()) r.fail(e, "outputs.events", "expected true or false");
      spec.keep_events = *e->value<bool>();
    }
    if (const toml::node* e = t->get("agents")) {
      if (!e->is_boolean()) r.fail(e, "outputs.agents", "expected true or false");
      spec.keep_agents = *e->value<bool>();
    }
  }
  const double points = design_point_count(spec);
  const double runs = points * spec.replicates;
  if (runs > static_cast<double>(kMaxSweepRuns)) {
    const bool grid = spec.design == Design::grid;
    const std::string key = points > static_cast<double>(kMaxSweepRuns)
                                ? (grid ? "parameter" : "points")
                                : "replicates";
    const char* lower = grid ? "the parameters' steps or values, or replicates"
                        : spec.design == Design::saltelli || spec.design == Design::morris
                            ? "points, replicates or the number of parameters"
                            : "points or replicates";
    r.fail(root.get(key), key,
           "the sweep would make " + compact_count(runs) + " runs (" + compact_count(points) +
               " design points x " + std::to_string(spec.replicates) +
               " replicates); the limit is " + std::to_string(kMaxSweepRuns) + "; lower " + lower);
  }
  // The base with the fixed overrides must load: errors surface at plan time.
  const Scenario resolved =
      spec.base.empty() ? load_default_scenario(spec.fixed) : load_scenario(spec.base, spec.fixed);
  check_parameter_ends(r, root, spec, resolved);
  return spec;
}

std::string_view to_string(Design d) {
  switch (d) {
    case Design::grid: return "grid";
    case Design::lhs: return "lhs";
    case Design::sobol: return "sobol";
    case Design::saltelli: return "saltelli";
    case Design::morris: return "morris";
  }
  return "unknown";
}

std::string_view to_string(Scale s) {
  return s == Scale::log ? "log" : "linear";
}
std::string_view to_string(SeedPolicy s) {
  return s == SeedPolicy::independent ? "independent" : "common";
}

}  // namespace incubsim
