#include "models/units/unit_configs.hpp"

#include <algorithm>

namespace fxsim::units {
namespace {

int p32(const ParamMap& m, const char* name) { return static_cast<int>(param(m, name)); }

fx::FxType output_format(const ParamMap& m) {
  return format_from_params(param(m, "OUT_W"), param(m, "OUT_FRAC"), param(m, "OUT_SIGNED"),
                            static_cast<fx::Rounding>(param(m, "Q")),
                            static_cast<fx::Overflow>(param(m, "O")), param(m, "N"));
}

void fill_accumulator(const ParamMap& m, int w_frac, AccumulatorConfig* c) {
  c->simd = p32(m, "SIMD");
  c->a = format_from_params(param(m, "A_W"), param(m, "A_FRAC"), param(m, "A_SIGNED"));
  c->w_frac = w_frac;
  // The accumulator keeps every fraction bit of a product: no rounding ever happens in it.
  c->acc = format_from_params(param(m, "ACC_W"), c->product_frac(), 1, fx::Rounding::TRN,
                              static_cast<fx::Overflow>(param(m, "ACC_O")));
  c->out = output_format(m);
  c->stages = p32(m, "STAGES");
}

}  // namespace

fx::FxType format_from_params(std::int64_t width, std::int64_t frac, std::int64_t is_signed,
                              fx::Rounding q, fx::Overflow o, std::int64_t n) {
  return fx::FxType::make(is_signed != 0, static_cast<int>(width), static_cast<int>(width - frac),
                          q, o, static_cast<int>(n));
}

RequantConfig RequantConfig::from(const ParamMap& m) {
  RequantConfig c;
  c.in = format_from_params(param(m, "IN_W"), param(m, "IN_FRAC"), param(m, "IN_SIGNED"));
  c.out = output_format(m);
  return c;
}

MacPeConfig MacPeConfig::from(const ParamMap& m) {
  MacPeConfig c;
  c.w = format_from_params(param(m, "W_W"), param(m, "W_FRAC"), param(m, "W_SIGNED"));
  fill_accumulator(m, c.w.frac_bits(), &c);
  return c;
}

KhotPeConfig KhotPeConfig::from(const ParamMap& m) {
  KhotPeConfig c;
  fill_accumulator(m, p32(m, "W_FRAC"), &c);
  c.k = p32(m, "K");
  c.sh_w = p32(m, "SH_W");
  return c;
}

int BnActConfig::sum_frac() const { return std::max(product_frac(), bias.frac_bits()); }

BnActConfig BnActConfig::from(const ParamMap& m) {
  BnActConfig c;
  c.x = format_from_params(param(m, "X_W"), param(m, "X_FRAC"), param(m, "X_SIGNED"));
  c.scale_kind = p32(m, "SCALE_KIND");
  c.scale = format_from_params(param(m, "S_W"), param(m, "S_FRAC"), param(m, "S_SIGNED"));
  c.s_frac = p32(m, "S_FRAC");
  c.k = p32(m, "K");
  c.sh_w = p32(m, "SH_W");
  c.bias = format_from_params(param(m, "B_W"), param(m, "B_FRAC"), 1);
  c.out = output_format(m);
  c.act = static_cast<Activation>(param(m, "ACT"));
  c.clip = param(m, "CLIP");
  c.stages = p32(m, "STAGES");
  return c;
}

const std::vector<std::pair<std::string, Activation>>& activation_names() {
  static const std::vector<std::pair<std::string, Activation>> names = {
      {"none", Activation::NONE},
      {"relu", Activation::RELU},
      {"relu_clip", Activation::RELU_CLIP},
      {"hardtanh", Activation::HARDTANH},
      {"sign", Activation::SIGN}};
  return names;
}

std::string_view activation_name(Activation a) {
  for (const auto& [name, act] : activation_names()) {
    if (act == a) return name;
  }
  return "?";
}

}  // namespace fxsim::units
