#include "models/units/int_requant/int_requant.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

#include "fx/width_rules.hpp"
#include "models/resources/cost_tally.hpp"
#include "models/resources/dsp_inference.hpp"
#include "models/resources/memory.hpp"
#include "models/units/common/param_groups.hpp"

namespace fxsim::units {
namespace {

int clog2(long long n) { return fx::ceil_log2(static_cast<unsigned long long>(n)); }

void check(const UnitSpec& unit, const ParamMap& p) {
  if (p.at("CH") % p.at("PE") != 0) {
    fail(unit, "CH = " + std::to_string(p.at("CH")) + " is not a multiple of PE = " +
                   std::to_string(p.at("PE")) + " (a beat carries PE channels)");
  }
  if (p.at("B_W") > p.at("ACC_W")) {
    fail(unit, "B_W = " + std::to_string(p.at("B_W")) + " exceeds ACC_W = " +
                   std::to_string(p.at("ACC_W")) + " (the bias is added into the accumulator)");
  }
  const fx::AffineInt out =
      fx::AffineInt::make(p.at("OUT_SIGNED") != 0, static_cast<int>(p.at("OUT_W")));
  if (p.at("ZP") < out.q_min() || p.at("ZP") > out.q_max()) {
    fail(unit, "ZP = " + std::to_string(p.at("ZP")) + " is not a value of " + out.str() +
                   ", expected " + std::to_string(out.q_min()) + ".." +
                   std::to_string(out.q_max()));
  }
}

// The multiplier's operands and product as rtl/int_requant.sv writes them: a (ACC_W bits, or 32
// after the saturating left shift of DOUBLE) times {0, m0} (B + 1 bits, signed).
struct Widths {
  int a = 0, p = 0, r = 0;  // multiplier operand, product, rounded value (before the clamp)
};
Widths widths_of(const IntRequantConfig& c) {
  Widths w;
  const bool dbl = c.rounding == fx::IntegerRounding::DOUBLE;
  w.a = dbl && c.lshift_max > 0 ? 32 : c.acc_w;
  w.p = w.a + c.m0_bits + 1;
  w.r = dbl ? w.a + 2 : c.acc_w + c.m0_bits + 2 + std::max(c.lshift_max - c.m0_bits, 0);
  return w;
}

// LUTs a lane, calibrated on the yosys runs of testbenches/models/units/int_requant_costs_test.cpp
// (least squares, docs/rtl_units.md): DOUBLE per "rounding bit" of its shifter, mask and compares,
// SINGLE per mux input of its wide shifter, and per bit of the adders summing a split
// multiplier's partial products.
inline constexpr double kDoubleLutPerBit = 1.251;
inline constexpr double kSingleLutPerMuxBit = 2.06;
inline constexpr double kPartialAdderLutPerBit = 0.515;

// docs/rtl_units.md ("int_requant", cost). Per lane: the M0 multiplier (DSP48s by
// models/resources' inference rules, or soft) and the adders of its partial products when it is
// split over several DSPs; the rounding logic (DOUBLE: the r1 >>> k shifter of AW + 2 bits in
// 4:1 mux levels and four AW + 2-bit words: nudge, mask, remainder compare and round; plus the
// saturating left shifter when built; SINGLE: the shifter of the XW + 1-bit product by T in 4:1
// mux levels, with the left shifter when built), + bias, + ZP and the clamp folded into those
// coefficients; the pipeline registers; the parameter memory (NF words of PE channels, read
// asynchronously at the fold register) and the fold counter.
resources::ResourceEstimate cost(const ParamMap& resolved, resources::Family family, bool use_dsp) {
  const IntRequantConfig c = IntRequantConfig::from(resolved);
  const Widths w = widths_of(c);
  resources::CostTally t;
  const int m0_operand = c.m0_bits + 1;  // {0, m0}
  resources::multiplier(w.a, m0_operand, family, use_dsp, c.pe, t);
  double lane = 0;
  if (use_dsp) {
    const resources::DspSplit split =
        resources::dsp_split({w.a, true, m0_operand, true, w.p}, family);
    if (split.dsp > 0) lane += kPartialAdderLutPerBit * split.partial_adders * w.p;
  }
  const auto mux_levels = [](int select_bits) { return (select_bits + 1) / 2; };  // 4:1 a LUT6
  if (c.rounding == fx::IntegerRounding::DOUBLE) {
    const int ew = w.a + 2;
    double bits = ew * mux_levels(clog2(w.a + 2)) + 4.0 * ew;
    if (c.lshift_max > 0) {
      const int lw = std::max(c.acc_w + c.lshift_max, 33);
      bits += lw * mux_levels(clog2(c.lshift_max + 1)) + 32;  // shift, saturate to 32 bits
    }
    lane += kDoubleLutPerBit * bits;
  } else {
    // The right shift by u of the product's bits above B - LSHIFT_MAX: ACC_W + LSHIFT_MAX + 2
    // bits, u capped where they are all shifted out.
    const int shifted = c.acc_w + c.lshift_max + 2;
    const double mux_bits = shifted * mux_levels(clog2(shifted));
    lane += kSingleLutPerMuxBit * mux_bits;
  }
  t.logic.lut += c.pe * lane;
  const int p_depth = c.stages >= 2 ? 1 : 0;
  const int r_depth = c.stages >= 3 ? 1 : 0;
  const int word = c.word_width();
  t.ff += p_depth * (c.pe * (w.p + kIntRequantShiftBits) + 1);
  t.ff += r_depth * (c.pe * w.r + 1);
  t.ff += (c.stages - p_depth - r_depth) * (c.pe * c.out.width + 1);
  t.logic.lut += c.stages;  // the valid bits' reset
  resources::ResourceEstimate e =
      resources::registered_address_memory_cost(c.pe * word, c.folds(), family);
  if (c.folds() > 1) {
    const int bits = clog2(c.folds());
    t.ff += bits;  // the fold counter
    t.logic += resources::adder(bits);
    t.logic.lut += bits;
  }
  t.logic.lut += 2;  // advance, fire
  e += t.rounded();
  return e;
}

UnitSpec make_spec() {
  UnitSpec u;
  u.name = "int_requant";
  u.top_module = "int_requant";
  u.rtl_files = {"fx_pipe.sv", "int_requant.sv"};
  ParamSpec rounding{"ROUNDING", 0, 0, 1,
                     "0 double (gemmlowp / TFLite: high multiply, then a rounding shift), 1 "
                     "single (one rounding, ties up)"};
  rounding.value_names = {"double", "single"};
  u.params = {{"PE", 1, 1, 64, "lanes (channels) per beat"},
              {"CH", 4, 1, 4096, "output channels (parameter words: CH / PE)"},
              {"ACC_W", 32, 2, 32, "word length of the signed accumulator"},
              {"B_W", 32, 2, 32, "word length of the signed folded bias (at most ACC_W)"},
              {"M0_BITS", 31, 2, 31, "B: bits of the multiplier M0, in [2^(B-1), 2^B)"},
              {"LSHIFT_MAX", 0, 0, 31, "largest left shift (n < 0, M >= 1) built"},
              rounding,
              {"OUT_W", 8, 2, 32, "word length of the output integer"},
              {"OUT_SIGNED", 1, 0, 1, "1 int<OUT_W>, 0 uint<OUT_W>"},
              {"ZP", 0, -2147483648LL, 2147483647LL, "output zero point (a value of the output)"},
              {"RELU", 0, 0, 1, "1: clamp below at ZP (a fused ReLU: real 0 is ZP)"},
              stages_param()};
  u.check = check;
  u.latency = stages_latency;
  u.cost = cost;
  u.in_data_width = [](const ParamMap& p) {
    return static_cast<int>(param(p, "PE") * param(p, "ACC_W"));
  };
  u.out_data_width = [](const ParamMap& p) {
    return static_cast<int>(param(p, "PE") * param(p, "OUT_W"));
  };
  u.extra_ports = [](const ParamMap& p) {
    const IntRequantConfig c = IntRequantConfig::from(p);
    return std::vector<ExtraPort>{{"wr_en", true, 1},
                                  {"wr_addr", true, c.folds() > 1 ? clog2(c.folds()) : 1},
                                  {"wr_data", true, c.pe * c.word_width()}};
  };
  return u;
}

}  // namespace

const UnitSpec& int_requant_spec() {
  static const UnitSpec spec = make_spec();
  return spec;
}

std::int64_t IntRequantConfig::lo() const {
  return relu ? std::max<std::int64_t>(out.q_min(), zp) : out.q_min();
}

IntRequantConfig IntRequantConfig::from(const ParamMap& m) {
  IntRequantConfig c;
  c.pe = static_cast<int>(param(m, "PE"));
  c.channels = static_cast<int>(param(m, "CH"));
  c.acc_w = static_cast<int>(param(m, "ACC_W"));
  c.bias_w = static_cast<int>(param(m, "B_W"));
  c.m0_bits = static_cast<int>(param(m, "M0_BITS"));
  c.lshift_max = static_cast<int>(param(m, "LSHIFT_MAX"));
  c.rounding =
      param(m, "ROUNDING") == 0 ? fx::IntegerRounding::DOUBLE : fx::IntegerRounding::SINGLE;
  c.out = fx::AffineInt::make(param(m, "OUT_SIGNED") != 0, static_cast<int>(param(m, "OUT_W")));
  c.zp = static_cast<std::int32_t>(param(m, "ZP"));
  c.relu = param(m, "RELU") != 0;
  c.stages = static_cast<int>(param(m, "STAGES"));
  return c;
}

void check_channel(const IntRequantConfig& cfg, const IntRequantChannel& ch) {
  const std::int64_t half = std::int64_t{1} << (cfg.bias_w - 1);
  if (ch.bias < -half || ch.bias >= half) {
    throw std::invalid_argument("int_requant: bias " + std::to_string(ch.bias) +
                                " does not fit B_W = " + std::to_string(cfg.bias_w) + " bits");
  }
  const fx::IntegerMultiplier& m = ch.multiplier;
  if (m.bits != cfg.m0_bits) {
    throw std::invalid_argument("int_requant: multiplier of " + std::to_string(m.bits) +
                                " bits, the unit has M0_BITS = " + std::to_string(cfg.m0_bits));
  }
  try {
    m.validate();
  } catch (const std::exception& e) {
    throw std::invalid_argument(std::string("int_requant: ") + e.what());
  }
  if (m.shift < -cfg.lshift_max) {
    throw std::invalid_argument("int_requant: shift n = " + std::to_string(m.shift) +
                                " is a left shift of " + std::to_string(-m.shift) +
                                ", the unit builds LSHIFT_MAX = " + std::to_string(cfg.lshift_max));
  }
}

std::int64_t int_requant(const IntRequantConfig& cfg, std::int64_t acc,
                         const IntRequantChannel& ch) {
  // The bias joins the accumulator, which wraps (fx::accumulate's rule).
  const std::int64_t s = fx::wrap_signed(
      static_cast<std::uint64_t>(acc) + static_cast<std::uint64_t>(ch.bias), cfg.acc_w);
  const std::int64_t y = fx::requantize_integer(static_cast<std::int32_t>(s), ch.multiplier, cfg.zp,
                                                cfg.out, cfg.rounding);
  return std::max(y, cfg.lo());
}

}  // namespace fxsim::units
