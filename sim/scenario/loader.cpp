#include "scenario/loader.hpp"

#include <toml++/toml.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <map>
#include <memory>

#include "core/errors.hpp"
#include "scenario/assign.hpp"
#include "scenario/key_index.hpp"
#include "scenario/params.hpp"
#include "scenario/resources.hpp"

namespace incubsim {
namespace {

namespace fs = std::filesystem;

// Bases a chain may have below the file itself; deeper chains are a mistake
// more often than a design.
constexpr std::size_t kMaxBaseDepth = 16;
constexpr std::string_view kOverrideSource = "--set";
constexpr std::string_view kDefaultsSource = "<defaults>";

struct FileCloser {
  void operator()(std::FILE* f) const { std::fclose(f); }
};

// `named_by` says which file's base key names `path`, if any.
std::string read_scenario_file(const fs::path& path, const std::string& named_by = {}) {
  const auto fail = [&](int err) {
    return IoError(path.string(), "cannot read scenario file: " + std::string(std::strerror(err)) +
                                      "; check the path" +
                                      (named_by.empty() ? "" : " (the base of " + named_by + ")"));
  };
  std::unique_ptr<std::FILE, FileCloser> f(std::fopen(path.c_str(), "rb"));
  if (!f) throw fail(errno);
  std::string text;
  char buf[1 << 16];
  std::size_t n = 0;
  while ((n = std::fread(buf, 1, sizeof buf, f.get())) > 0) text.append(buf, n);
  if (std::ferror(f.get())) throw fail(errno);
  return text;
}

toml::table parse_toml(std::string_view text, const std::string& source) {
  try {
    return toml::parse(text, std::string_view(source));
  } catch (const toml::parse_error& e) {
    throw ScenarioError(source, static_cast<int>(e.source().begin.line), "",
                        std::string(e.description()) + "; fix the TOML syntax");
  }
}

std::string trim(std::string_view s) {
  const auto b = s.find_first_not_of(" \t");
  if (b == std::string_view::npos) return {};
  const auto e = s.find_last_not_of(" \t");
  return std::string(s.substr(b, e - b + 1));
}

// The value of `--set key=<text>`: TOML if it parses as one value, else the
// text as a string, so that a bare word reaches the type check.
toml::table parse_override_value(const std::string& text) {
  try {
    toml::table t = toml::parse("v = " + text);
    if (t.size() == 1 && t.contains("v")) return t;
  } catch (const toml::parse_error&) {
  }
  toml::table t;
  t.insert("v", text);
  return t;
}

// One file of a base chain, parsed.
struct Layer {
  toml::table table;
  std::string source;    // name in messages
  fs::path dir;          // where its relative base is looked up
  std::string identity;  // for cycle detection
};

std::string chain_text(const std::vector<Layer>& layers, const std::string& last) {
  std::string out;
  for (const auto& l : layers) out += l.source + " -> ";
  return out + last;
}

// The root layer and its bases, root first.
std::vector<Layer> resolve_chain(Layer root) {
  std::vector<Layer> layers;
  layers.push_back(std::move(root));
  for (;;) {
    const Layer& cur = layers.back();
    const toml::node* base = cur.table.get("base");
    if (base == nullptr) break;
    const int line = static_cast<int>(base->source().begin.line);
    const auto* name = base->as_string();
    if (name == nullptr || name->get().empty())
      throw ScenarioError(
          cur.source, line, "base",
          "expected a path relative to this file, or \"baseline\", found " + describe_value(*base));
    Layer next;
    const bool builtin = name->get() == kBaselineBaseName;
    if (builtin) {
      next.source = std::string(kBaselineSourceName);
      next.identity = next.source;
    } else {
      const fs::path path = (cur.dir / name->get()).lexically_normal();
      next.source = path.string();
      next.dir = path.parent_path();
      std::error_code ec;
      const fs::path canonical = fs::weakly_canonical(path, ec);
      next.identity = ec ? path.string() : canonical.string();
    }
    for (const auto& l : layers)
      if (l.identity == next.identity)
        throw ScenarioError(cur.source, line, "base",
                            "the base chain forms a cycle: " + chain_text(layers, next.source) +
                                "; remove one of these base keys");
    if (layers.size() > kMaxBaseDepth)
      throw ScenarioError(cur.source, line, "base",
                          "the base chain is deeper than " + std::to_string(kMaxBaseDepth) +
                              " files: " + chain_text(layers, next.source) +
                              "; base fewer files on each other");
    const std::string text =
        builtin ? std::string(embedded_baseline_text())
                : read_scenario_file(next.source, cur.source + ":" + std::to_string(line));
    next.table = parse_toml(text, next.source);
    layers.push_back(std::move(next));
  }
  return layers;
}

// Where a key was last set, to blame the right line for a consistency error.
struct Origin {
  std::string file;
  int line = 0;
  std::uint64_t order = 0;  // assignments are numbered: later sources win blame
};

// A TOML entry with its dotted key; tables are listed before their contents.
struct Entry {
  std::string key;
  const toml::node* node;
};

void flatten(const toml::table& t, const std::string& prefix, std::vector<Entry>& out) {
  for (auto&& [k, v] : t) {
    const std::string key =
        prefix.empty() ? std::string(k.str()) : prefix + "." + std::string(k.str());
    if (prefix.empty() && key == "base") continue;  // resolved by resolve_chain
    out.push_back({key, &v});
    if (const auto* sub = v.as_table()) flatten(*sub, key, out);
  }
}

// Applies layers and overrides to a Scenario that starts from the defaults.
// Not copyable: the registry points into scenario_.
class Resolver {
 public:
  Resolver() : specs_(bind_params(scenario_)), keys_(specs_) {}
  Resolver(const Resolver&) = delete;
  Resolver& operator=(const Resolver&) = delete;

  void apply(const toml::table& table, const std::string& source) {
    std::vector<Entry> entries;
    flatten(table, "", entries);
    // toml++ tables iterate in key order; report the first problem in the file.
    std::stable_sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) {
      return a.node->source().begin.line < b.node->source().begin.line;
    });
    const ValueSource where{source, true};
    for (const Entry& e : entries) {
      const int line = where.line_of(*e.node);
      const ParamSpec* spec = keys_.find(e.key);
      if (e.node->is_table()) {
        if (spec != nullptr)
          throw ScenarioError(source, line, e.key,
                              "expected " + std::string(to_string(spec->type())) +
                                  ", found a table; write " + spec->name() + " = <value> under [" +
                                  spec->section() + "]");
        if (!keys_.is_section(e.key))
          throw ScenarioError(source, line, e.key, keys_.unknown_section_message(e.key));
        continue;
      }
      if (keys_.is_section(e.key))
        throw ScenarioError(source, line, e.key,
                            "is a section, not a key; write its keys under [" + e.key + "]");
      if (spec == nullptr)
        throw ScenarioError(source, line, e.key, keys_.unknown_key_message(e.key));
      assign_param(*spec, *e.node, where);
      origins_[e.key] = Origin{source, line, ++assignments_};
    }
  }

  void apply_override(const std::string& text) {
    const std::string src(kOverrideSource);
    const auto eq = text.find('=');
    if (eq == std::string::npos)
      throw ScenarioError(src, 0, "",
                          "'" + text +
                              "' has no '='; write --set section.key=value, e.g. --set "
                              "firms.fixed_cost=0.08");
    const std::string key = trim(std::string_view(text).substr(0, eq));
    if (key.empty())
      throw ScenarioError(src, 0, "", "'" + text + "' names no key; write --set section.key=value");
    if (keys_.is_section(key))
      throw ScenarioError(src, 0, key,
                          "is a section, not a key; write --set " + key + ".<key>=value");
    const ParamSpec* spec = keys_.find(key);
    if (spec == nullptr) throw ScenarioError(src, 0, key, keys_.unknown_key_message(key));
    const toml::table value = parse_override_value(trim(std::string_view(text).substr(eq + 1)));
    assign_param(*spec, *value.get("v"), ValueSource{src, false});
    origins_[key] = Origin{src, 0, ++assignments_};
  }

  Scenario finish(ResourceCheck resources) const {
    if (const auto issue = check_consistency(scenario_)) throw blame(*issue);
    if (resources == ResourceCheck::off) return scenario_;
    // Only a consistent scenario is sized: the estimate reads list lengths
    // and windows that the consistency check vouches for.
    if (const auto issue = check_resources(scenario_, machine_memory_budget()))
      throw blame(*issue, /*largest_first=*/true);
    return scenario_;
  }

 private:
  // Blames the involved key set most recently (the user's latest edit, e.g.
  // a --set that changed the sector list), or with `largest_first` the first
  // involved key that any source set (keys come largest contribution first,
  // and `--quarters 4` should not take the blame for 10^12 firms); the
  // defaults only when no source set any of them.
  ScenarioError blame(const ConsistencyIssue& issue, bool largest_first = false) const {
    std::string key = issue.key;
    Origin o{std::string(kDefaultsSource), 0, 0};
    std::vector<std::string> involved{issue.key};
    involved.insert(involved.end(), issue.related.begin(), issue.related.end());
    for (const auto& k : involved) {
      if (const auto it = origins_.find(k); it != origins_.end() && it->second.order > o.order) {
        key = k;
        o = it->second;
        if (largest_first) break;
      }
    }
    return ScenarioError(o.file, o.line, key, issue.message);
  }

  Scenario scenario_;
  std::vector<ParamSpec> specs_;
  KeyIndex keys_;
  std::map<std::string, Origin> origins_;
  std::uint64_t assignments_ = 0;
};

Scenario resolve(Layer root, const std::vector<std::string>& overrides,
                 ResourceCheck resources = ResourceCheck::on) {
  const std::vector<Layer> layers = resolve_chain(std::move(root));
  Resolver r;
  for (auto it = layers.rbegin(); it != layers.rend(); ++it) r.apply(it->table, it->source);
  for (const auto& o : overrides) r.apply_override(o);
  return r.finish(resources);
}

}  // namespace

Scenario parse_scenario(std::string_view text, const std::string& source_name,
                        const fs::path& base_dir, const std::vector<std::string>& overrides,
                        ResourceCheck resources) {
  Layer root;
  root.table = parse_toml(text, source_name);
  root.source = source_name;
  root.dir = base_dir;
  root.identity = source_name;
  return resolve(std::move(root), overrides, resources);
}

Scenario load_scenario(const fs::path& file, const std::vector<std::string>& overrides) {
  Layer root;
  root.source = file.string();
  root.table = parse_toml(read_scenario_file(file), root.source);
  root.dir = file.parent_path();
  std::error_code ec;
  const fs::path canonical = fs::weakly_canonical(file, ec);
  root.identity = ec ? file.lexically_normal().string() : canonical.string();
  return resolve(std::move(root), overrides);
}

}  // namespace incubsim
