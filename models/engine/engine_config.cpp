// Design point -> RTL parameters, latency formula, memory element layouts, K-hot term words.
#include "models/engine/engine_config.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "fx/width_rules.hpp"

namespace fxsim::engine {

std::string_view to_string(EngineKind k) {
  switch (k) {
    case EngineKind::FX_MAC:
      return "fx_mac";
    case EngineKind::KHOT:
      return "khot";
    case EngineKind::SPT:
      return "spt";
  }
  return "?";
}

std::string_view to_string(Distribution d) {
  return d == Distribution::UNIFORM ? "uniform" : "normal";
}

std::string_view to_string(units::Activation a) { return units::activation_name(a); }

int khot_shift_bits(const fx::KhotType& t) {
  return std::max(1, fx::ceil_log2(static_cast<unsigned long long>(t.magnitude_bits())));
}

namespace {

void put_format(units::ParamMap* p, const std::string& prefix, const fx::FxType& t) {
  (*p)[prefix + "_W"] = t.width;
  (*p)[prefix + "_FRAC"] = t.frac_bits();
  (*p)[prefix + "_SIGNED"] = t.is_signed ? 1 : 0;
}

void put_output(units::ParamMap* p, const fx::FxType& t) {
  put_format(p, "OUT", t);
  (*p)["Q"] = static_cast<int>(t.rounding);
  (*p)["O"] = static_cast<int>(t.overflow);
  (*p)["N"] = t.sat_bits;
}

// The raw CLIP parameter: the clip value in output LSBs (point-file checks make it exact).
std::int64_t clip_raw(const BnConfig& bn) {
  return static_cast<std::int64_t>(std::ldexp(bn.clip, bn.output.frac_bits()));
}

}  // namespace

std::string pe_unit_name(const EngineConfig& cfg) {
  return cfg.kind == EngineKind::FX_MAC ? "fx_mac_pe" : "khot_pe";
}

units::ParamMap pe_params(const EngineConfig& cfg) {
  units::ParamMap p;
  p["SIMD"] = cfg.simd;
  put_format(&p, "A", cfg.activation);
  if (cfg.kind == EngineKind::FX_MAC) {
    put_format(&p, "W", cfg.fx_weight());
  } else {
    const fx::KhotType& w = cfg.khot_weight();
    p["K"] = w.k;
    p["SH_W"] = khot_shift_bits(w);
    p["W_FRAC"] = w.frac_bits();
  }
  p["ACC_W"] = cfg.accumulator.width;
  p["ACC_O"] = static_cast<int>(cfg.accumulator.overflow);
  put_output(&p, cfg.output);
  p["STAGES"] = cfg.mac_stages;
  return units::resolve_params(units::find_unit(pe_unit_name(cfg)), p);
}

units::ParamMap bn_params(const EngineConfig& cfg) {
  if (!cfg.bn) throw std::logic_error("bn_params: the design point has no [bn]");
  const BnConfig& bn = *cfg.bn;
  units::ParamMap p;
  put_format(&p, "X", cfg.output);
  if (bn.khot_scale()) {
    const auto& s = std::get<fx::KhotType>(bn.scale);
    p["SCALE_KIND"] = 1;
    p["K"] = s.k;
    p["SH_W"] = khot_shift_bits(s);
    p["S_FRAC"] = s.frac_bits();
  } else {
    p["SCALE_KIND"] = 0;
    put_format(&p, "S", std::get<fx::FxType>(bn.scale));
  }
  p["B_W"] = bn.bias.width;
  p["B_FRAC"] = bn.bias.frac_bits();
  put_output(&p, bn.output);
  p["ACT"] = static_cast<int>(bn.activation);
  if (bn.activation == units::Activation::RELU_CLIP) p["CLIP"] = clip_raw(bn);
  p["STAGES"] = bn.stages;
  return units::resolve_params(units::find_unit("bn_act"), p);
}

units::MacPeConfig mac_pe_config(const EngineConfig& cfg) {
  if (cfg.kind != EngineKind::FX_MAC) throw std::logic_error("mac_pe_config: not an fx_mac point");
  return units::MacPeConfig::from(pe_params(cfg));
}

units::KhotPeConfig khot_pe_config(const EngineConfig& cfg) {
  if (cfg.kind == EngineKind::FX_MAC) throw std::logic_error("khot_pe_config: an fx_mac point");
  return units::KhotPeConfig::from(pe_params(cfg));
}

units::BnActConfig bn_act_config(const EngineConfig& cfg) {
  return units::BnActConfig::from(bn_params(cfg));
}

// ---- Latency ------------------------------------------------------------------------------------
std::uint64_t fold_beats(const EngineConfig& cfg, int batch) {
  return static_cast<std::uint64_t>(batch) * static_cast<std::uint64_t>(cfg.neuron_fold()) *
         static_cast<std::uint64_t>(cfg.synapse_fold());
}

std::uint64_t pe_fill_cycles(const EngineConfig& cfg) {
  return static_cast<std::uint64_t>(cfg.mac_stages) + 1;
}

std::uint64_t bn_fill_cycles(const EngineConfig& cfg) {
  return cfg.bn ? static_cast<std::uint64_t>(cfg.bn->stages) + 1 : 0;
}

std::uint64_t compute_cycles(const EngineConfig& cfg, int batch) {
  return fold_beats(cfg, batch) + pe_fill_cycles(cfg) + bn_fill_cycles(cfg);
}

std::uint64_t transfer_cycles(std::uint64_t bytes, int bus_bits) {
  const auto bits = static_cast<std::uint64_t>(bus_bits);
  return 1 + (8 * bytes + bits - 1) / bits;
}

// ---- Elements -----------------------------------------------------------------------------------
int element_bytes_for_bits(int bits) {
  if (bits <= 8) return 1;
  if (bits <= 16) return 2;
  if (bits <= 32) return 4;
  return 8;
}

namespace {
int term_word_bits(const fx::KhotType& t) { return t.k * (2 + khot_shift_bits(t)); }
}  // namespace

int weight_element_bits(const EngineConfig& cfg) {
  return cfg.kind == EngineKind::FX_MAC ? cfg.fx_weight().width : term_word_bits(cfg.khot_weight());
}
bool weight_element_signed(const EngineConfig& cfg) {
  return cfg.kind == EngineKind::FX_MAC && cfg.fx_weight().is_signed;
}
int bn_scale_element_bits(const EngineConfig& cfg) {
  const BnConfig& bn = cfg.bn.value();
  return bn.khot_scale() ? term_word_bits(std::get<fx::KhotType>(bn.scale))
                         : std::get<fx::FxType>(bn.scale).width;
}
bool bn_scale_element_signed(const EngineConfig& cfg) {
  const BnConfig& bn = cfg.bn.value();
  return !bn.khot_scale() && std::get<fx::FxType>(bn.scale).is_signed;
}
int bn_bias_element_bits(const EngineConfig& cfg) { return cfg.bn.value().bias.width; }
int input_element_bits(const EngineConfig& cfg) { return cfg.activation.width; }
int output_element_bits(const EngineConfig& cfg) { return cfg.final_output().width; }

namespace {
ElementLayout layout(int bits, bool is_signed) {
  return ElementLayout{bits, element_bytes_for_bits(bits), is_signed};
}
}  // namespace

ElementLayout weight_layout(const EngineConfig& cfg) {
  return layout(weight_element_bits(cfg), weight_element_signed(cfg));
}
ElementLayout bn_scale_layout(const EngineConfig& cfg) {
  return layout(bn_scale_element_bits(cfg), bn_scale_element_signed(cfg));
}
ElementLayout bn_bias_layout(const EngineConfig& cfg) {
  return layout(bn_bias_element_bits(cfg), true);
}
ElementLayout input_layout(const EngineConfig& cfg) {
  return layout(input_element_bits(cfg), cfg.activation.is_signed);
}
ElementLayout output_layout(const EngineConfig& cfg) {
  return layout(output_element_bits(cfg), cfg.final_output().is_signed);
}

std::int64_t normalize_element(std::int64_t word, const ElementLayout& l) {
  if (l.bits >= 64) return word;
  const std::uint64_t mask = (std::uint64_t{1} << l.bits) - 1;
  std::uint64_t v = static_cast<std::uint64_t>(word) & mask;
  if (l.is_signed && ((v >> (l.bits - 1)) & 1)) v |= ~mask;
  return static_cast<std::int64_t>(v);
}

// ---- Term words ---------------------------------------------------------------------------------
std::int64_t pack_terms(const std::vector<fx::Term>& terms, int k, int sh_w) {
  if (static_cast<int>(terms.size()) > k) {
    throw std::invalid_argument("pack_terms: " + std::to_string(terms.size()) +
                                " terms, expected at most K = " + std::to_string(k));
  }
  const int term_w = 2 + sh_w;
  std::uint64_t word = 0;
  for (std::size_t i = 0; i < terms.size(); ++i) {
    if (terms[i].shift < 0 || terms[i].shift >= (1 << sh_w)) {
      throw std::invalid_argument("pack_terms: shift " + std::to_string(terms[i].shift) +
                                  " does not fit SH_W = " + std::to_string(sh_w) + " bits");
    }
    const std::uint64_t t = (std::uint64_t{1} << (sh_w + 1)) |
                            (std::uint64_t{terms[i].negative} << sh_w) |
                            static_cast<std::uint64_t>(terms[i].shift);
    word |= t << (i * term_w);
  }
  return static_cast<std::int64_t>(word);
}

void unpack_terms(std::int64_t word, int k, int sh_w, std::vector<fx::Term>* out) {
  out->clear();
  const int term_w = 2 + sh_w;
  const auto w = static_cast<std::uint64_t>(word);
  const std::uint64_t shift_mask = (std::uint64_t{1} << sh_w) - 1;
  for (int i = 0; i < k; ++i) {
    const std::uint64_t t = w >> (i * term_w);
    if (!((t >> (sh_w + 1)) & 1)) continue;
    out->push_back(fx::Term{((t >> sh_w) & 1) != 0, static_cast<int>(t & shift_mask)});
  }
}

std::int64_t term_word_value(std::int64_t word, int k, int sh_w) {
  const int term_w = 2 + sh_w;
  const auto w = static_cast<std::uint64_t>(word);
  const std::uint64_t shift_mask = (std::uint64_t{1} << sh_w) - 1;
  std::int64_t v = 0;
  for (int i = 0; i < k; ++i) {
    const std::uint64_t t = w >> (i * term_w);
    if (!((t >> (sh_w + 1)) & 1)) continue;
    const std::int64_t p = std::int64_t{1} << (t & shift_mask);
    v += ((t >> sh_w) & 1) ? -p : p;
  }
  return v;
}

StageCoverage& StageCoverage::operator+=(const StageCoverage& o) {
  count += o.count;
  overflows += o.overflows;
  ties += o.ties;
  inexact += o.inexact;
  return *this;
}

Coverage& Coverage::operator+=(const Coverage& o) {
  accumulator += o.accumulator;
  mac_requant += o.mac_requant;
  bn_requant += o.bn_requant;
  activation += o.activation;
  tlm_errors += o.tlm_errors;
  return *this;
}

}  // namespace fxsim::engine
