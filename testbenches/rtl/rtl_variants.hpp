// The parameter sets the rtl suites verilate (each built on first use by tlm/rtl/verilated and
// kept in the test cache): fx_requant through its grid wrapper (three width / sign / N
// configurations with SystemC semantics, four with ap_fixed's: AP = 1) and through the wrapper
// generated from the ap_fixed vectors (requant_ap_vectors.hpp), fx_mac_pe with STAGES 1 / 2 / 4 and
// WRAP / SAT / WRAP_SM accumulators, khot_pe with K = 1, 2, 3, bn_act with both scale kinds and the
// five activations, weight_mem in registers, LUT RAM and block RAM, sliding_window on the grid
// of namespace sw, mvau on the grid of namespace mv, int_requant on the grid of namespace ir.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "models/units/unit_registry.hpp"

namespace fxsim::rtl_variants {

// The top module a variant is built with.
enum class Top {
  UNIT,          // the unit itself
  REQUANT_GRID,  // fx_requant inside fx_requant_grid.sv
  AP_VECTORS,    // fx_requant inside the module generated from the ap_fixed vectors
};

struct Variant {
  const char* name;
  const char* unit;
  units::ParamMap overrides;
  Top top = Top::UNIT;
};

namespace rq_down {
inline constexpr const char* kUnit = "fx_requant";
inline units::ParamMap overrides() {
  return {{"IN_W", 10},    {"IN_FRAC", 6},    {"IN_SIGNED", 1}, {"OUT_W", 5},
          {"OUT_FRAC", 2}, {"OUT_SIGNED", 1}, {"N", 3}};
}
}  // namespace rq_down

namespace rq_up {
inline constexpr const char* kUnit = "fx_requant";
inline units::ParamMap overrides() {
  return {{"IN_W", 8},     {"IN_FRAC", 1},    {"IN_SIGNED", 0}, {"OUT_W", 9},
          {"OUT_FRAC", 3}, {"OUT_SIGNED", 1}, {"N", 1}};
}
}  // namespace rq_up

namespace rq_equal {
inline constexpr const char* kUnit = "fx_requant";
inline units::ParamMap overrides() {
  return {{"IN_W", 12},    {"IN_FRAC", 4},    {"IN_SIGNED", 1}, {"OUT_W", 6},
          {"OUT_FRAC", 4}, {"OUT_SIGNED", 0}, {"N", 0}};
}
}  // namespace rq_equal

// ap_fixed semantics (AP = 1), one variant per corner: signed output with N = 0 (WRAP_SM takes
// its sign from the floor), unsigned output with 0 < N < W and N >= W (WRAP sets the top bits
// on every overflow), a signed 1-bit output (SAT_SYM is SAT).
namespace rq_ap_signed {
inline constexpr const char* kUnit = "fx_requant";
inline units::ParamMap overrides() {
  return {{"IN_W", 10},    {"IN_FRAC", 6},    {"IN_SIGNED", 1}, {"OUT_W", 5},
          {"OUT_FRAC", 2}, {"OUT_SIGNED", 1}, {"N", 0},         {"AP", 1}};
}
}  // namespace rq_ap_signed

namespace rq_ap_unsigned {
inline constexpr const char* kUnit = "fx_requant";
inline units::ParamMap overrides() {
  return {{"IN_W", 10},    {"IN_FRAC", 5},    {"IN_SIGNED", 1}, {"OUT_W", 5},
          {"OUT_FRAC", 1}, {"OUT_SIGNED", 0}, {"N", 2},         {"AP", 1}};
}
}  // namespace rq_ap_unsigned

namespace rq_ap_unsigned_all {
inline constexpr const char* kUnit = "fx_requant";
inline units::ParamMap overrides() {
  return {{"IN_W", 9},     {"IN_FRAC", 4},    {"IN_SIGNED", 1}, {"OUT_W", 3},
          {"OUT_FRAC", 0}, {"OUT_SIGNED", 0}, {"N", 3},         {"AP", 1}};
}
}  // namespace rq_ap_unsigned_all

namespace rq_ap_one_bit {
inline constexpr const char* kUnit = "fx_requant";
inline units::ParamMap overrides() {
  return {{"IN_W", 8},     {"IN_FRAC", 4},    {"IN_SIGNED", 1}, {"OUT_W", 1},
          {"OUT_FRAC", 1}, {"OUT_SIGNED", 1}, {"N", 0},         {"AP", 1}};
}
}  // namespace rq_ap_one_bit

namespace mac_s1 {
inline constexpr const char* kUnit = "fx_mac_pe";
inline constexpr std::int64_t STAGES = 1;
inline units::ParamMap overrides() {
  return {{"SIMD", 4},  {"A_W", 8},   {"A_FRAC", 4},   {"W_W", 8}, {"W_FRAC", 6}, {"ACC_W", 16},
          {"ACC_O", 3}, {"OUT_W", 8}, {"OUT_FRAC", 2}, {"Q", 4},   {"O", 0},      {"STAGES", 1}};
}
}  // namespace mac_s1

namespace mac_s2 {
inline constexpr const char* kUnit = "fx_mac_pe";
inline constexpr std::int64_t STAGES = 2;
inline units::ParamMap overrides() {
  return {{"SIMD", 8},  {"A_W", 8}, {"W_W", 8}, {"ACC_W", 20},
          {"ACC_O", 0}, {"Q", 0},   {"O", 3},   {"STAGES", 2}};
}
}  // namespace mac_s2

namespace mac_s4 {
inline constexpr const char* kUnit = "fx_mac_pe";
inline constexpr std::int64_t STAGES = 4;
inline units::ParamMap overrides() {
  return {{"SIMD", 3},     {"A_W", 6},        {"A_FRAC", 2}, {"A_SIGNED", 0}, {"W_W", 5},
          {"W_FRAC", 4},   {"W_SIGNED", 1},   {"ACC_W", 12}, {"ACC_O", 4},    {"OUT_W", 7},
          {"OUT_FRAC", 3}, {"OUT_SIGNED", 0}, {"Q", 6},      {"O", 2},        {"STAGES", 4}};
}
}  // namespace mac_s4

namespace khot_k1 {
inline constexpr const char* kUnit = "khot_pe";
inline constexpr std::int64_t STAGES = 1;
inline units::ParamMap overrides() {
  return {{"SIMD", 8},  {"K", 1}, {"SH_W", 3}, {"W_FRAC", 7}, {"ACC_W", 18},
          {"ACC_O", 3}, {"Q", 4}, {"O", 0},    {"STAGES", 1}};
}
}  // namespace khot_k1

namespace khot_k2 {
inline constexpr const char* kUnit = "khot_pe";
inline constexpr std::int64_t STAGES = 2;
inline units::ParamMap overrides() {
  return {{"SIMD", 8},  {"K", 2}, {"SH_W", 3}, {"W_FRAC", 7}, {"ACC_W", 16},
          {"ACC_O", 0}, {"Q", 3}, {"O", 4},    {"STAGES", 2}};
}
}  // namespace khot_k2

namespace khot_k3 {
inline constexpr const char* kUnit = "khot_pe";
inline constexpr std::int64_t STAGES = 3;
inline units::ParamMap overrides() {
  return {{"SIMD", 4},   {"A_W", 6},    {"A_SIGNED", 0}, {"K", 3},     {"SH_W", 4},
          {"W_FRAC", 9}, {"ACC_W", 14}, {"ACC_O", 3},    {"OUT_W", 6}, {"OUT_FRAC", 6},
          {"Q", 1},      {"O", 3},      {"N", 2},        {"STAGES", 3}};
}
}  // namespace khot_k3

namespace bn_relu {
inline constexpr const char* kUnit = "bn_act";
inline constexpr std::int64_t STAGES = 2;
inline units::ParamMap overrides() { return {{"SCALE_KIND", 0}, {"ACT", 1}, {"STAGES", 2}}; }
}  // namespace bn_relu

namespace bn_clip {
inline constexpr const char* kUnit = "bn_act";
inline constexpr std::int64_t STAGES = 1;
inline units::ParamMap overrides() {
  return {{"SCALE_KIND", 0}, {"X_W", 10},  {"X_FRAC", 4}, {"S_W", 6}, {"S_FRAC", 5},
          {"S_SIGNED", 0},   {"B_W", 12},  {"B_FRAC", 6}, {"Q", 0},   {"O", 0},
          {"ACT", 2},        {"CLIP", 80}, {"STAGES", 1}};
}
}  // namespace bn_clip

namespace bn_none {
inline constexpr const char* kUnit = "bn_act";
inline constexpr std::int64_t STAGES = 5;
inline units::ParamMap overrides() {
  return {{"SCALE_KIND", 0}, {"X_W", 12}, {"X_FRAC", 2},  {"X_SIGNED", 0}, {"S_W", 10},
          {"S_FRAC", 8},     {"B_W", 8},  {"B_FRAC", -2}, {"OUT_W", 10},   {"OUT_FRAC", 1},
          {"Q", 5},          {"O", 3},    {"ACT", 0},     {"STAGES", 5}};
}
}  // namespace bn_none

namespace bn_tanh {
inline constexpr const char* kUnit = "bn_act";
inline constexpr std::int64_t STAGES = 3;
inline units::ParamMap overrides() {
  return {{"SCALE_KIND", 1}, {"K", 2},    {"SH_W", 3},    {"S_FRAC", 6}, {"X_W", 12},
          {"X_FRAC", 6},     {"B_W", 16}, {"B_FRAC", 14}, {"OUT_W", 8},  {"OUT_FRAC", 5},
          {"Q", 4},          {"O", 2},    {"ACT", 3},     {"STAGES", 3}};
}
}  // namespace bn_tanh

namespace bn_sign {
inline constexpr const char* kUnit = "bn_act";
inline constexpr std::int64_t STAGES = 4;
inline units::ParamMap overrides() {
  return {{"SCALE_KIND", 1}, {"K", 3},    {"SH_W", 3},   {"S_FRAC", 4}, {"X_W", 8},
          {"X_FRAC", 3},     {"B_W", 10}, {"B_FRAC", 5}, {"OUT_W", 4},  {"OUT_FRAC", 2},
          {"Q", 3},          {"O", 0},    {"ACT", 4},    {"STAGES", 4}};
}
}  // namespace bn_sign

// weight_mem: one variant per memory style the RTL spells differently, with odd sizes: 3 PEs of
// one 4-bit word and 5 folds in registers; a 256-bit beat (4 x 8 x 8) of 32 folds in LUT RAM;
// 600 folds of 2 x 9 bits in block RAM (DEPTH not a power of two: the fold counter wraps).
namespace wm_regs {
inline constexpr const char* kUnit = "weight_mem";
inline units::ParamMap overrides() {
  return {{"PE", 3}, {"SIMD", 1}, {"WORD_W", 4}, {"DEPTH", 5}, {"STYLE", 1}};
}
}  // namespace wm_regs

namespace wm_lutram {
inline constexpr const char* kUnit = "weight_mem";
inline units::ParamMap overrides() {
  return {{"PE", 4}, {"SIMD", 8}, {"WORD_W", 8}, {"DEPTH", 32}, {"STYLE", 2}};
}
}  // namespace wm_lutram

namespace wm_bram {
inline constexpr const char* kUnit = "weight_mem";
inline units::ParamMap overrides() {
  return {{"PE", 1}, {"SIMD", 2}, {"WORD_W", 9}, {"DEPTH", 600}, {"STYLE", 3}};
}
}  // namespace wm_bram
// max_pool: POOL 2 / 3 / 4, SIMD 1 / 2 / 3 / 8, C divisible by SIMD and not (SIMD > C too),
// signed and unsigned elements from 1 to 16 bits, maps with and without leftover rows / columns.
namespace pool2_simd1 {
inline constexpr const char* kUnit = "max_pool";
inline units::ParamMap overrides() {
  return {{"POOL", 2}, {"SIMD", 1}, {"IN_W", 8}, {"IN_SIGNED", 1}, {"C", 3}, {"H", 6}, {"W", 6}};
}
}  // namespace pool2_simd1

namespace pool2_simd3_c8 {
inline constexpr const char* kUnit = "max_pool";
inline units::ParamMap overrides() {
  return {{"POOL", 2}, {"SIMD", 3}, {"IN_W", 5}, {"IN_SIGNED", 0}, {"C", 8}, {"H", 5}, {"W", 7}};
}
}  // namespace pool2_simd3_c8

namespace pool2_simd8_c3 {
inline constexpr const char* kUnit = "max_pool";
inline units::ParamMap overrides() {
  return {{"POOL", 2}, {"SIMD", 8}, {"IN_W", 16}, {"IN_SIGNED", 1}, {"C", 3}, {"H", 4}, {"W", 5}};
}
}  // namespace pool2_simd8_c3

namespace pool3_simd2_w1 {
inline constexpr const char* kUnit = "max_pool";
inline units::ParamMap overrides() {
  return {{"POOL", 3}, {"SIMD", 2}, {"IN_W", 1}, {"IN_SIGNED", 1}, {"C", 4}, {"H", 7}, {"W", 8}};
}
}  // namespace pool3_simd2_w1

namespace pool3_simd8 {
inline constexpr const char* kUnit = "max_pool";
inline units::ParamMap overrides() {
  return {{"POOL", 3}, {"SIMD", 8}, {"IN_W", 12}, {"IN_SIGNED", 1}, {"C", 8}, {"H", 6}, {"W", 9}};
}
}  // namespace pool3_simd8

namespace pool4_simd2_c5 {
inline constexpr const char* kUnit = "max_pool";
inline units::ParamMap overrides() {
  return {{"POOL", 4}, {"SIMD", 2}, {"IN_W", 3}, {"IN_SIGNED", 0}, {"C", 5}, {"H", 9}, {"W", 8}};
}
}  // namespace pool4_simd2_c5

namespace pool4_simd1_u1 {
inline constexpr const char* kUnit = "max_pool";
inline units::ParamMap overrides() {
  return {{"POOL", 4}, {"SIMD", 1}, {"IN_W", 1}, {"IN_SIGNED", 0}, {"C", 2}, {"H", 8}, {"W", 10}};
}
}  // namespace pool4_simd1_u1

// stream_fifo: DEPTH 0 / 1 / 2 / 3 / 17 and memories large enough for LUT RAM and block RAM,
// widths from 1 to 1024 bits.
namespace fifo_d0 {
inline constexpr const char* kUnit = "stream_fifo";
inline units::ParamMap overrides() { return {{"WIDTH", 8}, {"DEPTH", 0}}; }
}  // namespace fifo_d0

namespace fifo_d1_w70 {
inline constexpr const char* kUnit = "stream_fifo";
inline units::ParamMap overrides() { return {{"WIDTH", 70}, {"DEPTH", 1}}; }
}  // namespace fifo_d1_w70

namespace fifo_d2_w1 {
inline constexpr const char* kUnit = "stream_fifo";
inline units::ParamMap overrides() { return {{"WIDTH", 1}, {"DEPTH", 2}}; }
}  // namespace fifo_d2_w1

namespace fifo_d3_w1024 {
inline constexpr const char* kUnit = "stream_fifo";
inline units::ParamMap overrides() { return {{"WIDTH", 1024}, {"DEPTH", 3}, {"STYLE", 1}}; }
}  // namespace fifo_d3_w1024

namespace fifo_d17_w12 {
inline constexpr const char* kUnit = "stream_fifo";
inline units::ParamMap overrides() { return {{"WIDTH", 12}, {"DEPTH", 17}}; }
}  // namespace fifo_d17_w12

namespace fifo_d65_lutram {
inline constexpr const char* kUnit = "stream_fifo";
inline units::ParamMap overrides() { return {{"WIDTH", 36}, {"DEPTH", 65}, {"STYLE", 2}}; }
}  // namespace fifo_d65_lutram

namespace fifo_d1025_bram {
inline constexpr const char* kUnit = "stream_fifo";
inline units::ParamMap overrides() { return {{"WIDTH", 18}, {"DEPTH", 1025}, {"STYLE", 3}}; }
}  // namespace fifo_d1025_bram

// sliding_window: K = 1/2/3/5/7, STRIDE 1..4, PAD 0..3, C divisible by SIMD and not, SIMD
// 1/2/3/4/8, signed and unsigned elements, a map with fewer rows than K (R = H), small maps.
namespace sw {
inline constexpr const char* kUnit = "sliding_window";
inline units::ParamMap make(int in_w, int in_signed, int simd, int c, int h, int w, int k,
                            int stride, int pad) {
  return {{"IN_W", in_w}, {"IN_SIGNED", in_signed}, {"SIMD", simd}, {"C", c}, {"H", h}, {"W", w},
          {"K", k},       {"STRIDE", stride},       {"PAD", pad}};
}
// name, parameters
inline std::vector<std::pair<const char*, units::ParamMap>> grid() {
  return {
      {"sw_k3_s1_p1", make(8, 1, 2, 3, 6, 6, 3, 1, 1)},  // C = 3 over SIMD 2: a zero lane
      {"sw_k1_s1_p0", make(4, 0, 1, 1, 5, 5, 1, 1, 0)},  // K = 1: a pass-through
      {"sw_k3_s2_p0", make(6, 0, 4, 8, 7, 9, 3, 2, 0)},  // C = 2 SIMD
      {"sw_k5_s1_p2", make(8, 1, 3, 5, 6, 5, 5, 1, 2)},  // C = 5 over SIMD 3
      {"sw_k5_s2_p1", make(5, 1, 8, 8, 9, 7, 5, 2, 1)},  // one beat per pixel
      {"sw_k7_s3_p3", make(3, 0, 2, 3, 8, 9, 7, 3, 3)},  // K = 7, STRIDE 3, PAD 3
      {"sw_k3_s4_p1", make(8, 1, 1, 2, 9, 7, 3, 4, 1)},  // STRIDE > K: rows and columns skipped
      {"sw_k2_s1_p1", make(7, 1, 4, 6, 5, 5, 2, 1, 1)},  // even K
      {"sw_k3_h2_p1", make(8, 0, 2, 4, 2, 6, 3, 1, 1)},  // H < K: R = H = 2 row slots
  };
}
}  // namespace sw

// mvau: all three PE kinds (xnor_pe in its three modes), threshold lanes (BN = 2), SF = 1 and > 1,
// NF = 1 and > 1, PE 1 / 2 / 4, SIMD 1 / 2 / 3 / 4 / 8, every memory style, STAGES 1 / 2 / 3,
// saturating and wrapping accumulators, unsigned activations and weights, ap_fixed output
// semantics. The first is the hand-worked example of docs/rtl_units.md (integers: every fraction
// 0).
namespace mv {
inline constexpr const char* kUnit = "mvau";
struct Shape {
  int mw, mh, pe, simd, kind, stages, mem_style;
};
inline units::ParamMap make(const Shape& s, units::ParamMap formats) {
  formats.insert({{"MW", s.mw},
                  {"MH", s.mh},
                  {"PE", s.pe},
                  {"SIMD", s.simd},
                  {"PE_KIND", s.kind},
                  {"STAGES", s.stages},
                  {"MEM_STYLE", s.mem_style}});
  return formats;
}
// name, parameters
inline std::vector<std::pair<const char*, units::ParamMap>> grid() {
  const units::ParamMap ints = {{"A_FRAC", 0}, {"W_FRAC", 0}, {"OUT_W", 16}, {"OUT_FRAC", 0}};
  return {
      {"mv_hand", make({4, 2, 1, 2, 0, 2, 0}, ints)},
      {"mv_mac_p2_s4", make({8, 4, 2, 4, 0, 2, 0}, {})},
      // 4-bit unsigned activations, 3-bit weights, a 9-bit saturating accumulator.
      {"mv_mac_p1_s1_sat", make({5, 3, 1, 1, 0, 3, 2}, {{"A_W", 4},
                                                        {"A_FRAC", 2},
                                                        {"A_SIGNED", 0},
                                                        {"W_W", 3},
                                                        {"W_FRAC", 1},
                                                        {"ACC_W", 9},
                                                        {"ACC_O", 0},
                                                        {"OUT_W", 6},
                                                        {"OUT_FRAC", 2},
                                                        {"O", 0}})},
      // SF = 1, a block RAM of 16-bit-word rows, a wrapping 14-bit accumulator.
      {"mv_mac_p4_s8_sf1",
       make({8, 8, 4, 8, 0, 2, 3}, {{"ACC_W", 14}, {"OUT_W", 7}, {"OUT_FRAC", 1}, {"Q", 0}})},
      // NF = 1, unsigned weights, registers, STAGES 1.
      {"mv_mac_p4_s3_nf1",
       make({9, 4, 4, 3, 0, 1, 1}, {{"W_W", 5}, {"W_SIGNED", 0}, {"W_FRAC", 3}, {"OUT_W", 10}})},
      // 8 beats a vector over 3 folds, 4-bit weights in block RAM, ap_fixed saturation.
      {"mv_mac_p2_s3_bram", make({24, 6, 2, 3, 0, 3, 3}, {{"A_W", 6},
                                                          {"A_FRAC", 3},
                                                          {"W_W", 4},
                                                          {"W_FRAC", 3},
                                                          {"ACC_W", 16},
                                                          {"OUT_W", 5},
                                                          {"OUT_FRAC", 2},
                                                          {"O", 0},
                                                          {"AP", 1}})},
      {"mv_khot_p2_s3", make({6, 6, 2, 3, 1, 3, 2}, {{"K", 2}, {"SH_W", 3}, {"W_FRAC", 5}})},
      {"mv_khot_p1_s8_bram",
       make({16, 2, 1, 8, 1, 2, 3},
            {{"K", 3}, {"SH_W", 2}, {"W_FRAC", 2}, {"ACC_W", 12}, {"ACC_O", 0}, {"OUT_W", 6}})},
      // NF = 1, unsigned activations, one term a weight.
      {"mv_khot_p4_s1_nf1", make({3, 4, 4, 1, 1, 2, 0}, {{"A_SIGNED", 0},
                                                         {"K", 1},
                                                         {"SH_W", 2},
                                                         {"W_FRAC", 1},
                                                         {"OUT_W", 9},
                                                         {"OUT_SIGNED", 0}})},
      // BN = 1: bn_act lanes after the PEs (fixed-point scale, relu; K-hot scale, relu-clip,
      // unsigned output; NF = 1 and BN_STAGES 1 with a wrapping output, no activation).
      {"mv_bn_mac_relu", make({8, 6, 2, 4, 0, 2, 0}, {{"OUT_W", 10},
                                                      {"OUT_FRAC", 4},
                                                      {"BN", 1},
                                                      {"BN_S_W", 6},
                                                      {"BN_S_FRAC", 4},
                                                      {"BN_B_W", 10},
                                                      {"BN_B_FRAC", 5},
                                                      {"BN_OUT_W", 6},
                                                      {"BN_OUT_FRAC", 2},
                                                      {"BN_ACT", 1},
                                                      {"BN_STAGES", 2}})},
      {"mv_bn_khot_clip", make({6, 3, 1, 3, 1, 3, 2}, {{"BN", 1},
                                                       {"BN_SCALE_KIND", 1},
                                                       {"BN_K", 2},
                                                       {"BN_SH_W", 3},
                                                       {"BN_S_FRAC", 4},
                                                       {"BN_B_W", 12},
                                                       {"BN_B_FRAC", 6},
                                                       {"BN_OUT_W", 5},
                                                       {"BN_OUT_FRAC", 1},
                                                       {"BN_OUT_SIGNED", 0},
                                                       {"BN_ACT", 2},
                                                       {"BN_CLIP", 20},
                                                       {"BN_Q", 0},
                                                       {"BN_STAGES", 3}})},
      {"mv_bn_nf1_none",
       make({6, 4, 4, 2, 0, 2, 2},
            {{"BN", 1}, {"BN_ACT", 0}, {"BN_O", 3}, {"BN_OUT_W", 7}, {"BN_STAGES", 1}})},
      // PE_KIND 2 (xnor_pe), XNOR_MODE 0 / 1 / 2: the result is the accumulator (OUT_W = ACC_W).
      {"mv_xnor_m0_p2_s8", make({32, 6, 2, 8, 2, 2, 0}, {{"ACC_W", 8}, {"OUT_W", 8}})},
      {"mv_xnor_m1_p4_s4",
       make({12, 8, 4, 4, 2, 3, 2}, {{"XNOR_MODE", 1}, {"A_W", 4}, {"ACC_W", 10}, {"OUT_W", 10}})},
      // unsigned activations, a saturating 6-bit accumulator, STAGES 1, registers.
      {"mv_xnor_m2_p1_s1", make({5, 3, 1, 1, 2, 1, 1}, {{"XNOR_MODE", 2},
                                                        {"A_W", 6},
                                                        {"A_SIGNED", 0},
                                                        {"ACC_W", 6},
                                                        {"ACC_O", 0},
                                                        {"OUT_W", 6}})},
      // BN = 2: threshold lanes after the PEs (T = 1: a bit; T = 3: 2 bits; after a MAC PE).
      {"mv_th1_xnor_m0",
       make({16, 8, 2, 4, 2, 2, 0},
            {{"ACC_W", 6}, {"OUT_W", 6}, {"BN", 2}, {"TH_T", 1}, {"TH_STAGES", 1}})},
      {"mv_th3_xnor_m2", make({16, 8, 4, 8, 2, 2, 3}, {{"XNOR_MODE", 2},
                                                       {"A_W", 4},
                                                       {"ACC_W", 12},
                                                       {"OUT_W", 12},
                                                       {"BN", 2},
                                                       {"TH_T", 3},
                                                       {"TH_STAGES", 2}})},
      {"mv_th3_mac",
       make({6, 4, 2, 3, 0, 2, 0},
            {{"OUT_W", 10}, {"OUT_FRAC", 4}, {"BN", 2}, {"TH_T", 3}, {"TH_STAGES", 3}})},
  };
}
}  // namespace mv

// int_requant (namespace ir): both roundings, left shifts built or not, signed / unsigned outputs
// of 4, 8 and 32 bits, zero points, RELU, STAGES 1..4, PE 1..3 with NF 1..4, narrow accumulators
// (wrapping the bias in), M0 of 2, 16 and 31 bits.
namespace ir {
inline constexpr const char* kUnit = "int_requant";
inline std::vector<std::pair<const char*, units::ParamMap>> grid() {
  return {
      {"ir_double_int8", {}},
      {"ir_double_lshift_uint8_relu",
       {{"PE", 2},
        {"CH", 6},
        {"LSHIFT_MAX", 31},
        {"OUT_SIGNED", 0},
        {"ZP", 3},
        {"RELU", 1},
        {"STAGES", 3}}},
      {"ir_single_lshift_int4",
       {{"PE", 2},
        {"CH", 4},
        {"ROUNDING", 1},
        {"LSHIFT_MAX", 31},
        {"OUT_W", 4},
        {"ZP", -2},
        {"STAGES", 1}}},
      {"ir_single_m16_acc24_uint4_relu",
       {{"PE", 3},
        {"CH", 9},
        {"ROUNDING", 1},
        {"M0_BITS", 16},
        {"ACC_W", 24},
        {"B_W", 24},
        {"OUT_W", 4},
        {"OUT_SIGNED", 0},
        {"ZP", 5},
        {"RELU", 1},
        {"STAGES", 4}}},
      {"ir_double_m2_acc12",
       {{"CH", 1},
        {"M0_BITS", 2},
        {"ACC_W", 12},
        {"B_W", 8},
        {"LSHIFT_MAX", 3},
        {"ZP", -100},
        {"RELU", 1}}},
      {"ir_double_int32", {{"CH", 2}, {"LSHIFT_MAX", 31}, {"OUT_W", 32}, {"ZP", -7}}},
      {"ir_single_m4_lshift9_beyond_b",
       {{"CH", 2},
        {"ROUNDING", 1},
        {"M0_BITS", 4},
        {"ACC_W", 16},
        {"B_W", 12},
        {"LSHIFT_MAX", 9},
        {"OUT_W", 8},
        {"OUT_SIGNED", 0},
        {"ZP", 200}}},
      {"ir_single_uint32",
       {{"CH", 3},
        {"ROUNDING", 1},
        {"OUT_W", 32},
        {"OUT_SIGNED", 0},
        {"ZP", 12345},
        {"LSHIFT_MAX", 5}}},
  };
}
}  // namespace ir

// Every set above, for the prebuild (Prebuild.RtlVariants).
inline std::vector<Variant> all() {
  std::vector<Variant> variants = {
      {"rq_down", rq_down::kUnit, rq_down::overrides(), Top::REQUANT_GRID},
      {"rq_up", rq_up::kUnit, rq_up::overrides(), Top::REQUANT_GRID},
      {"rq_equal", rq_equal::kUnit, rq_equal::overrides(), Top::REQUANT_GRID},
      {"rq_ap_signed", rq_ap_signed::kUnit, rq_ap_signed::overrides(), Top::REQUANT_GRID},
      {"rq_ap_unsigned", rq_ap_unsigned::kUnit, rq_ap_unsigned::overrides(), Top::REQUANT_GRID},
      {"rq_ap_unsigned_all", rq_ap_unsigned_all::kUnit, rq_ap_unsigned_all::overrides(),
       Top::REQUANT_GRID},
      {"rq_ap_one_bit", rq_ap_one_bit::kUnit, rq_ap_one_bit::overrides(), Top::REQUANT_GRID},
      {"rq_ap_vectors", "fx_requant", {}, Top::AP_VECTORS},
      {"mac_s1", mac_s1::kUnit, mac_s1::overrides()},
      {"mac_s2", mac_s2::kUnit, mac_s2::overrides()},
      {"mac_s4", mac_s4::kUnit, mac_s4::overrides()},
      {"khot_k1", khot_k1::kUnit, khot_k1::overrides()},
      {"khot_k2", khot_k2::kUnit, khot_k2::overrides()},
      {"khot_k3", khot_k3::kUnit, khot_k3::overrides()},
      {"bn_relu", bn_relu::kUnit, bn_relu::overrides()},
      {"bn_clip", bn_clip::kUnit, bn_clip::overrides()},
      {"bn_none", bn_none::kUnit, bn_none::overrides()},
      {"bn_tanh", bn_tanh::kUnit, bn_tanh::overrides()},
      {"bn_sign", bn_sign::kUnit, bn_sign::overrides()},
      {"wm_regs", wm_regs::kUnit, wm_regs::overrides()},
      {"wm_lutram", wm_lutram::kUnit, wm_lutram::overrides()},
      {"wm_bram", wm_bram::kUnit, wm_bram::overrides()},
      {"pool2_simd1", pool2_simd1::kUnit, pool2_simd1::overrides()},
      {"pool2_simd3_c8", pool2_simd3_c8::kUnit, pool2_simd3_c8::overrides()},
      {"pool2_simd8_c3", pool2_simd8_c3::kUnit, pool2_simd8_c3::overrides()},
      {"pool3_simd2_w1", pool3_simd2_w1::kUnit, pool3_simd2_w1::overrides()},
      {"pool3_simd8", pool3_simd8::kUnit, pool3_simd8::overrides()},
      {"pool4_simd2_c5", pool4_simd2_c5::kUnit, pool4_simd2_c5::overrides()},
      {"pool4_simd1_u1", pool4_simd1_u1::kUnit, pool4_simd1_u1::overrides()},
      {"fifo_d0", fifo_d0::kUnit, fifo_d0::overrides()},
      {"fifo_d1_w70", fifo_d1_w70::kUnit, fifo_d1_w70::overrides()},
      {"fifo_d2_w1", fifo_d2_w1::kUnit, fifo_d2_w1::overrides()},
      {"fifo_d3_w1024", fifo_d3_w1024::kUnit, fifo_d3_w1024::overrides()},
      {"fifo_d17_w12", fifo_d17_w12::kUnit, fifo_d17_w12::overrides()},
      {"fifo_d65_lutram", fifo_d65_lutram::kUnit, fifo_d65_lutram::overrides()},
      {"fifo_d1025_bram", fifo_d1025_bram::kUnit, fifo_d1025_bram::overrides()},
  };
  for (const auto& [name, params] : sw::grid()) variants.push_back({name, sw::kUnit, params});
  for (const auto& [name, params] : mv::grid()) variants.push_back({name, mv::kUnit, params});
  for (const auto& [name, params] : ir::grid()) variants.push_back({name, ir::kUnit, params});
  return variants;
}

}  // namespace fxsim::rtl_variants
