// The framing pieces of the model file (golden/model_file.hpp) shared by the translation units
// that write and read its parts: the block writer, the little-endian byte helpers and the checked
// JSON reader (every key known, every error "PATH: WHERE.KEY: what"). Internal to golden/.
#pragma once

#include <algorithm>
#include <cstdint>
#include <initializer_list>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "fx/fx_type.hpp"
#include "fx/type_parser.hpp"
#include "golden/affine_dense.hpp"
#include "golden/bipolar_network.hpp"
#include "golden/model_file.hpp"

namespace fxsim::golden::model_file_io {

using nlohmann::json;

struct BlockWriter {
  json index = json::array();
  std::vector<std::int64_t> data;
  std::string add(const std::string& name, const std::vector<std::int64_t>& values) {
    index.push_back({{"name", name}, {"count", values.size()}, {"offset", data.size() * 8}});
    data.insert(data.end(), values.begin(), values.end());
    return name;
  }
};

inline void put_u32(std::string& out, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}
inline void put_u64(std::string& out, std::uint64_t v) {
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}
inline std::uint64_t get_u64(const unsigned char* p) {
  std::uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | p[i];
  return v;
}
inline std::uint32_t get_u32(const unsigned char* p) {
  return std::uint32_t{p[0]} | (std::uint32_t{p[1]} << 8) | (std::uint32_t{p[2]} << 16) |
         (std::uint32_t{p[3]} << 24);
}

// "WHERE.KEY: unknown key; expected one of ..." for the first key of object j (in the JSON
// library's key order) that is not one of `keys`; "" when every key is known.
inline std::string unknown_key(const json& j, const std::string& where,
                               std::initializer_list<const char*> keys) {
  for (const auto& item : j.items()) {
    const std::string& key = item.key();
    if (std::find(keys.begin(), keys.end(), key) != keys.end()) continue;
    std::string list;
    for (const char* k : keys) list += (list.empty() ? "" : ", ") + std::string(k);
    return (where.empty() ? key : where + "." + key) + ": unknown key; expected one of " + list;
  }
  return "";
}

class Reader {
 public:
  Reader(std::string path, const json& header, const unsigned char* data)
      : path_(std::move(path)), header_(header), data_(data) {
    for (const json& b : header.at("blocks")) {
      blocks_[b.at("name").get<std::string>()] = {b.at("offset").get<std::uint64_t>(),
                                                  b.at("count").get<std::uint64_t>()};
    }
  }

  const std::string& path() const { return path_; }

  [[noreturn]] void fail(const std::string& where, const std::string& what) const {
    throw ModelFileError(path_ + ": " + where + ": " + what);
  }

  // A typo must not be silently ignored: every key of the object `where` is one this reader
  // knows.
  void known_keys(const json& j, const std::string& where,
                  std::initializer_list<const char*> keys) const {
    if (!j.is_object()) fail(where, "expected a JSON object, got " + j.dump());
    const std::string wrong = unknown_key(j, where, keys);
    if (!wrong.empty()) throw ModelFileError(path_ + ": " + wrong);
  }

  const json& at(const json& j, const char* key, const std::string& where) const {
    if (!j.is_object() || !j.contains(key)) fail(where, std::string("missing key '") + key + "'");
    return j.at(key);
  }

  fx::FxType fx_type(const json& j, const char* key, const std::string& where) const {
    const std::string field = where + "." + key;
    try {
      return fx::parse_fx_type(at(j, key, where).get<std::string>());
    } catch (const std::exception& e) {
      fail(field, std::string("type mismatch: ") + e.what());
    }
  }

  fx::NumType num_type(const json& j, const char* key, const std::string& where) const {
    try {
      return fx::parse_type(at(j, key, where).get<std::string>());
    } catch (const std::exception& e) {
      fail(where + "." + key, std::string("type mismatch: ") + e.what());
    }
  }

  std::vector<std::int64_t> block(const json& j, const char* key, const std::string& where,
                                  std::size_t expected) const {
    const std::string name = at(j, key, where).get<std::string>();
    const auto it = blocks_.find(name);
    if (it == blocks_.end()) fail(where + "." + key, "no block named '" + name + "'");
    const auto [offset, count] = it->second;
    if (count != expected) {
      fail(where + "." + key, "block '" + name + "' has " + std::to_string(count) +
                                  " elements, expected " + std::to_string(expected));
    }
    std::vector<std::int64_t> v(count);
    for (std::size_t i = 0; i < count; ++i) {
      v[i] = static_cast<std::int64_t>(get_u64(data_ + offset + 8 * i));
    }
    return v;
  }

 private:
  std::string path_;
  const json& header_;
  const unsigned char* data_;
  std::map<std::string, std::pair<std::uint64_t, std::uint64_t>> blocks_;
};

// ---- affine integer layers (version 3, golden/model_file_affine.cpp) --------------------------

// One affine_dense layer: its shape, the three affine types ({"format", "scales", "zero_points",
// "axis"}: float32 scales written with round-trip precision), accumulator width, requantization
// method, multiplier bits and rounding, ReLU, and its weight and bias blocks.
json affine_layer_json(const AffineDense& l, BlockWriter& blocks);
// Reads it back (every key known, every value checked, then golden::validate naming the field).
AffineDense read_affine_layer(const Reader& r, const json& j, const std::string& where);

// ---- bn_act and binary / ternary layers (version 4, golden/model_file_bipolar.cpp)
// ---------------

// A layer's bn_act as versions 1 and 2 write it ("NAME.bn.scale", "NAME.bn.bias" blocks), and
// its reader (n channels; K-hot scales checked against their "scale_terms").
json bn_json(const std::string& layer, const BnActLayer& b, BlockWriter& blocks);
BnActLayer read_bn(const Reader& r, const json& bj, const std::string& bw, std::size_t n);

// One bipolar_dense layer: shape, types (input "binary" for bits), the v's, and its bn or its
// thresholds ({"output": "binary", "count": 1, "direction", "values"}).
json bipolar_layer_json(const BipolarDense& l, BlockWriter& blocks);
// Reads it back (every key known, every value checked, then golden::validate naming the field).
BipolarDense read_bipolar_layer(const Reader& r, const json& j, const std::string& where);

}  // namespace fxsim::golden::model_file_io
