// The affine integer layers of a version-3 model file (docs/golden.md, "Model file"): an
// affine_dense layer as JSON plus its weight and bias blocks, and back.
#include <cmath>
#include <stdexcept>

#include "fx/type_parser.hpp"
#include "golden/model_file_io.hpp"

namespace fxsim::golden::model_file_io {
namespace {

json affine_type_json(const fx::AffineType& t) {
  json scales = json::array();
  // float -> double is exact, and the JSON writer prints doubles so that they read back equal:
  // the float32 scale survives the text round trip bit for bit.
  for (float s : t.params.scales) scales.push_back(static_cast<double>(s));
  return {{"format", t.format.str()},
          {"scales", scales},
          {"zero_points", t.params.zero_points},
          {"axis", t.params.axis}};
}

fx::AffineType read_affine_type(const Reader& r, const json& j, const char* key,
                                const std::string& where) {
  const std::string w = where + "." + key;
  const json& tj = r.at(j, key, where);
  r.known_keys(tj, w, {"format", "scales", "zero_points", "axis"});
  fx::AffineType t;
  try {
    t.format = fx::parse_affine_int(r.at(tj, "format", w).get<std::string>());
  } catch (const std::exception& e) {
    r.fail(w + ".format", std::string("type mismatch: ") + e.what());
  }
  for (const json& s : r.at(tj, "scales", w)) {
    const double v = s.get<double>();
    const auto f = static_cast<float>(v);
    if (!std::isfinite(v) || static_cast<double>(f) != v) {
      r.fail(w + ".scales", s.dump() + " is not a float32 value");
    }
    t.params.scales.push_back(f);
  }
  t.params.zero_points = r.at(tj, "zero_points", w).get<std::vector<std::int32_t>>();
  t.params.axis = r.at(tj, "axis", w).get<int>();
  try {
    t.validate();
  } catch (const std::exception& e) {
    r.fail(w, e.what());
  }
  return t;
}

std::vector<std::int64_t> widen(const std::vector<std::int32_t>& v) {
  return std::vector<std::int64_t>(v.begin(), v.end());
}

}  // namespace

json affine_layer_json(const AffineDense& l, BlockWriter& blocks) {
  json j = {
      {"kind", "affine_dense"},
      {"name", l.name},
      {"in_features", l.in_features},
      {"out_features", l.out_features},
      {"input", affine_type_json(l.input_type)},
      {"weight", affine_type_json(l.weight_type)},
      {"output", affine_type_json(l.output_type)},
      {"acc_width", l.acc_width},
      {"requant", to_string(l.method)},
      {"multiplier_bits", l.multiplier_bits},
      {"integer_rounding", l.integer_rounding == fx::IntegerRounding::DOUBLE ? "double" : "single"},
      {"relu", l.relu},
      {"weights", blocks.add(l.name + ".weights", l.weight_q)}};
  if (!l.bias_q.empty()) j["bias"] = blocks.add(l.name + ".bias", widen(l.bias_q));
  return j;
}

AffineDense read_affine_layer(const Reader& r, const json& j, const std::string& where) {
  r.known_keys(
      j, where,
      {"kind", "name", "in_features", "out_features", "input", "weight", "output", "acc_width",
       "requant", "multiplier_bits", "integer_rounding", "relu", "weights", "bias"});
  AffineDense l;
  l.name = r.at(j, "name", where).get<std::string>();
  l.in_features = r.at(j, "in_features", where).get<int>();
  l.out_features = r.at(j, "out_features", where).get<int>();
  if (l.in_features < 1 || l.out_features < 1 || l.in_features > (1 << 20) ||
      l.out_features > (1 << 20)) {
    r.fail(where, "impossible shape " + std::to_string(l.out_features) + " x " +
                      std::to_string(l.in_features));
  }
  l.input_type = read_affine_type(r, j, "input", where);
  l.weight_type = read_affine_type(r, j, "weight", where);
  l.output_type = read_affine_type(r, j, "output", where);
  l.acc_width = r.at(j, "acc_width", where).get<int>();
  try {
    l.method = parse_requant_method(r.at(j, "requant", where).get<std::string>());
  } catch (const std::invalid_argument& e) {
    r.fail(where + ".requant", e.what());
  }
  l.multiplier_bits = r.at(j, "multiplier_bits", where).get<int>();
  const std::string rounding = r.at(j, "integer_rounding", where).get<std::string>();
  if (rounding != "double" && rounding != "single") {
    r.fail(where + ".integer_rounding", "'" + rounding + "'; expected double or single");
  }
  l.integer_rounding =
      rounding == "double" ? fx::IntegerRounding::DOUBLE : fx::IntegerRounding::SINGLE;
  l.relu = r.at(j, "relu", where).get<bool>();
  l.weight_q =
      r.block(j, "weights", where, static_cast<std::size_t>(l.in_features) * l.out_features);
  if (j.contains("bias")) {
    for (std::int64_t b : r.block(j, "bias", where, static_cast<std::size_t>(l.out_features))) {
      if (b < INT32_MIN || b > INT32_MAX) r.fail(where + ".bias", "value outside int32");
      l.bias_q.push_back(static_cast<std::int32_t>(b));
    }
  }
  try {
    validate(l);
  } catch (const std::invalid_argument& e) {
    r.fail(where, e.what());
  }
  return l;
}

}  // namespace fxsim::golden::model_file_io
