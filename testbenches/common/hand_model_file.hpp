// A model file written by hand, as a user outside fxsim writes one (docs/golden.md, "Writing a
// model file by hand"): a JSON header built key by key, int64 blocks at byte offsets counted
// here, the preamble, padding and checksum assembled byte by byte, never golden::write_model_file.
// And one such model, a two-layer MLP whose first layer has its own bias and no batch norm, with
// its integer inference brute-forced in plain arithmetic (the expected values of the loader's
// and `fxsim verify`'s tests). Header only: the golden and env suites share it.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "golden/model_file.hpp"

namespace fxsim::test {

struct HandModel {
  nlohmann::json header;
  std::vector<std::int64_t> data;  // the data region: every block, in order

  // Appends a block and its index entry; its offset is its first byte in the data region.
  std::string block(const std::string& name, const std::vector<std::int64_t>& values) {
    header["blocks"].push_back({{"name", name},
                                {"count", values.size()},
                                {"offset", static_cast<std::uint64_t>(8 * data.size())}});
    data.insert(data.end(), values.begin(), values.end());
    return name;
  }
};

// The file's bytes: magic, the version of header["version"], H, the JSON text, zero padding to a
// multiple of 8, the blocks little-endian, FNV-1a 64 of everything before it.
// length_counts_padding: H includes the padding (what a hand writer may well do).
inline std::string hand_model_bytes(const HandModel& m, bool length_counts_padding = false) {
  const auto put = [](std::string& out, std::uint64_t v, int bytes) {
    for (int i = 0; i < bytes; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
  };
  const std::string text = m.header.dump(2);
  const std::size_t padding = (8 - (16 + text.size()) % 8) % 8;
  std::string out = "FXSMGOLD";
  put(out, m.header.at("version").get<std::uint32_t>(), 4);
  put(out, text.size() + (length_counts_padding ? padding : 0), 4);
  out += text;
  out.append(padding, '\0');
  for (const std::int64_t v : m.data) put(out, static_cast<std::uint64_t>(v), 8);
  put(out, golden::fnv1a64(reinterpret_cast<const unsigned char*>(out.data()), out.size()), 8);
  return out;
}

inline void write_hand_model_file(const std::string& path, const HandModel& m,
                                  bool length_counts_padding = false) {
  const std::string bytes = hand_model_bytes(m, length_counts_padding);
  std::ofstream(path, std::ios::binary | std::ios::trunc)
      .write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

// ---- the hand-written MLP with a bias block -------------------------------------------------
//
// input  4 pixel bytes (2 x 2 images), ufixed<8,0> (F 8)
// fc1    4 -> 3, SIMD 2, weights fixed<4,1> (F 3), accumulator fixed<20,9> (F 11),
//        output fixed<8,3,RND,SAT> (F 5); its own bias (no BN): fixed<8,2> (F 6), relu
// fc2    3 -> 2, SIMD 3, weights fixed<6,2> (F 4), accumulator fixed<20,11> (F 9),
//        output fixed<12,5,RND,SAT> (F 7); bn: scale fixed<6,2> (F 4), bias fixed<8,3> (F 5),
//        output fixed<8,4,RND,SAT> (F 4), activation none (no clip_raw: it does not use one)
inline constexpr int kHandPixels = 4, kHandClasses = 2;
inline const std::vector<std::int64_t> kHandW1 = {3, -2, 5, 1, -7, 4, 0, 2, 6, 6, -1, -8};
inline const std::vector<std::int64_t> kHandBias1 = {-20, 45, -3};
inline const std::vector<std::int64_t> kHandW2 = {9, -14, 31, -32, 7, 20};
inline const std::vector<std::int64_t> kHandScale2 = {12, 28};
inline const std::vector<std::int64_t> kHandBias2 = {17, 10};

// The header and blocks of that MLP (version 1), without golden results.
inline HandModel hand_bias_mlp() {
  HandModel m;
  m.header = {{"format", "fxsim-golden-model"},
              {"version", 1},
              {"input", {{"type", "ufixed<8,0,RND_CONV,SAT,0>"}}},
              {"meta", {{"written", "by hand"}}},
              {"blocks", nlohmann::json::array()}};
  nlohmann::json fc1 = {{"name", "fc1"},
                        {"in_features", 4},
                        {"out_features", 3},
                        {"simd", 2},
                        {"types",
                         {{"input", "ufixed<8,0,RND_CONV,SAT,0>"},
                          {"weight", "fixed<4,1,RND_CONV,SAT,0>"},
                          {"accumulator", "fixed<20,9,TRN,SAT,0>"},
                          {"output", "fixed<8,3,RND,SAT,0>"}}}};
  fc1["weights"] = m.block("fc1.weights", kHandW1);
  fc1["bias"] = {{"type", "fixed<8,2,RND_CONV,SAT,0>"},
                 {"values", m.block("fc1.bias", kHandBias1)},
                 {"activation", "relu"}};
  nlohmann::json fc2 = {{"name", "fc2"},
                        {"in_features", 3},
                        {"out_features", 2},
                        {"simd", 3},
                        {"types",
                         {{"input", "fixed<8,3,RND,SAT,0>"},
                          {"weight", "fixed<6,2,RND_CONV,SAT,0>"},
                          {"accumulator", "fixed<20,11,TRN,SAT,0>"},
                          {"output", "fixed<12,5,RND,SAT,0>"}}}};
  fc2["weights"] = m.block("fc2.weights", kHandW2);
  fc2["bn"] = {{"scale_type", "fixed<6,2,RND_CONV,SAT,0>"},
               {"bias_type", "fixed<8,3,RND_CONV,SAT,0>"},
               {"output_type", "fixed<8,4,RND,SAT,0>"},
               {"activation", "none"},
               {"scale", m.block("fc2.bn.scale", kHandScale2)},
               {"bias", m.block("fc2.bn.bias", kHandBias2)}};
  m.header["layers"] = {fc1, fc2};
  return m;
}

// RND (ties toward +infinity) of t / 2^shift, then saturation to [lo, hi]. Every t here is far
// below 2^53, so the double quotient is exact.
inline std::int64_t hand_requant(std::int64_t t, int shift, std::int64_t lo, std::int64_t hi) {
  const double q = std::floor(static_cast<double>(t) / static_cast<double>(1 << shift) + 0.5);
  return std::clamp(static_cast<std::int64_t>(q), lo, hi);
}

// The MLP's logits (raws of fixed<8,4>) for one image, in plain integer arithmetic. No sum gets
// near an accumulator's range (|fc1| < 255 * 4 * 8, |fc2| < 128 * 3 * 32), so SIMD order and the
// accumulators' saturation cannot matter.
inline std::vector<std::int64_t> hand_bias_mlp_logits(const std::vector<std::int64_t>& pixels) {
  std::vector<std::int64_t> h(3);
  for (int o = 0; o < 3; ++o) {
    std::int64_t acc = 0;  // F 8 + 3 = 11
    for (int i = 0; i < kHandPixels; ++i) acc += pixels[i] * kHandW1[o * kHandPixels + i];
    const std::int64_t x = hand_requant(acc, 11 - 5, -128, 127);  // fixed<8,3>, F 5
    // x + bias at F max(5 + 0, 6) = 6 (unit scale: F 0), back to F 5, relu.
    const std::int64_t y = hand_requant(x * 2 + kHandBias1[o], 1, -128, 127);
    h[o] = std::max<std::int64_t>(y, 0);
  }
  std::vector<std::int64_t> logits(kHandClasses);
  for (int o = 0; o < kHandClasses; ++o) {
    std::int64_t acc = 0;  // F 5 + 4 = 9
    for (int i = 0; i < 3; ++i) acc += h[i] * kHandW2[o * 3 + i];
    const std::int64_t x = hand_requant(acc, 9 - 7, -2048, 2047);  // fixed<12,5>, F 7
    // x * scale at F 7 + 4 = 11, bias (F 5) shifted up by 6; to fixed<8,4>, F 4.
    const std::int64_t t = x * kHandScale2[o] + kHandBias2[o] * 64;
    logits[o] = hand_requant(t, 11 - 4, -128, 127);
  }
  return logits;
}

// Adds golden results for `images` (count x 4 pixel bytes): the brute-forced logits, the
// labels, and the accuracy they give (first maximum wins).
inline void add_hand_golden(HandModel& m, const std::string& images_path,
                            const std::vector<std::int64_t>& images,
                            const std::vector<std::int64_t>& labels) {
  const int count = static_cast<int>(labels.size());
  std::vector<std::int64_t> logits;
  int correct = 0;
  for (int i = 0; i < count; ++i) {
    const std::vector<std::int64_t> px(images.begin() + i * kHandPixels,
                                       images.begin() + (i + 1) * kHandPixels);
    const std::vector<std::int64_t> l = hand_bias_mlp_logits(px);
    correct += (l[1] > l[0] ? 1 : 0) == labels[i] ? 1 : 0;
    logits.insert(logits.end(), l.begin(), l.end());
  }
  m.header["golden"] = {{"images", images_path},
                        {"count", count},
                        {"classes", kHandClasses},
                        {"logits_type", "fixed<8,4,RND,SAT,0>"},
                        {"accuracy", count ? static_cast<double>(correct) / count : 0.0},
                        {"logits", m.block("golden.logits", logits)},
                        {"labels", m.block("golden.labels", labels)}};
}

}  // namespace fxsim::test
