#include "testbenches/models/units/synth_variants.hpp"

namespace fxsim::resources_test {
namespace {

using resources::Family;

Variant mac(std::string group, std::string name, units::ParamMap p, bool dsp = true,
            Family f = Family::xc7) {
  return {std::move(group), std::move(name), "fx_mac_pe", std::move(p), f, dsp};
}

}  // namespace

const std::vector<Variant>& tradeoff_variants() {
  static const std::vector<Variant> v = {
      mac("MacDsp", "mac_simd8_a8w8_dsp", {{"SIMD", 8}, {"A_W", 8}, {"W_W", 8}}),
      mac("MacLut", "mac_simd8_a8w8_nodsp", {{"SIMD", 8}, {"A_W", 8}, {"W_W", 8}}, false),
      {"Khot", "khot_simd8_a8_k1", "khot_pe", {{"SIMD", 8}, {"A_W", 8}, {"K", 1}, {"SH_W", 3}}},
      {"Khot", "khot_simd8_a8_k2", "khot_pe", {{"SIMD", 8}, {"A_W", 8}, {"K", 2}, {"SH_W", 3}}},
      {"Khot", "khot_simd8_a8_k3", "khot_pe", {{"SIMD", 8}, {"A_W", 8}, {"K", 3}, {"SH_W", 3}}},
  };
  return v;
}

const std::vector<Variant>& all_variants() {
  static const std::vector<Variant> v = [] {
    std::vector<Variant> all = tradeoff_variants();
    const std::vector<Variant> more = {
        mac("MacDsp", "mac_simd1_a8w8_dsp", {{"SIMD", 1}, {"A_W", 8}, {"W_W", 8}}),
        mac("MacDsp", "mac_simd2_a8w8_dsp", {{"SIMD", 2}, {"A_W", 8}, {"W_W", 8}}),
        mac("MacDsp", "mac_simd4_a8w8_dsp", {{"SIMD", 4}, {"A_W", 8}, {"W_W", 8}}),
        mac("MacDsp", "mac_simd4_a6w6_dsp", {{"SIMD", 4}, {"A_W", 6}, {"W_W", 6}}),
        mac("MacDsp", "mac_simd4_a4w4_dsp_below_min", {{"SIMD", 4}, {"A_W", 4}, {"W_W", 4}}),
        mac("MacDsp", "mac_simd2_a12w12_dsp", {{"SIMD", 2}, {"A_W", 12}, {"W_W", 12}}),
        mac("MacDsp", "mac_simd1_a26w18_dsp_xc7",
            {{"SIMD", 1}, {"A_W", 26}, {"W_W", 18}, {"ACC_W", 48}}),
        mac("MacDsp", "mac_simd1_a26w18_dsp_xcup",
            {{"SIMD", 1}, {"A_W", 26}, {"W_W", 18}, {"ACC_W", 48}}, true, Family::xcup),
        mac("MacDsp", "mac_simd4_a8w8_stages3_dsp",
            {{"SIMD", 4}, {"A_W", 8}, {"W_W", 8}, {"STAGES", 3}}),
        mac("MacDsp", "mac_simd4_a8uw8_dsp_xcup",
            {{"SIMD", 4}, {"A_W", 8}, {"A_SIGNED", 0}, {"W_W", 8}}, true, Family::xcup),
        mac("MacLut", "mac_simd4_a6w6_nodsp", {{"SIMD", 4}, {"A_W", 6}, {"W_W", 6}}, false),
        mac("MacLut", "mac_simd1_a8w8_nodsp", {{"SIMD", 1}, {"A_W", 8}, {"W_W", 8}}, false),
        {"Khot",
         "khot_simd4_a6_k2_sh2",
         "khot_pe",
         {{"SIMD", 4}, {"A_W", 6}, {"K", 2}, {"SH_W", 2}}},
        {"Khot", "khot_simd1_a8_k1", "khot_pe", {{"SIMD", 1}, {"A_W", 8}, {"K", 1}}},
        {"BnAct",
         "bn_fixed_x16s8_relu_dsp",
         "bn_act",
         {{"SCALE_KIND", 0}, {"X_W", 16}, {"S_W", 8}, {"ACT", 1}}},
        {"BnAct",
         "bn_fixed_x16s8_relu_nodsp",
         "bn_act",
         {{"SCALE_KIND", 0}, {"X_W", 16}, {"S_W", 8}, {"ACT", 1}},
         Family::xc7,
         false},
        {"BnAct",
         "bn_fixed_x16s16_clip_dsp",
         "bn_act",
         {{"SCALE_KIND", 0}, {"X_W", 16}, {"S_W", 16}, {"ACT", 2}}},
        {"BnAct",
         "bn_khot_x16k1_relu",
         "bn_act",
         {{"SCALE_KIND", 1}, {"X_W", 16}, {"K", 1}, {"ACT", 1}}},
        {"BnAct",
         "bn_khot_x12k3_sign",
         "bn_act",
         {{"SCALE_KIND", 1}, {"X_W", 12}, {"K", 3}, {"ACT", 4}}},
        {"Requant",
         "requant_24_12_to_8_4_rndconv_sat",
         "fx_requant",
         {{"IN_W", 24}, {"IN_FRAC", 12}, {"OUT_W", 8}, {"OUT_FRAC", 4}, {"Q", 4}, {"O", 0}}},
        {"Requant",
         "requant_32_16_to_12_6_rnd_sat",
         "fx_requant",
         {{"IN_W", 32}, {"IN_FRAC", 16}, {"OUT_W", 12}, {"OUT_FRAC", 6}, {"Q", 0}, {"O", 0}}},
        {"Requant",
         "requant_16_8_to_8_4_rndconv_wrap",
         "fx_requant",
         {{"IN_W", 16}, {"IN_FRAC", 8}, {"OUT_W", 8}, {"OUT_FRAC", 4}, {"Q", 4}, {"O", 3}}},
    };
    all.insert(all.end(), more.begin(), more.end());
    return all;
  }();
  return v;
}

}  // namespace fxsim::resources_test
