#include "golden/model_file.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <initializer_list>
#include <iterator>
#include <map>
#include <nlohmann/json.hpp>

#include "golden/idx.hpp"
#include "golden/model_file_io.hpp"

namespace fxsim::golden {
namespace {

using nlohmann::json;
using namespace model_file_io;

constexpr char kMagic[8] = {'F', 'X', 'S', 'M', 'G', 'O', 'L', 'D'};
constexpr const char* kFormatName = "fxsim-golden-model";

// ---- writing ------------------------------------------------------------------------------------

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

}  // namespace

namespace model_file_io {

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

}  // namespace model_file_io

namespace {

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

// ---- reading ------------------------------------------------------------------------------------

units::Activation read_activation(const Reader& r, const json& j, const std::string& where) {
  try {
    return parse_activation(r.at(j, "activation", where).get<std::string>());
  } catch (const std::invalid_argument& e) {
    r.fail(where + ".activation", e.what());
  }
}

// The relu_clip bound: required by relu_clip, optional (0) for the activations that ignore it.
std::int64_t read_clip(const Reader& r, const json& j, const std::string& where,
                       units::Activation act) {
  if (act != units::Activation::RELU_CLIP && !j.contains("clip_raw")) return 0;
  if (!j.contains("clip_raw")) {
    r.fail(where, "missing key 'clip_raw' (relu_clip's upper bound, a raw of the output type)");
  }
  return j.at("clip_raw").get<std::int64_t>();
}

}  // namespace

namespace model_file_io {

BnActLayer read_bn(const Reader& r, const json& bj, const std::string& bw, std::size_t n) {
  r.known_keys(bj, bw,
               {"scale_type", "bias_type", "output_type", "activation", "clip_raw", "scale", "bias",
                "scale_terms"});
  BnActLayer b;
  b.scale_type = r.num_type(bj, "scale_type", bw);
  b.bias_type = r.fx_type(bj, "bias_type", bw);
  b.out_type = r.fx_type(bj, "output_type", bw);
  b.act = read_activation(r, bj, bw);
  b.clip_raw = read_clip(r, bj, bw, b.act);
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

}  // namespace model_file_io

namespace {

// A layer's own bias without batch norm ("bias": {"type", "values", "activation", "clip_raw"}):
// the bn_act of bias_only_bn, whose output type is the layer's output type.
BnActLayer read_bias(const Reader& r, const json& bj, const std::string& bw, std::size_t n,
                     const fx::FxType& out_type) {
  r.known_keys(bj, bw, {"type", "values", "activation", "clip_raw"});
  const fx::FxType type = r.fx_type(bj, "type", bw);
  if (!type.is_signed) {
    r.fail(bw + ".type", type.str() + " is unsigned; expected a signed type (bn_act's bias)");
  }
  const units::Activation act = read_activation(r, bj, bw);
  const std::int64_t clip = read_clip(r, bj, bw, act);
  return bias_only_bn(type, r.block(bj, "values", bw, n), out_type, act, clip);
}

// The bn_act of a dense or conv layer: its "bn" (null or absent: none) or its own "bias" without
// batch norm. Both at once is refused: a bias before batch norm folds into the BN bias.
std::optional<BnActLayer> read_bn_act(const Reader& r, const json& j, const std::string& where,
                                      std::size_t n, const fx::FxType& out_type) {
  const bool bn = j.contains("bn") && !j.at("bn").is_null();
  const bool bias = j.contains("bias") && !j.at("bias").is_null();
  if (bn && bias) {
    r.fail(where + ".bias",
           "present with a bn; expected the layer's bias folded into the BN bias (bn.bias = "
           "beta + (bias - mean) * scale, docs/golden.md \"Writing a model file by hand\")");
  }
  if (bn) return read_bn(r, j.at("bn"), where + ".bn", n);
  if (bias) return read_bias(r, j.at("bias"), where + ".bias", n, out_type);
  return std::nullopt;
}

std::string layer_where(int index) { return "layers[" + std::to_string(index) + "]"; }

DenseLayer read_layer(const Reader& r, const json& j, int index, std::uint32_t version) {
  DenseLayer l;
  const std::string where = layer_where(index);
  if (version == 1) {
    if (j.contains("kind")) {
      r.fail(where + ".kind",
             "a version 2 key in a version 1 file (version 2 lists conv, "
             "max_pool and dense layers, each with its kind)");
    }
    r.known_keys(j, where,
                 {"name", "in_features", "out_features", "simd", "types", "weights", "bn", "bias"});
  } else {
    r.known_keys(j, where,
                 {"kind", "name", "flatten", "in_features", "out_features", "simd", "types",
                  "weights", "bn", "bias"});
  }
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
  r.known_keys(types, tw, {"input", "weight", "accumulator", "output"});
  l.input_type = r.fx_type(types, "input", tw);
  l.weight_type = r.fx_type(types, "weight", tw);
  l.acc_type = r.fx_type(types, "accumulator", tw);
  l.out_type = r.fx_type(types, "output", tw);
  l.weight_raw =
      r.block(j, "weights", where, static_cast<std::size_t>(l.in_features) * l.out_features);
  l.bn = read_bn_act(r, j, where, static_cast<std::size_t>(l.out_features), l.out_type);
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
  r.known_keys(j, where,
               {"kind", "name", "input", "kernel", "stride", "padding", "out_channels", "simd",
                "types", "weights", "bn", "bias"});
  ConvLayer c;
  c.name = r.at(j, "name", where).get<std::string>();
  const json& in = r.at(j, "input", where);
  r.known_keys(in, where + ".input", {"height", "width", "channels"});
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
  r.known_keys(types, tw, {"input", "weight", "accumulator", "output"});
  c.input_type = r.fx_type(types, "input", tw);
  c.weight_type = r.num_type(types, "weight", tw);
  c.acc_type = r.fx_type(types, "accumulator", tw);
  c.out_type = r.fx_type(types, "output", tw);
  c.weight_raw =
      r.block(j, "weights", where, static_cast<std::size_t>(c.out_channels) * c.window_size());
  c.bn = read_bn_act(r, j, where, static_cast<std::size_t>(c.out_channels), c.out_type);
  return c;
}

FeatureLayer read_max_pool(const Reader& r, const json& j, const std::string& where) {
  r.known_keys(j, where, {"kind", "name", "input", "size", "type"});
  MaxPoolLayer p;
  p.name = r.at(j, "name", where).get<std::string>();
  const json& in = r.at(j, "input", where);
  r.known_keys(in, where + ".input", {"height", "width", "channels"});
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
      m.layers.push_back(read_layer(r, lj, index, 2));
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
                               std::to_string(kModelFileMinVersion) + " to " +
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
  // H is the JSON text's length; a header length that counts the zero padding too reads the
  // same (the padding is dropped before parsing, and the data region starts at the same byte).
  auto end = bytes.begin() + 16 + static_cast<std::ptrdiff_t>(layout.header_len);
  while (end > bytes.begin() + 16 && *(end - 1) == 0) --end;
  try {
    header = json::parse(bytes.begin() + 16, end);
  } catch (const json::exception& e) {
    throw file_error(path, std::string("header: invalid JSON: ") + e.what());
  }
  if (!header.is_object() || !header.contains("format") || header.at("format") != kFormatName) {
    throw file_error(path, "header: format is not '" + std::string(kFormatName) + "'");
  }
  const json version = header.value("version", json());
  if (!version.is_number_unsigned() || version.get<std::uint32_t>() != layout.version) {
    throw file_error(path, "header: version mismatch: the header's \"version\" is " +
                               (version.is_null() ? std::string("missing") : version.dump()) +
                               ", the preamble's (bytes 8..11) is " +
                               std::to_string(layout.version) + "; this fxsim reads versions " +
                               std::to_string(kModelFileMinVersion) + " to " +
                               std::to_string(kModelFileVersion) + ", and both must agree");
  }
  const std::string wrong =
      unknown_key(header, "", {"format", "version", "input", "layers", "golden", "meta", "blocks"});
  if (!wrong.empty()) throw file_error(path, wrong);
  return header;
}

// Why a block's offset is not the expected byte offset, when it looks like a common mistake: an
// element count instead of bytes, or bytes from the start of the file.
std::string offset_hint(std::uint64_t offset, std::uint64_t expected, std::uint64_t data_start) {
  const std::string at_byte = "; this block starts at byte offset " + std::to_string(expected);
  if (offset * 8 == expected || offset % 8 != 0) {
    return " (an element count?): offsets are in bytes, 8 per int64 element" + at_byte;
  }
  if (offset == data_start + expected) {
    return " (from the start of the file?): offsets count from the start of the data region, "
           "byte " +
           std::to_string(data_start) + " of the file" + at_byte;
  }
  return ": offsets are in bytes from the start of the data region, each block right after the "
         "previous one" +
         at_byte;
}

// Blocks: contiguous, in order, exactly filling the data region. Returns the region's size in
// bytes, so the file size can be checked before any block is read.
std::uint64_t data_region_size(const std::string& path, const json& header,
                               std::uint64_t data_start) {
  std::uint64_t expected_offset = 0;
  int index = 0;
  try {
    for (const json& b : header.at("blocks")) {
      const std::string where = "header: blocks[" + std::to_string(index++) + "]";
      if (!b.is_object()) throw file_error(path, where + ": expected a JSON object");
      const std::string wrong = unknown_key(b, where, {"name", "count", "offset"});
      if (!wrong.empty()) throw file_error(path, wrong);
      const auto offset = b.at("offset").get<std::uint64_t>();
      if (offset != expected_offset) {
        throw file_error(path, "header: block '" + b.at("name").get<std::string>() +
                                   "' is not contiguous: offset " + std::to_string(offset) +
                                   offset_hint(offset, expected_offset, data_start));
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

std::string number(double v) {
  char text[32];
  std::snprintf(text, sizeof text, "%.10g", v);
  return text;
}

// Labels are classes, and the stored accuracy is what the stored logits give against them:
// argmax_rows (first maximum wins) == label, over count. The writer stores that quotient (or
// torch's float64 mean of the same comparisons, within an ulp), so a tolerance of half an image,
// 0.5 / count, refuses any other count of correct images. Returns "FIELD: what" or "".
std::string golden_inconsistency(const GoldenResults& g, int classes) {
  const auto count = static_cast<std::size_t>(std::max(g.count, 0));
  if (g.logits.size() != count * static_cast<std::size_t>(classes) || g.labels.size() != count) {
    return "golden: " + std::to_string(g.logits.size()) + " logits and " +
           std::to_string(g.labels.size()) +
           " labels; expected count x classes = " + std::to_string(count) + " x " +
           std::to_string(classes) + " and count";
  }
  for (std::size_t i = 0; i < g.labels.size(); ++i) {
    if (g.labels[i] < 0 || g.labels[i] >= classes) {
      return "golden.labels: element " + std::to_string(i) + " = " + std::to_string(g.labels[i]) +
             " is not a class; expected 0.." + std::to_string(classes - 1) +
             " (golden.classes = " + std::to_string(classes) + ")";
    }
  }
  if (g.count == 0) return "";
  const std::vector<int> predicted = argmax_rows(g.logits, classes);
  int correct = 0;
  for (std::size_t i = 0; i < predicted.size(); ++i) correct += predicted[i] == g.labels[i];
  const double accuracy = static_cast<double>(correct) / g.count;
  if (std::fabs(g.accuracy - accuracy) <= 0.5 / g.count) return "";
  return "golden.accuracy: " + number(g.accuracy) + ", but the stored logits and labels give " +
         number(accuracy) + " (" + std::to_string(correct) + " of " + std::to_string(g.count) +
         " images: the first maximum of each row of logits equals its label); expected that "
         "value, within 0.5 / count = " +
         number(0.5 / g.count);
}

// The golden inputs are the raw pixel bytes 0..255 (raw of the input type = pixel byte): an input
// type that cannot hold them would make every image wrong on the hardware and in the reference
// alike, which `fxsim verify` would report as logit mismatches.
void check_input_holds_pixels(const Reader& r, const fx::FxType& t) {
  if (t.is_signed ? t.width >= 9 : t.width >= 8) return;
  r.fail("input.type", t.str() +
                           " cannot hold the golden inputs: they are the raw pixel bytes "
                           "0..255 of golden.images, and its raws are " +
                           std::to_string(t.raw_min()) + ".." + std::to_string(t.raw_max()) +
                           "; expected a type whose raws hold 0..255 (ufixed<8,I> for any I, or "
                           "a wider unsigned, or a signed type of at least 9 bits)");
}

// The golden results must describe the model they come with: one logit per output of the last
// layer, in its output type.
GoldenResults read_golden(const Reader& r, const json& g, int last_outputs,
                          const std::string& last_output_type) {
  r.known_keys(g, "golden",
               {"images", "count", "classes", "logits_type", "accuracy", "logits", "labels"});
  GoldenResults res;
  res.images = r.at(g, "images", "golden").get<std::string>();
  res.count = r.at(g, "count", "golden").get<int>();
  res.accuracy = r.at(g, "accuracy", "golden").get<double>();
  const int classes = r.at(g, "classes", "golden").get<int>();
  if (last_outputs < 1 || classes != last_outputs) {
    r.fail("golden.classes", "does not match the last layer's outputs");
  }
  if (r.at(g, "logits_type", "golden").get<std::string>() != last_output_type) {
    r.fail("golden.logits_type",
           "type mismatch with the last layer's output type " + last_output_type);
  }
  if (res.count < 0) r.fail("golden.count", "negative");
  res.logits = r.block(g, "logits", "golden", static_cast<std::size_t>(res.count) * classes);
  res.labels = r.block(g, "labels", "golden", static_cast<std::size_t>(res.count));
  const std::string wrong = golden_inconsistency(res, classes);
  if (!wrong.empty()) throw ModelFileError(r.path() + ": " + wrong);
  return res;
}

// The raws of an affine MLP's input type must hold the pixel bytes (see check_input_holds_pixels).
void check_affine_input_holds_pixels(const Reader& r, const fx::AffineInt& t) {
  if (t.q_min() <= 0 && t.q_max() >= 255) return;
  r.fail("input.type", t.str() +
                           " cannot hold the golden inputs: they are the raw pixel bytes 0..255 "
                           "of golden.images; expected uint<8> or wider, or int<9> or wider");
}

// "uint<8> scale 0.05 zero point 3": a per-tensor affine type as the chain check compares it.
std::string describe(const fx::AffineType& t) {
  std::string s = t.format.str();
  for (std::size_t c = 0; c < t.params.channels(); ++c) {
    s += " scale " + number(t.params.scales[c]) + " zero point " +
         std::to_string(t.params.zero_points[c]);
  }
  return s;
}

// "layers[i].FIELD: what" for the first affine layer that does not take its predecessor's
// outputs (their count, format, scale and zero point), "" when the layers chain.
std::string affine_chain_error(const std::vector<AffineDense>& layers) {
  for (std::size_t i = 1; i < layers.size(); ++i) {
    const AffineDense& prev = layers[i - 1];
    const AffineDense& l = layers[i];
    const std::string where = layer_where(static_cast<int>(i));
    if (l.in_features != prev.out_features) {
      return where + ".in_features: " + std::to_string(l.in_features) +
             "; the previous layer has " + std::to_string(prev.out_features) + " outputs";
    }
    if (l.input_type.format != prev.output_type.format ||
        l.input_type.params.scales != prev.output_type.params.scales ||
        l.input_type.params.zero_points != prev.output_type.params.zero_points) {
      return where + ".input: " + describe(l.input_type) +
             " is not the previous layer's output type " + describe(prev.output_type);
    }
  }
  return "";
}

// Version 3: the affine layers, chained (each input type the previous output type).
void read_affine_layers(const Reader& r, const json& header, ModelFile& file) {
  int index = 0;
  for (const json& lj : r.at(header, "layers", "header")) {
    const std::string where = layer_where(index++);
    const std::string kind = r.at(lj, "kind", where).get<std::string>();
    if (kind != "affine_dense") {
      r.fail(where + ".kind", "'" + kind + "'; a version 3 file holds affine_dense layers");
    }
    file.affine.push_back(read_affine_layer(r, lj, where));
  }
  const std::string chain = affine_chain_error(file.affine);
  if (!chain.empty()) throw ModelFileError(r.path() + ": " + chain);
  if (file.affine.empty()) r.fail("layers", "no layer");
  const json& input = r.at(header, "input", "header");
  r.known_keys(input, "input", {"type"});
  const std::string type = r.at(input, "type", "input").get<std::string>();
  if (type != file.affine.front().input_type.format.str()) {
    r.fail("input.type", "'" + type + "' is not the first layer's input format " +
                             file.affine.front().input_type.format.str());
  }
  if (header.contains("golden")) {
    const AffineDense& last = file.affine.back();
    file.golden =
        read_golden(r, header.at("golden"), last.out_features, last.output_type.format.str());
    check_affine_input_holds_pixels(r, file.affine.front().input_type.format);
  }
}

// Version 4: the bipolar_dense layers of a binary / ternary MLP (golden::validate of the whole
// network runs after the contents are read).
void read_bipolar_layers(const Reader& r, const json& header, ModelFile& file) {
  const json& input = r.at(header, "input", "header");
  r.known_keys(input, "input", {"type"});
  file.bipolar.input_type = r.fx_type(input, "type", "input");
  int index = 0;
  for (const json& lj : r.at(header, "layers", "header")) {
    const std::string where = layer_where(index++);
    const std::string kind = r.at(lj, "kind", where).get<std::string>();
    if (kind != "bipolar_dense") {
      r.fail(where + ".kind", "'" + kind + "'; a version 4 file holds bipolar_dense layers");
    }
    file.bipolar.layers.push_back(read_bipolar_layer(r, lj, where));
  }
  if (file.bipolar.layers.empty()) r.fail("layers", "no layer");
  const BipolarDense& last = file.bipolar.layers.back();
  if (header.contains("golden")) {
    if (!last.bn) r.fail(layer_where(index - 1), "the last layer gives the logits: expected a bn");
    file.golden = read_golden(r, header.at("golden"), last.out_features, last.bn->out_type.str());
    check_input_holds_pixels(r, file.bipolar.input_type);
  }
}

// The input type, the layers, the optional golden results and the metadata of a header whose
// framing is already checked. JSON type errors propagate to the caller, which names the file.
ModelFile read_contents(const Reader& r, const json& header, std::uint32_t version) {
  ModelFile file;
  if (version == kAffineModelFileVersion) {
    read_affine_layers(r, header, file);
    file.metadata_json = header.value("meta", json::object()).dump();
    return file;
  }
  if (version == kBipolarModelFileVersion) {
    read_bipolar_layers(r, header, file);
    file.metadata_json = header.value("meta", json::object()).dump();
    return file;
  }
  const json& input = r.at(header, "input", "header");
  r.known_keys(input, "input", {"type"});
  file.model.input_type = r.fx_type(input, "type", "input");
  const json& layers = r.at(header, "layers", "header");
  if (version == 1) {
    int index = 0;
    for (const json& lj : layers) file.model.layers.push_back(read_layer(r, lj, index++, 1));
  } else {
    read_layers_v2(r, layers, file.model);
  }
  if (header.contains("golden")) {
    if (file.model.layers.empty()) r.fail("layers", "no dense layer");
    file.golden = read_golden(r, header.at("golden"), file.model.layers.back().out_features,
                              file.model.layers.back().output_type().str());
    check_input_holds_pixels(r, file.model.input_type);
  }
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
  if (idx.count < count || idx.pixels_per_image() != features) {
    throw IdxError(path + ": " + std::to_string(idx.count) + " images of " +
                   std::to_string(idx.rows) + "x" + std::to_string(idx.cols) +
                   (idx.channels > 1 ? "x" + std::to_string(idx.channels) : std::string()) +
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

int ModelFile::classes() const {
  if (is_affine()) return affine.back().out_features;
  if (is_bipolar()) return bipolar.layers.back().out_features;
  return model.layers.empty() ? 0 : model.layers.back().out_features;
}

namespace {

// The header of a version 1 / 2 file without its golden results and blocks.
json network_header(const QuantNetwork& model, std::uint32_t version, BlockWriter& blocks) {
  json header = {{"input", {{"type", model.input_type.str()}}}, {"layers", json::array()}};
  for (const FeatureLayer& f : model.features) header["layers"].push_back(layer_json(f, blocks));
  for (const DenseLayer& l : model.layers) {
    json j = layer_json(l, blocks);
    if (version >= 2) {
      j["kind"] = "dense";
      if (&l == &model.layers.front() && !model.features.empty()) {
        j["flatten"] = kFlattenYxc;  // FlattenOrder::YXC, the only order
      }
    }
    header["layers"].push_back(j);
  }
  return header;
}

// The header of a version 3 file (an affine MLP) without its golden results and blocks.
json affine_header(const std::string& path, const std::vector<AffineDense>& layers,
                   BlockWriter& blocks) {
  const std::string chain = affine_chain_error(layers);
  if (!chain.empty()) throw ModelFileError(path + ": " + chain);
  json header = {{"input", {{"type", layers.front().input_type.format.str()}}},
                 {"layers", json::array()}};
  for (const AffineDense& l : layers) {
    validate(l);
    header["layers"].push_back(affine_layer_json(l, blocks));
  }
  return header;
}

// The header of a version 4 file (a binary / ternary MLP) without its golden results and blocks.
json bipolar_header(const BipolarNetwork& net, BlockWriter& blocks) {
  json header = {{"input", {{"type", net.input_type.str()}}}, {"layers", json::array()}};
  for (const BipolarDense& l : net.layers)
    header["layers"].push_back(bipolar_layer_json(l, blocks));
  return header;
}

}  // namespace

void write_model_file(const std::string& path, const ModelFile& file) {
  if (file.is_bipolar()) {
    if (file.is_affine() || !file.model.layers.empty() || !file.model.features.empty()) {
      throw ModelFileError(path + ": a binary / ternary network and another network in one file");
    }
    try {
      validate(file.bipolar);
    } catch (const ModelError& e) {
      throw ModelFileError(path + ": " + e.what());
    }
  } else if (!file.is_affine()) {
    validate(file.model);
  }
  if (file.golden) {
    const std::string wrong = golden_inconsistency(*file.golden, file.classes());
    if (!wrong.empty()) throw ModelFileError(path + ": " + wrong);
  }
  const std::uint32_t version = file.is_bipolar()  ? kBipolarModelFileVersion
                                : file.is_affine() ? kAffineModelFileVersion
                                                   : model_file_version(file.model);
  BlockWriter blocks;
  json header = file.is_bipolar()  ? bipolar_header(file.bipolar, blocks)
                : file.is_affine() ? affine_header(path, file.affine, blocks)
                                   : network_header(file.model, version, blocks);
  header["format"] = kFormatName;
  header["version"] = version;
  header["meta"] = json::parse(file.metadata_json);
  if (file.golden) {
    const GoldenResults& g = *file.golden;
    const std::string logits_type =
        file.is_bipolar()  ? file.bipolar.layers.back().bn->out_type.str()
        : file.is_affine() ? file.affine.back().output_type.format.str()
                           : file.model.layers.back().output_type().str();
    header["golden"] = {{"images", g.images},
                        {"count", g.count},
                        {"classes", file.classes()},
                        {"logits_type", logits_type},
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
  check_size_and_checksum(
      path, bytes, layout.data_start + data_region_size(path, header, layout.data_start) + 8);
  const Reader r(path, header, bytes.data() + layout.data_start);
  ModelFile file;
  try {
    file = read_contents(r, header, layout.version);
  } catch (const json::exception& e) {
    throw file_error(path, std::string("header: ") + e.what());
  }
  try {
    if (file.is_bipolar()) {
      validate(file.bipolar);
    } else if (!file.is_affine()) {
      validate(file.model);
    }
  } catch (const ModelError& e) {
    throw file_error(path, e.what());
  }
  return file;
}

}  // namespace fxsim::golden
