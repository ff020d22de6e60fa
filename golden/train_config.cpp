#include "golden/train_config.hpp"

#include <toml++/toml.h>

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>

#include "fx/type_parser.hpp"

namespace fxsim::golden {
namespace {

int line_of(const toml::node& n) { return std::max<int>(1, n.source().begin.line); }

// Reads one table: every key must be known; values are type- and range-checked.
class Table {
 public:
  Table(std::string file, const toml::table& t, std::string prefix,
        std::initializer_list<const char*> allowed)
      : file_(std::move(file)), t_(t), prefix_(std::move(prefix)) {
    std::set<std::string> ok(allowed.begin(), allowed.end());
    for (const auto& [key, node] : t_) {
      if (!ok.count(std::string(key.str()))) {
        fail(node, std::string(key.str()), "unknown key");
      }
    }
  }

  [[noreturn]] void fail(const toml::node& n, const std::string& key,
                         const std::string& what) const {
    throw ConfigError(file_ + ":" + std::to_string(line_of(n)) + ": " + prefix_ + key + ": " +
                      what);
  }

  const toml::table* table(const char* key) const {
    const toml::node* n = t_.get(key);
    if (!n) return nullptr;
    if (!n->is_table()) fail(*n, key, "expected a table");
    return n->as_table();
  }

  template <class T>
  void integer(const char* key, T& out, long long lo, long long hi) const {
    const toml::node* n = t_.get(key);
    if (!n) return;
    if (!n->is_integer()) fail(*n, key, "expected an integer");
    const long long v = n->as_integer()->get();
    if (v < lo || v > hi) {
      fail(*n, key,
           "expected " + std::to_string(lo) + ".." + std::to_string(hi) + ", found " +
               std::to_string(v));
    }
    out = static_cast<T>(v);
  }

  void number(const char* key, double& out, double lo, double hi) const {
    const toml::node* n = t_.get(key);
    if (!n) return;
    if (!n->is_number()) fail(*n, key, "expected a number");
    const double v = n->is_integer() ? static_cast<double>(n->as_integer()->get())
                                     : n->as_floating_point()->get();
    if (!(v > lo && v <= hi)) {
      std::ostringstream s;
      s << "expected a number in (" << lo << ", " << hi << "], found " << v;
      fail(*n, key, s.str());
    }
    out = v;
  }

  void string(const char* key, std::string& out) const {
    const toml::node* n = t_.get(key);
    if (!n) return;
    if (!n->is_string()) fail(*n, key, "expected a string");
    out = n->as_string()->get();
  }

  void boolean(const char* key, bool& out) const {
    const toml::node* n = t_.get(key);
    if (!n) return;
    if (!n->is_boolean()) fail(*n, key, "expected true or false");
    out = n->as_boolean()->get();
  }

  void int_list(const char* key, std::vector<int>& out, int lo, int hi, bool allow_empty) const {
    const toml::node* n = t_.get(key);
    if (!n) return;
    if (!n->is_array()) fail(*n, key, "expected an array of integers");
    out.clear();
    for (const toml::node& e : *n->as_array()) {
      if (!e.is_integer()) fail(e, key, "expected an array of integers");
      const long long v = e.as_integer()->get();
      if (v < lo || v > hi) {
        fail(e, key,
             "element " + std::to_string(v) + ": expected " + std::to_string(lo) + ".." +
                 std::to_string(hi));
      }
      out.push_back(static_cast<int>(v));
    }
    if (out.empty() && !allow_empty) fail(*n, key, "expected at least one element");
  }

  void string_list(const char* key, std::vector<std::string>& out,
                   const std::set<std::string>& allowed) const {
    const toml::node* n = t_.get(key);
    if (!n) return;
    if (!n->is_array()) fail(*n, key, "expected an array of strings");
    out.clear();
    for (const toml::node& e : *n->as_array()) {
      if (!e.is_string() || !allowed.count(e.as_string()->get())) {
        std::string names;
        for (const auto& a : allowed) names += (names.empty() ? "" : ", ") + a;
        fail(e, key, "expected an array of: " + names);
      }
      out.push_back(e.as_string()->get());
    }
  }

  const toml::node* node(const char* key) const { return t_.get(key); }

 private:
  std::string file_;
  const toml::table& t_;
  std::string prefix_;
};

}  // namespace

TrainConfig parse_train_config(const std::string& text, const std::string& source) {
  toml::table root;
  try {
    root = toml::parse(text, source);
  } catch (const toml::parse_error& e) {
    throw ConfigError(source + ":" + std::to_string(std::max<int>(1, e.source().begin.line)) +
                      ": toml: " + std::string(e.description()));
  }
  TrainConfig c;
  const Table top(source, root, "", {"seed", "data", "model", "float", "qat", "quant", "export"});
  long long seed = 1;
  top.integer("seed", seed, 0, (1LL << 53));
  c.seed = static_cast<std::uint64_t>(seed);
  if (const toml::table* t = top.table("data")) {
    const Table d(source, *t, "data.",
                  {"dir", "train_images", "test_images", "calibration_images"});
    d.string("dir", c.data_dir);
    d.integer("train_images", c.train_images, 0, 60000);
    d.integer("test_images", c.test_images, 0, 10000);
    d.integer("calibration_images", c.calibration_images, 1, 60000);
  }
  if (const toml::table* t = top.table("model")) {
    const Table m(source, *t, "model.", {"hidden"});
    m.int_list("hidden", c.hidden, 1, 4096, /*allow_empty=*/true);
  }
  if (const toml::table* t = top.table("float")) {
    const Table f(source, *t, "float.", {"epochs", "batch_size", "learning_rate"});
    f.integer("epochs", c.epochs, 1, 1000);
    f.integer("batch_size", c.batch_size, 2, 65536);
    f.number("learning_rate", c.learning_rate, 0.0, 10.0);
  }
  if (const toml::table* t = top.table("qat")) {
    const Table q(source, *t, "qat.", {"epochs", "learning_rate", "binary_point_learning_rate"});
    q.integer("epochs", c.qat_epochs, 0, 1000);
    q.number("learning_rate", c.qat_learning_rate, 0.0, 10.0);
    q.number("binary_point_learning_rate", c.binary_point_learning_rate, 0.0, 10.0);
  }
  if (const toml::table* t = top.table("quant")) {
    const Table q(source, *t, "quant.",
                  {"weight_bits", "mac_bits", "logit_bits", "elementwise_bits", "methods", "khot_k",
                   "khot_bits", "rounding", "simd"});
    q.integer("weight_bits", c.weight_bits, 2, 16);
    q.integer("mac_bits", c.mac_bits, 2, 24);
    q.integer("logit_bits", c.logit_bits, 2, 24);
    q.int_list("elementwise_bits", c.elementwise_bits, 2, 16, /*allow_empty=*/true);
    q.string_list("methods", c.methods, {"ptq", "qat", "qat_bp"});
    q.int_list("khot_k", c.khot_k, 1, 8, /*allow_empty=*/true);
    q.integer("khot_bits", c.khot_bits, 3, 16);
    q.integer("simd", c.simd, 1, 64);
    std::string rounding;
    q.string("rounding", rounding);
    if (!rounding.empty()) {
      try {
        c.rounding = fx::parse_rounding(rounding);
      } catch (const std::invalid_argument& e) {
        q.fail(*q.node("rounding"), "rounding", e.what());
      }
    }
    for (int k : c.khot_k) {
      if (k > c.khot_bits - 1) {
        q.fail(*q.node("khot_k"), "khot_k",
               "K = " + std::to_string(k) + " exceeds the " + std::to_string(c.khot_bits - 1) +
                   " magnitude bits of khot_bits = " + std::to_string(c.khot_bits));
      }
    }
  }
  if (const toml::table* t = top.table("export")) {
    const Table e(source, *t, "export.", {"models"});
    e.boolean("models", c.export_models);
  }
  return c;
}

TrainConfig load_train_config(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw ConfigError(path + ": cannot open");
  std::stringstream s;
  s << in.rdbuf();
  return parse_train_config(s.str(), path);
}

}  // namespace fxsim::golden
