#include "golden/import_config.hpp"

#include <filesystem>

#include "fx/type_parser.hpp"
#include "golden/train_config.hpp"
#include "util/toml_table.hpp"

namespace fxsim::golden {
namespace {

using util::TomlTable;

[[noreturn]] void raise(const std::string& message) { throw ConfigError(message); }

template <typename T>
void integer(const TomlTable& t, const std::string& key, T& out, std::int64_t lo, std::int64_t hi) {
  if (auto v = t.integer_in(key, lo, hi)) out = static_cast<T>(*v);
}

// A number in (0, hi] (lo_open) or [lo, hi].
void number(const TomlTable& t, const std::string& key, double& out, double lo, double hi,
            bool lo_open) {
  const std::optional<double> v = t.number(key);
  if (!v) return;
  if ((lo_open ? *v <= lo : *v < lo) || *v > hi) {
    t.fail(key, "expected a number in " + std::string(lo_open ? "(" : "[") + std::to_string(lo) +
                    ", " + std::to_string(hi) + "], got " + std::to_string(*v));
  }
  out = *v;
}

// A path relative to the config file's folder.
void path(const TomlTable& t, const std::string& key, std::string& out,
          const std::filesystem::path& base) {
  if (auto v = t.string(key)) {
    const std::filesystem::path p(*v);
    out = (p.is_absolute() ? p : base / p).lexically_normal().string();
  }
}

}  // namespace

ImportOptions parse_import_config(const std::string& text, const std::string& source) {
  const util::TomlErrors errors(source, /*columns=*/false, raise);
  const toml::table doc = util::parse_toml(text, errors);
  const TomlTable top(errors, &doc, "", {}, {"input", "quant", "data"});
  const std::filesystem::path base = std::filesystem::path(source).parent_path();
  ImportOptions o;
  const TomlTable in = top.sub("input", {"divisor", "mean", "std"});
  number(in, "divisor", o.input_divisor, 0.0, 1e9, true);
  number(in, "mean", o.input_mean, -1e9, 1e9, false);
  number(in, "std", o.input_std, 0.0, 1e9, true);
  const TomlTable q = top.sub("quant", {"weight_bits", "mac_bits", "bits", "logit_bits", "rounding",
                                        "khot_scale", "weight_kind", "weight_k", "simd"});
  integer(q, "weight_bits", o.weight_bits, 2, 32);
  integer(q, "mac_bits", o.mac_bits, 2, 32);
  integer(q, "bits", o.elementwise_bits, 2, 32);
  integer(q, "logit_bits", o.logit_bits, 2, 32);
  if (auto r = q.string("rounding")) {
    try {
      o.rounding = fx::parse_rounding(*r);
    } catch (const std::invalid_argument& e) {
      q.fail(*q.find("rounding"), "rounding", e.what());
    }
  }
  integer(q, "khot_scale", o.khot_k, 0, 8);
  o.weight_kind =
      q.name<std::string>("weight_kind", {{"fixed", "fixed"}, {"khot", "khot"}, {"spt", "spt"}})
          .value_or(o.weight_kind);
  integer(q, "weight_k", o.weight_k, 1, 8);
  integer(q, "simd", o.simd, 1, 1024);
  const TomlTable d =
      top.sub("data", {"dir", "calibration_images", "test_images", "calibration_idx", "test_idx",
                       "test_labels_idx", "calibration_raw", "test_raw", "test_labels_raw"});
  path(d, "dir", o.data_dir, base);
  integer(d, "calibration_images", o.calibration_images, 1, 1000000);
  integer(d, "test_images", o.test_images, 0, 1000000);
  path(d, "calibration_idx", o.calibration_idx, base);
  path(d, "test_idx", o.test_idx, base);
  path(d, "test_labels_idx", o.test_labels_idx, base);
  path(d, "calibration_raw", o.calibration_raw, base);
  path(d, "test_raw", o.test_raw, base);
  path(d, "test_labels_raw", o.test_labels_raw, base);
  return o;
}

ImportOptions load_import_config(const std::string& path) {
  const util::TomlErrors errors(path, /*columns=*/false, raise);
  return parse_import_config(util::read_toml_file(path, "the import config", errors), path);
}

}  // namespace fxsim::golden
