#include "golden/model_file.hpp"

#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <map>
#include <nlohmann/json.hpp>

#include "golden/idx.hpp"

namespace fxsim::golden {
namespace {

using nlohmann::json;

constexpr char kMagic[8] = {'F', 'X', 'S', 'M', 'G', 'O', 'L', 'D'};
constexpr const char* kFormatName = "fxsim-golden-model";

// ---- writing ------------------------------------------------------------------------------------

struct BlockWriter {
  json index = json::array();
  std::vector<std::int64_t> data;
  std::string add(const std::string& name, const std::vector<std::int64_t>& values) {
    index.push_back({{"name", name}, {"count", values.size()}, {"offset", data.size() * 8}});
    data.insert(data.end(), values.begin(), values.end());
    return name;
  }
};

std::vector<std::int64_t> encode_terms(const BnActLayer& b) {
  const auto& k = std::get<fx::KhotType>(b.scale_type);
  std::vector<std::int64_t> codes;
  for (std::int64_t raw : b.scale_raw) {
    const std::vector<fx::Term> terms = fx::khot_encode(raw, k);
    for (int i = 0; i < k.k; ++i) {
      codes.push_back(i < static_cast<int>(terms.size()) ? term_code(terms[i]) : 0);
    }
  }
  return codes;
}

json bn_json(const std::string& layer, const BnActLayer& b, BlockWriter& blocks) {
  json bn = {{"scale_type", fx::type_str(b.scale_type)},
             {"bias_type", b.bias_type.str()},
             {"output_type", b.out_type.str()},
             {"activation", std::string(activation_name(b.act))},
             {"clip_raw", b.clip_raw},
             {"scale", blocks.add(layer + ".bn.scale", b.scale_raw)},
             {"bias", blocks.add(layer + ".bn.bias", b.bias_raw)}};
  if (b.khot_scale()) bn["scale_terms"] = blocks.add(layer + ".bn.scale_terms", encode_terms(b));
  return bn;
}

json layer_json(const DenseLayer& l, BlockWriter& blocks) {
  json j = {{"name", l.name},
            {"in_features", l.in_features},
            {"out_features", l.out_features},
            {"simd", l.simd},
            {"types",
             {{"input", l.input_type.str()},
              {"weight", l.weight_type.str()},
              {"accumulator", l.acc_type.str()},
              {"output", l.out_type.str()}}},
            {"weights", blocks.add(l.name + ".weights", l.weight_raw)}};
  if (l.bn) j["bn"] = bn_json(l.name, *l.bn, blocks);
  return j;
}

json map_json(const MapShape& s) {
  return {{"height", s.height}, {"width", s.width}, {"channels", s.channels}};
}

// Version 2: a feature layer with its "kind".
json layer_json(const FeatureLayer& f, BlockWriter& blocks) {
  if (const auto* p = std::get_if<MaxPoolLayer>(&f)) {
    return {{"kind", "max_pool"},
            {"name", p->name},
            {"input", map_json(input_shape(f))},
            {"size", p->size},
            {"type", p->type.str()}};
  }
  const auto& c = std::get<ConvLayer>(f);
  json j = {{"kind", "conv"},
            {"name", c.name},
            {"input", map_json(input_shape(f))},
            {"kernel", c.shape.kernel},
            {"stride", c.shape.stride},
            {"padding", c.shape.padding},
            {"out_channels", c.out_channels},
            {"simd", c.simd},
            {"types",
             {{"input", c.input_type.str()},
              {"weight", fx::type_str(c.weight_type)},
              {"accumulator", c.acc_type.str()},
              {"output", c.out_type.str()}}},
            {"weights", blocks.add(c.name + ".weights", c.weight_raw)}};
  if (c.bn) j["bn"] = bn_json(c.name, *c.bn, blocks);
  return j;
}

constexpr const char* kFlattenYxc = "yxc";

void put_u32(std::string& out, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}
void put_u64(std::string& out, std::uint64_t v) {
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}
std::uint64_t get_u64(const unsigned char* p) {
  std::uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | p[i];
  return v;
}
std::uint32_t get_u32(const unsigned char* p) {
  return std::uint32_t{p[0]} | (std::uint32_t{p[1]} << 8) | (std::uint32_t{p[2]} << 16) |
         (std::uint32_t{p[3]} << 24);
}

// ---- reading ------------------------------------------------------------------------------------

class Reader {
 public:
  Reader(std::string path, const json& header, const unsigned char* data)
      : path_(std::move(path)), header_(header), data_(data) {
    for (const json& b : header.at("blocks")) {
      blocks_[b.at("name").get<std::string>()] = {b.at("offset").get<std::uint64_t>(),
                                                  b.at("count").get<std::uint64_t>()};
    }
  }

  [[noreturn]] void fail(const std::string& where, const std::string& what) const {
    throw ModelFileError(path_ + ": " + where + ": " + what);
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

BnActLayer read_bn(const Reader& r, const json& bj, const std::string& bw, std::size_t n) {
  BnActLayer b;
  b.scale_type = r.num_type(bj, "scale_type", bw);
  b.bias_type = r.fx_type(bj, "bias_type", bw);
  b.out_type = r.fx_type(bj, "output_type", bw);
  try {
    b.act = parse_activation(r.at(bj, "activation", bw).get<std::string>());
  } catch (const std::invalid_argument& e) {
    r.fail(bw + ".activation", e.what());
  }
  b.clip_raw = r.at(bj, "clip_raw", bw).get<std::int64_t>();
  b.scale_raw = r.block(bj, "scale", bw, n);
  b.bias_raw = r.block(bj, "bias", bw, n);
  if (const auto* k = std::get_if<fx::KhotType>(&b.scale_type)) {
    std::vector<std::vector<fx::Term>> encoded(n);
    for (std::size_t c = 0; c < n; ++c) {
      try {
        encoded[c] = fx::khot_encode(b.scale_raw[c], *k);
      } catch (const std::exception& e) {
        r.fail(bw + ".scale", std::string("type mismatch: ") + e.what());
      }
    }
    const std::vector<std::int64_t> codes = r.block(bj, "scale_terms", bw, n * k->k);
    for (std::size_t c = 0; c < n; ++c) {
      const std::vector<fx::Term>& terms = encoded[c];
      for (int i = 0; i < k->k; ++i) {
        const std::int64_t expected = i < static_cast<int>(terms.size()) ? term_code(terms[i]) : 0;
        if (codes[c * k->k + i] != expected) {
          r.fail(bw + ".scale_terms",
                 "channel " + std::to_string(c) + " term " + std::to_string(i) + " is " +
                     std::to_string(codes[c * k->k + i]) + ", the scale " +
                     std::to_string(b.scale_raw[c]) + " encodes to " + std::to_string(expected));
        }
      }
    }
  } else if (bj.contains("scale_terms")) {
    r.fail(bw + ".scale_terms", "present for a fixed-point scale type");
  }
  return b;
}

std::string layer_where(int index) { return "layers[" + std::to_string(index) + "]"; }

DenseLayer read_layer(const Reader& r, const json& j, int index) {
  DenseLayer l;
  const std::string where = layer_where(index);
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
  l.input_type = r.fx_type(types, "input", tw);
  l.weight_type = r.fx_type(types, "weight", tw);
  l.acc_type = r.fx_type(types, "accumulator", tw);
  l.out_type = r.fx_type(types, "output", tw);
  l.weight_raw =
      r.block(j, "weights", where, static_cast<std::size_t>(l.in_features) * l.out_features);
  if (j.contains("bn")) {
    l.bn = read_bn(r, j.at("bn"), where + ".bn", static_cast<std::size_t>(l.out_features));
  }
  return l;
}

// A map side or channel count, bounded before anything is sized from it (validate() then checks
// the unit's own ranges).
int map_dim(const Reader& r, const json& j, const char* key, const std::string& where) {
  const int v = r.at(j, key, where).get<int>();
  if (v < 1 || v > 65536) r.fail(where + "." + key, std::to_string(v) + "; expected 1..65536");
  return v;
}

FeatureLayer read_conv(const Reader& r, const json& j, const std::string& where) {
  ConvLayer c;
  c.name = r.at(j, "name", where).get<std::string>();
  const json& in = r.at(j, "input", where);
  c.shape.height = map_dim(r, in, "height", where + ".input");
  c.shape.width = map_dim(r, in, "width", where + ".input");
  c.shape.channels = map_dim(r, in, "channels", where + ".input");
  c.shape.kernel = r.at(j, "kernel", where).get<int>();
  c.shape.stride = r.at(j, "stride", where).get<int>();
  c.shape.padding = r.at(j, "padding", where).get<int>();
  c.out_channels = map_dim(r, j, "out_channels", where);
  c.simd = r.at(j, "simd", where).get<int>();
  if (c.shape.kernel < 1 || c.shape.kernel > 7 || c.simd < 1 || c.simd > 64) {
    r.fail(where, "impossible kernel " + std::to_string(c.shape.kernel) + " or simd " +
                      std::to_string(c.simd));
  }
  const json& types = r.at(j, "types", where);
  const std::string tw = where + ".types";
  c.input_type = r.fx_type(types, "input", tw);
  c.weight_type = r.num_type(types, "weight", tw);
  c.acc_type = r.fx_type(types, "accumulator", tw);
  c.out_type = r.fx_type(types, "output", tw);
  c.weight_raw =
      r.block(j, "weights", where, static_cast<std::size_t>(c.out_channels) * c.window_size());
  if (j.contains("bn")) {
    c.bn = read_bn(r, j.at("bn"), where + ".bn", static_cast<std::size_t>(c.out_channels));
  }
  return c;
}

FeatureLayer read_max_pool(const Reader& r, const json& j, const std::string& where) {
  MaxPoolLayer p;
  p.name = r.at(j, "name", where).get<std::string>();
  const json& in = r.at(j, "input", where);
  p.height = map_dim(r, in, "height", where + ".input");
  p.width = map_dim(r, in, "width", where + ".input");
  p.channels = map_dim(r, in, "channels", where + ".input");
  p.size = r.at(j, "size", where).get<int>();
  p.type = r.fx_type(j, "type", where);
  return p;
}

// Version 2's layer list: conv / max_pool layers, then dense layers; the first dense layer after
// a feature layer names the flatten order.
void read_layers_v2(const Reader& r, const json& layers, QuantNetwork& m) {
  int index = 0;
  for (const json& lj : layers) {
    const std::string where = layer_where(index);
    const std::string kind = r.at(lj, "kind", where).get<std::string>();
    if (kind == "dense") {
      const bool first_after_features = m.layers.empty() && !m.features.empty();
      if (first_after_features) {
        const std::string order = r.at(lj, "flatten", where).get<std::string>();
        if (order != kFlattenYxc) {
          r.fail(where + ".flatten", "'" + order + "'; expected '" + kFlattenYxc +
                                         "' (the stream order: y, x, channels fastest)");
        }
      } else if (lj.contains("flatten")) {
        r.fail(where + ".flatten",
               "present on a dense layer that follows no conv / max_pool layer");
      }
      m.layers.push_back(read_layer(r, lj, index));
    } else if (kind == "conv" || kind == "max_pool") {
      if (!m.layers.empty()) {
        r.fail(where, "a " + kind +
                          " layer after a dense layer; expected conv / max_pool layers first, "
                          "then dense layers");
      }
      m.features.push_back(kind == "conv" ? read_conv(r, lj, where) : read_max_pool(r, lj, where));
    } else {
      r.fail(where + ".kind", "'" + kind + "'; expected dense, conv or max_pool");
    }
    ++index;
  }
}

std::vector<unsigned char> slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ModelFileError(path + ": cannot open");
  return std::vector<unsigned char>(std::istreambuf_iterator<char>(in), {});
}

ModelFileError file_error(const std::string& path, const std::string& what) {
  return ModelFileError(path + ": " + what);
}

// Where the parts of a model file are: the JSON header follows the 16-byte preamble, and the
// data region starts at the next multiple of 8 (the blocks are aligned 64-bit words).
struct FileLayout {
  std::uint32_t version;
  std::uint64_t header_len;
  std::uint64_t data_start;
};

// The fixed preamble: magic, format version, header length. Checked before the header is
// parsed, so a file of another kind or version gets that error rather than a JSON one.
FileLayout read_preamble(const std::string& path, const std::vector<unsigned char>& bytes) {
  if (bytes.size() < 24) {
    throw file_error(path, "truncated: " + std::to_string(bytes.size()) + " bytes");
  }
  if (std::memcmp(bytes.data(), kMagic, 8) != 0) {
    throw file_error(path, "not an fxsim model file (magic)");
  }
  const std::uint32_t version = get_u32(bytes.data() + 8);
  if (version < kModelFileMinVersion || version > kModelFileVersion) {
    throw file_error(path, "format version " + std::to_string(version) +
                               ", this fxsim reads versions " +
                               std::to_string(kModelFileMinVersion) + " and " +
                               std::to_string(kModelFileVersion));
  }
  const std::uint64_t header_len = get_u32(bytes.data() + 12);
  const std::uint64_t data_start = (16 + header_len + 7) / 8 * 8;
  if (data_start + 8 > bytes.size()) {
    throw file_error(path, "truncated: the header needs " + std::to_string(data_start + 8) +
                               " bytes, the file has " + std::to_string(bytes.size()));
  }
  return {version, header_len, data_start};
}

// The JSON header, which must name this format and version (the preamble's version could
// disagree with it in a hand-edited or corrupt file).
json parse_header(const std::string& path, const std::vector<unsigned char>& bytes,
                  const FileLayout& layout) {
  json header;
  try {
    header = json::parse(bytes.begin() + 16,
                         bytes.begin() + 16 + static_cast<std::ptrdiff_t>(layout.header_len));
  } catch (const json::exception& e) {
    throw file_error(path, std::string("header: invalid JSON: ") + e.what());
  }
  if (!header.is_object() || header.value("format", "") != kFormatName) {
    throw file_error(path, "header: format is not '" + std::string(kFormatName) + "'");
  }
  if (header.value("version", 0u) != layout.version) {
    throw file_error(path, "header: version mismatch");
  }
  return header;
}

// Blocks: contiguous, in order, exactly filling the data region. Returns the region's size in
// bytes, so the file size can be checked before any block is read.
std::uint64_t data_region_size(const std::string& path, const json& header) {
  std::uint64_t expected_offset = 0;
  try {
    for (const json& b : header.at("blocks")) {
      if (b.at("offset").get<std::uint64_t>() != expected_offset) {
        throw file_error(
            path, "header: block '" + b.at("name").get<std::string>() + "' is not contiguous");
      }
      const auto count = b.at("count").get<std::uint64_t>();
      if (count > (std::uint64_t{1} << 40)) throw file_error(path, "header: impossible block size");
      expected_offset += 8 * count;
    }
  } catch (const json::exception& e) {
    throw file_error(path, std::string("header: blocks: ") + e.what());
  }
  return expected_offset;
}

// The file must be exactly as long as the header promises (the data region and the trailing
// checksum), and the checksum must match: a truncated or corrupt file is never half-read.
void check_size_and_checksum(const std::string& path, const std::vector<unsigned char>& bytes,
                             std::uint64_t expected_size) {
  if (bytes.size() < expected_size) {
    throw file_error(path, "truncated: the header promises " + std::to_string(expected_size) +
                               " bytes, the file has " + std::to_string(bytes.size()));
  }
  if (bytes.size() > expected_size) {
    throw file_error(path,
                     std::to_string(bytes.size() - expected_size) + " unexpected bytes at the end");
  }
  const std::uint64_t stored = get_u64(bytes.data() + bytes.size() - 8);
  if (stored != fnv1a64(bytes.data(), bytes.size() - 8)) {
    throw file_error(path, "checksum mismatch (corrupt file)");
  }
}

// The golden results must describe the model they come with: one logit per output of the last
// layer, in its output type.
GoldenResults read_golden(const Reader& r, const json& g, const QuantNetwork& model) {
  GoldenResults res;
  res.images = r.at(g, "images", "golden").get<std::string>();
  res.count = r.at(g, "count", "golden").get<int>();
  res.accuracy = r.at(g, "accuracy", "golden").get<double>();
  const int classes = r.at(g, "classes", "golden").get<int>();
  if (model.layers.empty() || classes != model.layers.back().out_features) {
    r.fail("golden.classes", "does not match the last layer's outputs");
  }
  if (r.fx_type(g, "logits_type", "golden") != model.layers.back().output_type()) {
    r.fail("golden.logits_type", "type mismatch with the last layer's output type " +
                                     model.layers.back().output_type().str());
  }
  if (res.count < 0) r.fail("golden.count", "negative");
  res.logits = r.block(g, "logits", "golden", static_cast<std::size_t>(res.count) * classes);
  res.labels = r.block(g, "labels", "golden", static_cast<std::size_t>(res.count));
  return res;
}

// The input type, the layers, the optional golden results and the metadata of a header whose
// framing is already checked. JSON type errors propagate to the caller, which names the file.
ModelFile read_contents(const Reader& r, const json& header, std::uint32_t version) {
  ModelFile file;
  file.model.input_type = r.fx_type(r.at(header, "input", "header"), "type", "input");
  const json& layers = r.at(header, "layers", "header");
  if (version == 1) {
    int index = 0;
    for (const json& lj : layers) file.model.layers.push_back(read_layer(r, lj, index++));
  } else {
    read_layers_v2(r, layers, file.model);
  }
  if (header.contains("golden")) file.golden = read_golden(r, header.at("golden"), file.model);
  file.metadata_json = header.value("meta", json::object()).dump();
  return file;
}

}  // namespace

std::uint64_t fnv1a64(const unsigned char* data, std::size_t n) {
  std::uint64_t h = 0xcbf29ce484222325ull;
  for (std::size_t i = 0; i < n; ++i) {
    h ^= data[i];
    h *= 0x100000001b3ull;
  }
  return h;
}

std::int64_t term_code(const fx::Term& t) { return (t.negative ? -1 : 1) * (t.shift + 1); }

std::string golden_images_path(const GoldenResults& g, const std::string& data_dir) {
  if (g.images.empty() || g.images.front() == '/') return g.images;
  return data_dir + "/" + g.images;
}

std::vector<std::uint8_t> read_golden_pixels(const std::string& path, int count, int features) {
  IdxImages idx = read_idx_images(path, count);
  if (idx.count < count || idx.rows * idx.cols != features) {
    throw IdxError(path + ": " + std::to_string(idx.count) + " images of " +
                   std::to_string(idx.rows) + "x" + std::to_string(idx.cols) +
                   " pixels, expected at least " + std::to_string(count) + " of " +
                   std::to_string(features) + " (the model's input features)");
  }
  idx.pixels.resize(static_cast<std::size_t>(count) * static_cast<std::size_t>(features));
  return std::move(idx.pixels);
}

std::vector<int> argmax_rows(const std::vector<std::int64_t>& logits, int classes) {
  std::vector<int> out(logits.size() / classes);
  for (std::size_t r = 0; r < out.size(); ++r) {
    int best = 0;
    for (int c = 1; c < classes; ++c) {
      if (logits[r * classes + c] > logits[r * classes + best]) best = c;
    }
    out[r] = best;
  }
  return out;
}

std::uint32_t model_file_version(const QuantNetwork& model) { return model.dense_only() ? 1 : 2; }

void write_model_file(const std::string& path, const ModelFile& file) {
  validate(file.model);
  const std::uint32_t version = model_file_version(file.model);
  BlockWriter blocks;
  json header = {{"format", kFormatName},
                 {"version", version},
                 {"input", {{"type", file.model.input_type.str()}}},
                 {"layers", json::array()},
                 {"meta", json::parse(file.metadata_json)}};
  for (const FeatureLayer& f : file.model.features) {
    header["layers"].push_back(layer_json(f, blocks));
  }
  for (const DenseLayer& l : file.model.layers) {
    json j = layer_json(l, blocks);
    if (version >= 2) {
      j["kind"] = "dense";
      if (&l == &file.model.layers.front() && !file.model.features.empty()) {
        j["flatten"] = kFlattenYxc;  // FlattenOrder::YXC, the only order
      }
    }
    header["layers"].push_back(j);
  }
  if (file.golden) {
    const GoldenResults& g = *file.golden;
    header["golden"] = {{"images", g.images},
                        {"count", g.count},
                        {"classes", file.model.layers.back().out_features},
                        {"logits_type", file.model.layers.back().output_type().str()},
                        {"accuracy", g.accuracy},
                        {"logits", blocks.add("golden.logits", g.logits)},
                        {"labels", blocks.add("golden.labels", g.labels)}};
  }
  header["blocks"] = blocks.index;
  const std::string text = header.dump(1);
  std::string out(kMagic, sizeof kMagic);
  put_u32(out, version);
  put_u32(out, static_cast<std::uint32_t>(text.size()));
  out += text;
  out.append((8 - out.size() % 8) % 8, '\0');
  for (std::int64_t v : blocks.data) put_u64(out, static_cast<std::uint64_t>(v));
  put_u64(out, fnv1a64(reinterpret_cast<const unsigned char*>(out.data()), out.size()));
  const std::string tmp = path + ".tmp";
  {
    std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
    if (!f) throw ModelFileError(path + ": cannot write " + tmp);
    f.write(out.data(), static_cast<std::streamsize>(out.size()));
    if (!f) throw ModelFileError(path + ": write failed");
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    throw ModelFileError(path + ": cannot rename " + tmp);
  }
}

// The framing first (preamble, header, block index, size, checksum), then the contents, then
// the model's own rules: the cheapest and most basic error is the one reported.
ModelFile read_model_file(const std::string& path) {
  const std::vector<unsigned char> bytes = slurp(path);
  const FileLayout layout = read_preamble(path, bytes);
  const json header = parse_header(path, bytes, layout);
  check_size_and_checksum(path, bytes, layout.data_start + data_region_size(path, header) + 8);
  const Reader r(path, header, bytes.data() + layout.data_start);
  ModelFile file;
  try {
    file = read_contents(r, header, layout.version);
  } catch (const json::exception& e) {
    throw file_error(path, std::string("header: ") + e.what());
  }
  try {
    validate(file.model);
  } catch (const ModelError& e) {
    throw file_error(path, e.what());
  }
  return file;
}

}  // namespace fxsim::golden
