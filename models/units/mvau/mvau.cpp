#include "models/units/mvau/mvau.hpp"

#include <stdexcept>
#include <string>
#include <string_view>

#include "fx/lfsr.hpp"
#include "fx/width_rules.hpp"
#include "models/resources/cost_tally.hpp"
#include "models/resources/memory.hpp"
#include "models/units/common/param_groups.hpp"

namespace fxsim::units {
namespace {

constexpr std::string_view kBn = "BN_";
constexpr int kLaneSeedBits = fx::Lfsr::kDefaultWidth;  // one lane's state on lfsr_seed
constexpr std::string_view kTh = "TH_";

const UnitSpec& pe_spec_of(const ParamMap& p) {
  const std::int64_t kind = p.at("PE_KIND");
  return kind == 0 ? fx_mac_pe_spec() : kind == 1 ? khot_pe_spec() : xnor_pe_spec();
}

// The parts' own checks (PE widths, the weight memory's beat and style), reported as the mvau's.
void check_part(const UnitSpec& unit, const UnitSpec& part, const ParamMap& params) {
  for (const ParamSpec& s : part.params) {
    const std::int64_t v = params.at(s.name);
    if (v < s.min || v > s.max) {
      fail(unit, part.name + " " + s.name + " = " + std::to_string(v) +
                     " is out of range, expected " + std::to_string(s.min) + ".." +
                     std::to_string(s.max) + " (" + s.doc + ")");
    }
  }
  try {
    part.check(part, params);
  } catch (const UnitParamError& e) {
    fail(unit, e.what());
  }
}

void check(const UnitSpec& unit, const ParamMap& p) {
  const std::int64_t mw = p.at("MW"), mh = p.at("MH"), pe = p.at("PE"), simd = p.at("SIMD");
  if (mw % simd != 0) {
    fail(unit, "MW = " + std::to_string(mw) + " is not a multiple of SIMD = " +
                   std::to_string(simd) + ", expected MW = SF * SIMD (the producer pads)");
  }
  if (mh % pe != 0) {
    fail(unit, "MH = " + std::to_string(mh) + " is not a multiple of PE = " + std::to_string(pe) +
                   ", expected MH = NF * PE");
  }
  const std::int64_t folds = (mw / simd) * (mh / pe);
  if (folds < 2 || folds > 65536) {
    fail(unit, "SF * NF = (MW / SIMD) * (MH / PE) = " + std::to_string(folds) +
                   " weight words is out of range, expected 2..65536");
  }
  const std::int64_t kind = p.at("PE_KIND"), act = p.at("BN");
  if (kind == 2 && p.at("OUT_W") != p.at("ACC_W")) {
    fail(unit, "PE_KIND 2 (xnor_pe) OUT_W = " + std::to_string(p.at("OUT_W")) +
                   " is not ACC_W = " + std::to_string(p.at("ACC_W")) +
                   ", expected OUT_W = ACC_W (the PE's result is its accumulator)");
  }
  if (kind == 2 && p.at("OUT_SIGNED") == 0) {
    fail(unit, "PE_KIND 2 (xnor_pe) needs OUT_SIGNED = 1 (the accumulator is signed)");
  }
  if (act == 2 && p.at("OUT_SIGNED") == 0) {
    fail(unit, "BN = 2 (threshold) needs OUT_SIGNED = 1 (the thresholds compare a signed result)");
  }
  check_part(unit, pe_spec_of(p), mvau_pe_params(p));
  check_part(unit, weight_mem_spec(), mvau_weight_mem_params(p));
  if (act == 1) check_part(unit, bn_act_spec(), mvau_bn_params(p));
  if (act == 2) check_part(unit, threshold_spec(), mvau_threshold_params(p));
}

// The PE's weight parameters only mean something for their kind.
bool ignored(const std::string& name, const ParamMap& p) {
  const std::int64_t kind = p.count("PE_KIND") ? p.at("PE_KIND") : 0;
  const std::int64_t act = p.count("BN") ? p.at("BN") : 0;
  if (name == "K" || name == "SH_W") return kind != 1;
  if (name == "W_W" || name == "W_SIGNED") return kind != 0;
  if (name == "W_FRAC" || name == "Q" || name == "O" || name == "N" || name == "AP") {
    return kind == 2;  // xnor_pe: integer weights, no output requantizer
  }
  if (name == "XNOR_MODE") return kind != 2;
  if (name == "A_W" || name == "A_SIGNED" || name == "A_FRAC") {
    return kind == 2 && p.count("XNOR_MODE") && p.at("XNOR_MODE") == 0;  // 1-bit activations
  }
  if (name.rfind(kTh, 0) == 0) return act != 2;
  if (name.rfind(kBn, 0) == 0) {
    if (act != 1) return true;
    const UnitSpec& bn = bn_act_spec();
    return bn.ignored(name.substr(kBn.size()), mvau_bn_params(p));
  }
  return false;
}

// bn_act's parameters as the mvau's: BN_<name>, all but its input format X_* (the PE's output).
std::vector<ParamSpec> bn_params() {
  std::vector<ParamSpec> out = {{"BN", 0, 0, 2,
                                 "1: PE x bn_act after the PEs (BN_* parameters), 2: a threshold "
                                 "unit of PE lanes (TH_* parameters)"}};
  for (ParamSpec s : bn_act_spec().params) {
    if (s.name.rfind("X_", 0) == 0) continue;
    s.name = std::string(kBn) + s.name;
    s.doc = "bn_act " + s.doc;
    out.push_back(s);
  }
  ParamSpec th_stages = stages_param();
  th_stages.name = "TH_STAGES";
  th_stages.doc = "threshold " + th_stages.doc;
  out.push_back({"TH_T", 1, 1, 255, "threshold: thresholds per output (BN = 2)"});
  out.push_back(th_stages);
  return out;
}

// A counter of `count` states: an adder, a FF and a wrap LUT a bit.
void counter(int count, resources::CostTally& t) {
  if (count < 2) return;
  const int bits = fx::ceil_log2(static_cast<unsigned long long>(count));
  t.ff += bits;
  t.logic += resources::adder(bits);
  t.logic.lut += bits;  // the wrap to zero (and the reset / write clear)
}

int latency(const ParamMap& resolved) { return mvau_latency(resolved); }

// PE x the PE unit's cost, the weight_mem's, the input buffer (NF > 1: SF words of SIMD*A_W bits
// read at the beat counter, and the fold-0 bypass mux), the control (the beat and fold counters,
// the handshake) and with BN PE x bn_act's cost, the scale / bias memory (NF words read at the
// output fold) and its counter (docs/resources.md).
resources::ResourceEstimate cost(const ParamMap& resolved, resources::Family family, bool use_dsp) {
  const MvauConfig c = MvauConfig::from(resolved);
  const UnitSpec& pe = pe_spec_of(resolved);
  resources::ResourceEstimate e =
      resources::times(c.pe, pe.cost(mvau_pe_params(resolved), family, use_dsp));
  e += weight_mem_spec().cost(mvau_weight_mem_params(resolved), family, use_dsp);
  resources::CostTally t;
  const int row_w = c.simd * c.a_lane_bits();
  if (c.nf() > 1) {
    e += resources::registered_address_memory_cost(row_w, c.sf(), family);
    t.logic.lut += row_w;  // a = first_fold ? in_data : ibuf[s]
  }
  counter(c.sf(), t);
  counter(c.nf(), t);
  if (c.bn) {
    const ParamMap bn = mvau_bn_params(resolved);
    e += resources::times(c.pe, bn_act_spec().cost(bn, family, use_dsp));
    const int word = mvau_bn_scale_width(c);
    e += resources::registered_address_memory_cost(c.pe * (word + c.bn_cfg.bias.width), c.nf(),
                                                   family);
    counter(c.nf(), t);
  }
  if (c.threshold) {  // the threshold unit: its lanes, memory and fold counter
    e += threshold_spec().cost(mvau_threshold_params(resolved), family, use_dsp);
  }
  t.logic.lut += 4;  // fire, in_ready, the weight stream's ready, start / last
  e += t.rounded();
  return e;
}

UnitSpec make_spec() {
  UnitSpec u;
  u.name = "mvau";
  u.top_module = "mvau";
  u.rtl_files = {"fx_requant.sv", "fx_lfsr.sv",   "fx_pipe.sv", "fx_acc_out.sv",
                 "fx_mac_pe.sv",  "khot_pe.sv",   "xnor_pe.sv", "weight_mem.sv",
                 "bn_act.sv",     "threshold.sv", "mvau.sv"};
  ParamSpec kind{"PE_KIND", 0, 0, 2,
                 "0 fx_mac_pe (multipliers), 1 khot_pe (shift-add), 2 xnor_pe (binary / ternary)"};
  kind.value_names = {"mac", "khot", "xnor"};
  ParamSpec xnor_mode{"XNOR_MODE",
                      0,
                      0,
                      2,
                      "xnor_pe MODE (PE_KIND 2): 0 binary x binary, 1 binary weights, 2 ternary "
                      "weights",
                      {"BINARY", "BINARY_WEIGHTS", "TERNARY_WEIGHTS"}};
  ParamSpec style{"MEM_STYLE",
                  0,
                  0,
                  3,
                  "weight memory style (weight_mem STYLE): 0 AUTO, 1 REGISTERS, 2 LUTRAM, 3 BRAM",
                  resources::memory_style_names()};
  u.params = concat(
      std::vector<ParamSpec>{
          {"MW", 8, 1, 65536, "input vector length (elements), a multiple of SIMD"},
          {"MH", 4, 1, 65536, "outputs per vector, a multiple of PE"},
          {"PE", 2, 1, 64, "processing elements (outputs computed in parallel)"},
          {"SIMD", 4, 1, 64, "input elements per beat (lanes of every PE)"},
          kind},
      format_group("A", 8, 4, 2, 32, 32, "an activation"),
      format_group("W", 8, 6, 2, 32, 32, "a weight (W_FRAC also for PE_KIND 1)"),
      std::vector<ParamSpec>{{"K", 2, 1, 8, "shift-add terms per weight (PE_KIND 1)"},
                             {"SH_W", 3, 1, 5, "bits of a term's shift (PE_KIND 1)"},
                             xnor_mode},
      accumulator_params(), output_params(), std::vector<ParamSpec>{stages_param(), style},
      bn_params());
  u.check = check;
  u.latency = latency;
  u.cost = cost;
  u.ignored = ignored;
  // The streams (rtl/mvau.sv): SIMD activations in, PE results out (bn_act's with BN); the weight
  // and scale / bias write ports as extra ports, as stitched tops route them.
  u.in_data_width = [](const ParamMap& p) {
    return static_cast<int>(param(p, "SIMD")) * MvauConfig::from(p).a_lane_bits();
  };
  u.out_data_width = [](const ParamMap& p) {
    return static_cast<int>(param(p, "PE")) * MvauConfig::from(p).y_bits();
  };
  u.extra_ports = [](const ParamMap& p) {
    const MvauConfig c = MvauConfig::from(p);
    const int depth = c.sf() * c.nf();
    const int aw = depth > 1 ? fx::ceil_log2(static_cast<unsigned long long>(depth)) : 1;
    const int baw = c.nf() > 1 ? fx::ceil_log2(static_cast<unsigned long long>(c.nf())) : 1;
    const int scale_w = param(p, "BN_SCALE_KIND") == 0
                            ? static_cast<int>(param(p, "BN_S_W"))
                            : static_cast<int>(param(p, "BN_K") * (2 + param(p, "BN_SH_W")));
    const int bn_pw =
        c.threshold ? c.th.word_width() : scale_w + static_cast<int>(param(p, "BN_B_W"));
    return std::vector<ExtraPort>{{"wr_en", true, 1},
                                  {"wr_addr", true, aw},
                                  {"wr_data", true, c.pe * c.simd * c.weight_width()},
                                  {"bn_wr_en", true, 1},
                                  {"bn_wr_addr", true, baw},
                                  {"bn_wr_data", true, c.pe * bn_pw},
                                  {"mac_valid", false, 1},
                                  {"mac_ready", false, 1},
                                  {"mac_data", false, c.pe * c.acc().out.width},
                                  {"lfsr_seed", true, 2 * c.pe * kLaneSeedBits}};
  };
  return u;
}

std::invalid_argument bad_weights(const std::string& what) {
  return std::invalid_argument("mvau weights: " + what);
}

}  // namespace

const UnitSpec& mvau_spec() {
  static const UnitSpec spec = make_spec();
  return spec;
}

ParamMap mvau_pe_params(const ParamMap& resolved) {
  ParamMap p;
  for (const ParamSpec& s : pe_spec_of(resolved).params) {
    p[s.name] = param(resolved, s.name == "MODE" ? "XNOR_MODE" : s.name);
  }
  return p;
}

ParamMap mvau_threshold_params(const ParamMap& r) {
  return {{"PE", param(r, "PE")},
          {"CH", param(r, "MH")},
          {"X_W", param(r, "OUT_W")},
          {"T", param(r, "TH_T")},
          {"STAGES", param(r, "TH_STAGES")}};
}

int MvauConfig::y_bits() const {
  return threshold ? th.out_w() : bn ? bn_cfg.out.width : acc().out.width;
}

ParamMap mvau_bn_params(const ParamMap& r) {
  ParamMap p = {{"X_W", param(r, "OUT_W")},
                {"X_FRAC", param(r, "OUT_FRAC")},
                {"X_SIGNED", param(r, "OUT_SIGNED")}};
  for (const ParamSpec& s : bn_act_spec().params) {
    if (!p.count(s.name)) p[s.name] = param(r, std::string(kBn) + s.name);
  }
  return p;
}

ParamMap mvau_weight_mem_params(const ParamMap& r) {
  const std::int64_t kind = param(r, "PE_KIND");
  const std::int64_t ww = kind == 0   ? param(r, "W_W")
                          : kind == 1 ? param(r, "K") * (2 + param(r, "SH_W"))
                                      : (param(r, "XNOR_MODE") == 2 ? 2 : 1);
  return {{"PE", param(r, "PE")},
          {"SIMD", param(r, "SIMD")},
          {"WORD_W", ww},
          {"DEPTH", (param(r, "MW") / param(r, "SIMD")) * (param(r, "MH") / param(r, "PE"))},
          {"STYLE", param(r, "MEM_STYLE")}};
}

MvauConfig MvauConfig::from(const ParamMap& m) {
  MvauConfig c;
  c.mw = static_cast<int>(param(m, "MW"));
  c.mh = static_cast<int>(param(m, "MH"));
  c.pe = static_cast<int>(param(m, "PE"));
  c.simd = static_cast<int>(param(m, "SIMD"));
  c.kind = static_cast<PeKind>(param(m, "PE_KIND"));
  c.mac = MacPeConfig::from(m);
  c.khot = KhotPeConfig::from(m);
  if (c.kind == PeKind::XNOR) c.xnor = XnorPeConfig::from(mvau_pe_params(m));
  c.mem = WeightMemConfig::from(mvau_weight_mem_params(m));
  c.bn = param(m, "BN") == 1;
  if (c.bn) c.bn_cfg = BnActConfig::from(mvau_bn_params(m));
  c.threshold = param(m, "BN") == 2;
  if (c.threshold) c.th = ThresholdConfig::from(mvau_threshold_params(m));
  return c;
}

MvauConfig MvauConfig::with_lanes(std::uint64_t seed, std::uint64_t layer) const {
  MvauConfig c = *this;
  c.lfsr_seeds = mvau_lane_states(pe, seed, layer);
  c.mac.lfsr_seed = c.khot.lfsr_seed = 0;  // per lane: the cycle model sets each PE's own
  return c;
}

std::vector<std::uint64_t> mvau_lane_states(int pe, std::uint64_t seed, std::uint64_t layer) {
  std::vector<std::uint64_t> states;
  for (int lane = 0; lane < 2 * pe; ++lane) {
    states.push_back(fx::lane_state(seed, layer, static_cast<std::uint64_t>(lane)));
  }
  return states;
}

namespace {

// K-hot terms as one word: term k at bits [k*(2+SH_W) +: 2+SH_W], {en, neg, shift}, unused
// terms zero (the layout of khot_pe's in_w and of bn_act's K-hot scale). `what` names the value.
std::uint64_t term_word(const fx::Terms& terms, int k, int sh_w, const std::string& what) {
  if (static_cast<int>(terms.size()) > k) {
    throw bad_weights(what + " has " + std::to_string(terms.size()) +
                      " terms, expected at most K = " + std::to_string(k));
  }
  const int tw = 2 + sh_w;
  std::uint64_t word = 0;
  for (std::size_t i = 0; i < terms.size(); ++i) {
    if (terms[i].shift < 0 || terms[i].shift >= (1 << sh_w)) {
      throw bad_weights("a term shift of " + std::to_string(terms[i].shift) +
                        " does not fit SH_W = " + std::to_string(sh_w) + " bits");
    }
    const std::uint64_t term = (std::uint64_t{1} << (tw - 1)) |
                               (std::uint64_t{terms[i].negative} << (tw - 2)) |
                               static_cast<std::uint64_t>(terms[i].shift);
    word |= term << (static_cast<int>(i) * tw);
  }
  return word;
}

}  // namespace

std::uint64_t mvau_xnor_code(const MvauConfig& cfg, std::int64_t v) {
  const bool ternary = cfg.xnor.mode == XnorMode::TERNARY_WEIGHTS;
  if (v == 1) return ternary ? 0b10 : 1;
  if (v == -1) return ternary ? 0b11 : 0;
  if (v == 0 && ternary) return 0b00;
  throw bad_weights("a weight of " + std::to_string(v) + " is not " +
                    (ternary ? "+1, 0 or -1 (ternary)" : "+1 or -1 (binary)"));
}

std::uint64_t mvau_weight_word(const MvauConfig& cfg, const MvauWeights& w, int row, int col) {
  const std::size_t at = static_cast<std::size_t>(row) * cfg.mw + col;
  if (cfg.kind == PeKind::MAC) {
    const int bits = cfg.mac.w.width;
    return static_cast<std::uint64_t>(w.raw.at(at)) & ((std::uint64_t{1} << bits) - 1);
  }
  if (cfg.kind == PeKind::XNOR) return mvau_xnor_code(cfg, w.raw.at(at));
  return term_word(w.terms.at(at), cfg.khot.k, cfg.khot.sh_w,
                   "weight (" + std::to_string(row) + ", " + std::to_string(col) + ")");
}

int mvau_bn_scale_width(const MvauConfig& cfg) {
  return cfg.bn_cfg.scale_kind == 0 ? cfg.bn_cfg.scale.width
                                    : cfg.bn_cfg.k * cfg.bn_cfg.term_width();
}

std::uint64_t mvau_bn_scale_word(const MvauConfig& cfg, const MvauBn& bn, int o) {
  const std::size_t i = static_cast<std::size_t>(o);
  if (cfg.bn_cfg.scale_kind == 0) {
    const int bits = cfg.bn_cfg.scale.width;
    return static_cast<std::uint64_t>(bn.scale.at(i)) & ((std::uint64_t{1} << bits) - 1);
  }
  return term_word(bn.scale_terms.at(i), cfg.bn_cfg.k, cfg.bn_cfg.sh_w,
                   "the scale of output " + std::to_string(o));
}

WeightImage mvau_weight_image(const MvauConfig& cfg, const MvauWeights& w) {
  const std::size_t n = static_cast<std::size_t>(cfg.mw) * cfg.mh;
  if ((cfg.kind == PeKind::KHOT ? w.terms.size() : w.raw.size()) != n) {
    throw bad_weights("expected MH x MW = " + std::to_string(n) + " weights");
  }
  WeightImage image(cfg.mem);
  WeightBeat row(static_cast<std::size_t>(cfg.pe * cfg.simd));
  for (int f = 0; f < cfg.nf(); ++f) {
    for (int s = 0; s < cfg.sf(); ++s) {
      for (int p = 0; p < cfg.pe; ++p) {
        for (int i = 0; i < cfg.simd; ++i) {
          row[static_cast<std::size_t>(p * cfg.simd + i)] =
              mvau_weight_word(cfg, w, f * cfg.pe + p, s * cfg.simd + i);
        }
      }
      image.write(f * cfg.sf() + s, row);
    }
  }
  return image;
}

std::vector<PeResult> mvau(const MvauConfig& cfg, const std::vector<std::int64_t>& x,
                           const MvauWeights& w) {
  if (static_cast<int>(x.size()) != cfg.mw) {
    throw std::invalid_argument("mvau: expected an input vector of MW = " + std::to_string(cfg.mw) +
                                " elements");
  }
  std::vector<PeResult> out;
  out.reserve(static_cast<std::size_t>(cfg.mh));
  for (int o = 0; o < cfg.mh; ++o) {
    const std::size_t from = static_cast<std::size_t>(o) * cfg.mw;
    if (cfg.kind == PeKind::MAC) {
      const std::vector<std::int64_t> row(w.raw.begin() + from, w.raw.begin() + from + cfg.mw);
      out.push_back(mac_dot(cfg.mac, x, row));
    } else if (cfg.kind == PeKind::XNOR) {
      std::vector<std::uint64_t> codes;
      for (int e = 0; e < cfg.mw; ++e) codes.push_back(mvau_xnor_code(cfg, w.raw.at(from + e)));
      out.push_back(xnor_dot(cfg.xnor, x, codes));
    } else {
      const std::vector<fx::Terms> row(w.terms.begin() + from, w.terms.begin() + from + cfg.mw);
      out.push_back(khot_dot(cfg.khot, x, row));
    }
  }
  return out;
}

std::vector<std::int64_t> mvau_outputs(const MvauConfig& cfg, const std::vector<std::int64_t>& x,
                                       const MvauWeights& w, const MvauBn& bn) {
  std::vector<std::int64_t> y;
  const std::vector<PeResult> r = mvau(cfg, x, w);
  for (std::size_t o = 0; o < r.size(); ++o) {
    if (cfg.threshold) {
      y.push_back(threshold(cfg.th, r[o].data, bn.thresholds.at(o)));
      continue;
    }
    if (!cfg.bn) {
      y.push_back(r[o].data);
      continue;
    }
    const bool khot = cfg.bn_cfg.scale_kind == 1;
    y.push_back(bn_act(cfg.bn_cfg, r[o].data, khot ? 0 : bn.scale.at(o),
                       khot ? bn.scale_terms.at(o) : fx::Terms{}, bn.bias.at(o))
                    .y);
  }
  return y;
}

int mvau_latency(const ParamMap& resolved) {
  const std::int64_t act = param(resolved, "BN");
  return stages_latency(resolved) + (act == 1   ? static_cast<int>(param(resolved, "BN_STAGES"))
                                     : act == 2 ? static_cast<int>(param(resolved, "TH_STAGES"))
                                                : 0);
}

std::uint64_t mvau_stall_free_cycles(const MvauConfig& cfg, std::uint64_t n) {
  return 1 + n * static_cast<std::uint64_t>(cfg.sf()) * static_cast<std::uint64_t>(cfg.nf()) +
         static_cast<std::uint64_t>(cfg.acc().stages + cfg.act_stages());
}

}  // namespace fxsim::units
