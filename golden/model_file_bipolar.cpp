// The bipolar_dense layers of a version-4 model file (docs/golden.md, "Binary and ternary
// networks"): a binary / ternary MLP.
#include <string>

#include "golden/model_file_io.hpp"

namespace fxsim::golden::model_file_io {
namespace {

constexpr const char* kBinaryInput = "binary";  // types.input of a layer reading bits
constexpr const char* kBitOutput = "binary";    // thresholds.output: one bit per channel

}  // namespace

json bipolar_layer_json(const BipolarDense& l, BlockWriter& blocks) {
  std::vector<std::int64_t> v(l.weight_v.begin(), l.weight_v.end());
  json j = {{"kind", "bipolar_dense"},
            {"name", l.name},
            {"in_features", l.in_features},
            {"out_features", l.out_features},
            {"simd", l.simd},
            {"types",
             {{"input", l.binary_input ? std::string(kBinaryInput) : l.input_type.str()},
              {"weight", l.weight_type.str()},
              {"accumulator", l.acc_type.str()}}},
            {"weights", blocks.add(l.name + ".weights", v)}};
  if (l.bn) {
    j["bn"] = bn_json(l.name, *l.bn, blocks);
    return j;
  }
  std::vector<std::int64_t> direction, values;
  for (const units::ThresholdChannel& c : l.thresholds) {
    direction.push_back(c.descending ? 1 : 0);
    values.insert(values.end(), c.thresholds.begin(), c.thresholds.end());
  }
  j["thresholds"] = {{"output", kBitOutput},
                     {"count", 1},
                     {"direction", blocks.add(l.name + ".thresholds.direction", direction)},
                     {"values", blocks.add(l.name + ".thresholds.values", values)}};
  return j;
}

namespace {

std::vector<units::ThresholdChannel> read_thresholds(const Reader& r, const json& tj,
                                                     const std::string& tw, std::size_t n) {
  r.known_keys(tj, tw, {"output", "count", "direction", "values"});
  const std::string output = r.at(tj, "output", tw).get<std::string>();
  if (output != kBitOutput) {
    r.fail(tw + ".output", "'" + output + "'; expected '" + kBitOutput +
                               "' (one activation bit per channel: 1 = +1, 0 = -1)");
  }
  const int count = r.at(tj, "count", tw).get<int>();
  if (count != 1) {
    r.fail(tw + ".count", std::to_string(count) + "; expected 1 (the sign activation's one level)");
  }
  const std::vector<std::int64_t> direction = r.block(tj, "direction", tw, n);
  const std::vector<std::int64_t> values = r.block(tj, "values", tw, n);
  std::vector<units::ThresholdChannel> out(n);
  for (std::size_t c = 0; c < n; ++c) {
    if (direction[c] != 0 && direction[c] != 1) {
      r.fail(tw + ".direction", "element " + std::to_string(c) + " = " +
                                    std::to_string(direction[c]) +
                                    "; expected 0 (y = x >= t) or 1 (y = x <= t)");
    }
    out[c].descending = direction[c] == 1;
    out[c].thresholds = {values[c]};
  }
  return out;
}

}  // namespace

BipolarDense read_bipolar_layer(const Reader& r, const json& j, const std::string& where) {
  r.known_keys(j, where,
               {"kind", "name", "in_features", "out_features", "simd", "types", "weights", "bn",
                "thresholds"});
  BipolarDense l;
  l.name = r.at(j, "name", where).get<std::string>();
  l.in_features = r.at(j, "in_features", where).get<int>();
  l.out_features = r.at(j, "out_features", where).get<int>();
  l.simd = r.at(j, "simd", where).get<int>();
  if (l.in_features < 1 || l.out_features < 1 || l.in_features > (1 << 20) ||
      l.out_features > (1 << 20)) {
    r.fail(where, "impossible shape " + std::to_string(l.out_features) + " x " +
                      std::to_string(l.in_features));
  }
  const json& types = r.at(j, "types", where);
  const std::string tw = where + ".types";
  r.known_keys(types, tw, {"input", "weight", "accumulator"});
  l.binary_input = r.at(types, "input", tw).get<std::string>() == kBinaryInput;
  if (!l.binary_input) l.input_type = r.fx_type(types, "input", tw);
  try {
    l.weight_type = fx::parse_bipolar_type(r.at(types, "weight", tw).get<std::string>());
  } catch (const std::exception& e) {
    r.fail(tw + ".weight", std::string("type mismatch: ") + e.what());
  }
  l.acc_type = r.fx_type(types, "accumulator", tw);
  const std::size_t n = static_cast<std::size_t>(l.out_features);
  const std::vector<std::int64_t> v = r.block(j, "weights", where, n * l.in_features);
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (v[i] < -1 || v[i] > 1) {
      r.fail(where + ".weights", "element " + std::to_string(i) + " = " + std::to_string(v[i]) +
                                     " is not a v of " + l.weight_type.str());
    }
  }
  l.weight_v.assign(v.begin(), v.end());
  const bool bn = j.contains("bn") && !j.at("bn").is_null();
  const bool thresholds = j.contains("thresholds") && !j.at("thresholds").is_null();
  if (bn == thresholds) {
    r.fail(where, bn ? "both a bn and thresholds; expected one output stage"
                     : "missing key 'bn' or 'thresholds' (the layer's output stage)");
  }
  if (bn) l.bn = read_bn(r, j.at("bn"), where + ".bn", n);
  if (thresholds) l.thresholds = read_thresholds(r, j.at("thresholds"), where + ".thresholds", n);
  return l;
}

}  // namespace fxsim::golden::model_file_io
