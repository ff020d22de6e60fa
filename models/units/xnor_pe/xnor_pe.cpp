#include "models/units/xnor_pe/xnor_pe.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

#include "fx/width_rules.hpp"
#include "models/units/common/param_groups.hpp"

namespace fxsim::units {
namespace {

XnorMode mode_of(const ParamMap& p) { return static_cast<XnorMode>(param(p, "MODE")); }

// Width of the signed beat sum (BW in rtl/xnor_pe.sv): MODE 0 lies in [-SIMD, SIMD], a +-1
// lane being 2 bits signed; else SIMD terms of A_W + 1 bits (a negated activation).
int beat_sum_width(const ParamMap& p) {
  const int lane_w = mode_of(p) == XnorMode::BINARY ? 2 : static_cast<int>(param(p, "A_W")) + 1;
  return static_cast<int>(beat_width(lane_w, param(p, "SIMD")));
}

void check(const UnitSpec& unit, const ParamMap& p) {
  check_width(unit, "the beat sum (A_W + 1 + clog2(SIMD))", beat_sum_width(p));
}

// MODE 0 has no fixed-point activation.
bool ignored(const std::string& name, const ParamMap& p) {
  return (name == "A_W" || name == "A_SIGNED") && p.count("MODE") && p.at("MODE") == 0;
}

// Fitted on 24 of the 27 yosys runs of testbenches/models/units/xnor_pe_costs_test.cpp (not on
// the HeldOut* ones; synth_xilinx xc7 only, docs/rtl_units.md):
// * a popcount of up to 6 bits is one LUT per output bit (abc maps each bit of the count into
//   one LUT6); a wider one is a carry-save tree of full adders, kPopcountLutPerInput LUTs per
//   input bit (fitted on SIMD 8 .. 64), besides the xnor gate of each lane (one LUT);
// * an add / subtract lane costs kAddSubLutPerBit LUTs per activation bit for its xor / skip
//   (mostly absorbed by the tree), and the tree of its one's-complement terms
//   kAddSubTreeLutPerBit LUTs per bit and extra operand more than the multi-operand adder rule
//   (models/resources/logic_costs.hpp, fitted on fx_mac_pe's wider products).
constexpr double kPopcountLutPerInput = 2.2;
constexpr double kAddSubLutPerBit = 0.3;
constexpr double kAddSubTreeLutPerBit = 1.3;

double popcount_luts(int bits) {
  if (bits <= 1) return 0;
  if (bits <= 6) return fx::ceil_log2(static_cast<unsigned long long>(bits) + 1);
  return kPopcountLutPerInput * bits;
}

// The accumulator stage and its delay stages: fx_acc_out's cost (pe_stream_cost with one lane
// and STAGES = 1 is exactly its accumulator and identity output requantizer), then `tail` plain
// stages of the ACC_W-bit result and its valid (the always-0 overflow bit is a constant).
void accumulator_cost(const ParamMap& p, int beat_w, int tail, resources::Family family,
                      resources::CostTally& t) {
  ParamMap acc = {{"SIMD", 1},
                  {"STAGES", 1},
                  {"ACC_W", param(p, "ACC_W")},
                  {"ACC_O", param(p, "ACC_O")},
                  {"A_FRAC", 0},
                  {"W_FRAC", 0},
                  {"OUT_W", param(p, "ACC_W")},
                  {"OUT_FRAC", 0},
                  {"Q", static_cast<int>(fx::Rounding::TRN)},
                  {"O", static_cast<int>(fx::Overflow::WRAP)}};
  pe_stream_cost(acc, beat_w, beat_w, family, t);
  t.ff += tail * (param(p, "ACC_W") + 1);
}

// LUTs only: the lane terms (xnor gates, or an xor / mux per activation bit), the popcount or
// adder tree, the registers of STAGES, the accumulator.
resources::ResourceEstimate cost(const ParamMap& resolved, resources::Family family, bool) {
  const Params p(resolved);
  resources::CostTally t;
  const XnorMode mode = mode_of(resolved);
  const int simd = p("SIMD");
  const int stages = p("STAGES");
  const int acc_w = p("ACC_W");
  const bool acc_wraps = static_cast<fx::Overflow>(p("ACC_O")) == fx::Overflow::WRAP;
  auto used = [&](int w) { return acc_wraps ? std::min(w, acc_w) : w; };
  const int p_depth = stages >= 2 ? 1 : 0;
  const int b_depth = stages >= 3 ? 1 : 0;
  const int beat_w = used(beat_sum_width(resolved));
  if (mode == XnorMode::BINARY) {
    const int count_w = fx::ceil_log2(static_cast<unsigned long long>(simd) + 1);
    t.logic.lut += simd + popcount_luts(simd);  // xnor gates, popcount
    t.logic += resources::adder(beat_w);        // 2 * popcount - SIMD
    t.ff += p_depth * (simd + 3) + b_depth * (count_w + 3);
  } else {
    // With a wrapping accumulator only the low ACC_W bits of a lane's term matter: yosys
    // trims the rest of a ^ {neg} (the neg bit stays: it is the carry-in).
    const int a_used = used(p("A_W"));
    t.logic.lut += kAddSubLutPerBit * simd * a_used;
    t.logic += resources::multi_operand_adder(simd + 1, used(p("A_W") + 1), beat_w, family);
    t.logic.lut += kAddSubTreeLutPerBit * (simd - 1) * a_used;
    t.ff += p_depth * (simd * (a_used + 1) + 3) + b_depth * (beat_w + 3);
  }
  accumulator_cost(resolved, beat_w, stages - 1 - p_depth - b_depth, family, t);
  return t.rounded();
}

UnitSpec make_spec() {
  UnitSpec u;
  u.name = "xnor_pe";
  u.top_module = "xnor_pe";
  u.rtl_files = {"fx_requant.sv", "fx_lfsr.sv", "fx_pipe.sv", "fx_acc_out.sv", "xnor_pe.sv"};
  u.params = concat(
      std::vector<ParamSpec>{
          {"SIMD", 8, 1, 64, "lanes per beat"},
          {"MODE",
           0,
           0,
           2,
           "0 binary x binary (xnor-popcount), 1 binary weights x fixed-point activations, "
           "2 ternary weights x fixed-point activations",
           {"BINARY", "BINARY_WEIGHTS", "TERNARY_WEIGHTS"}},
          {"A_W", 8, 2, 32, "bits of a fixed-point activation (MODE 1, 2)"},
          {"A_SIGNED", 1, 0, 1, "1: activations are signed (MODE 1, 2)"}},
      accumulator_params(), std::vector<ParamSpec>{stages_param()});
  u.check = check;
  u.latency = stages_latency;
  u.cost = cost;
  u.ignored = ignored;
  return u;
}

}  // namespace

const UnitSpec& xnor_pe_spec() {
  static const UnitSpec spec = make_spec();
  return spec;
}

XnorPeConfig XnorPeConfig::from(const ParamMap& m) {
  XnorPeConfig c;
  c.mode = mode_of(m);
  c.simd = static_cast<int>(param(m, "SIMD"));
  c.a = c.mode == XnorMode::BINARY ? format_from_params(1, 0, 0)
                                   : format_from_params(param(m, "A_W"), 0, param(m, "A_SIGNED"));
  c.w_frac = 0;
  const std::int64_t acc_w = param(m, "ACC_W");
  c.acc = format_from_params(acc_w, 0, 1, fx::Rounding::TRN,
                             static_cast<fx::Overflow>(param(m, "ACC_O")));
  c.out = format_from_params(acc_w, 0, 1);  // the accumulator itself: nothing to cast
  c.stages = static_cast<int>(param(m, "STAGES"));
  return c;
}

int xnor_weight_value(XnorMode mode, std::uint64_t code) {
  if (mode != XnorMode::TERNARY_WEIGHTS) return (code & 1) ? 1 : -1;
  if (!((code >> 1) & 1)) return 0;
  return (code & 1) ? -1 : 1;
}

std::int64_t xnor_beat_sum(XnorMode mode, int simd, const std::int64_t* a, const std::uint64_t* w,
                           int n) {
  if (mode == XnorMode::BINARY) {
    int matches = simd - n;  // zero lanes: xnor(0, 0) = 1
    for (int i = 0; i < n; ++i) matches += ((a[i] ^ static_cast<std::int64_t>(w[i])) & 1) == 0;
    return 2 * std::int64_t{matches} - simd;
  }
  std::int64_t s = 0;
  for (int i = 0; i < n; ++i) s += xnor_weight_value(mode, w[i]) * a[i];
  return s;
}

std::optional<PeResult> XnorPe::beat(const std::vector<std::int64_t>& a,
                                     const std::vector<std::uint64_t>& w, bool start, bool last) {
  const int n = static_cast<int>(std::min({a.size(), w.size(), std::size_t(cfg_.simd)}));
  return acc_.beat(xnor_beat_sum(cfg_.mode, cfg_.simd, a.data(), w.data(), n), start, last);
}

PeResult xnor_dot(const XnorPeConfig& cfg, const std::vector<std::int64_t>& a,
                  const std::vector<std::uint64_t>& w) {
  const std::string where = "xnor_pe dot product: ";
  if (cfg.mode == XnorMode::BINARY && a.size() % cfg.simd != 0) {
    throw std::invalid_argument(where + "MODE 0 (binary) length " + std::to_string(a.size()) +
                                " is not a multiple of SIMD = " + std::to_string(cfg.simd) +
                                " (a padded lane would add +1)");
  }
  for (std::size_t i = 0; i < a.size(); ++i) {
    const bool a_ok = cfg.mode == XnorMode::BINARY
                          ? (a[i] == 0 || a[i] == 1)
                          : (a[i] >= cfg.a.raw_min() && a[i] <= cfg.a.raw_max());
    if (!a_ok) {
      throw std::invalid_argument(where + "activation " + std::to_string(i) + " = " +
                                  std::to_string(a[i]) + " is not a value of " +
                                  (cfg.mode == XnorMode::BINARY ? "a bit" : cfg.a.str()));
    }
  }
  for (std::size_t i = 0; i < w.size(); ++i) {
    if (w[i] >= (std::uint64_t{1} << cfg.w_bits())) {
      throw std::invalid_argument(where + "weight code " + std::to_string(i) + " = " +
                                  std::to_string(w[i]) + " is wider than " +
                                  std::to_string(cfg.w_bits()) + " bit(s)");
    }
  }
  const XnorMode mode = cfg.mode;
  const int simd = cfg.simd;
  return accumulate_dot(cfg, a, w, [&](const std::int64_t* pa, const std::uint64_t* pw, int n) {
    return xnor_beat_sum(mode, simd, pa, pw, n);
  });
}

}  // namespace fxsim::units
