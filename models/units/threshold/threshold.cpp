#include "models/units/threshold/threshold.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

#include "fx/width_rules.hpp"
#include "models/resources/cost_tally.hpp"
#include "models/resources/logic_costs.hpp"
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
}

// Calibrated on the yosys runs of testbenches/models/units/threshold_costs_test.cpp (not on the
// HeldOut* ones; synth_xilinx xc7, docs/rtl_units.md): a comparator is kCompareLutPerBit LUTs a
// TH_W bit (a carry chain a quarter CARRY4 a bit; abc folds the direction's inversions into
// those LUTs and, at STAGES 1, merges some into the count), or one LUT when its
// X_W + TH_W + 1 inputs fit a LUT6; the count of T bits one LUT per output bit up to 7 bits
// (abc shares the comparators' last LUTs with it), wider an adder tree of kCountLutPerInput LUTs
// per bit.
inline constexpr double kCompareLutPerBit = 1.1;
inline constexpr double kCountLutPerInput = 2.0;

resources::LogicCost comparator(int x_w) {
  const int th_w = x_w + 1;
  if (x_w + th_w + 1 <= 6) return {1.0, 0.0};
  return {kCompareLutPerBit * th_w, static_cast<double>((th_w + 3) / 4)};
}

double count_luts(int bits) {
  if (bits <= 1) return 0;
  if (bits <= 7) return clog2(bits + 1);
  return kCountLutPerInput * bits;
}

// docs/rtl_units.md ("threshold", cost). Per lane and threshold a comparator, per lane the count;
// the registers of STAGES: STAGES >= 2 the PE x T comparison bits, then the PE x OUT_W result and
// its delay stages, each stage with its valid bit; a result chain of 3 or more registers (no
// reset, one enable) is one SRL16E a bit instead (yosys's shregmap on xc7); the threshold memory
// (NF words of PE channels, read asynchronously at the fold register: models/resources/memory's
// rule) and the fold counter, whose register yosys keeps twice when the memory is LUT RAM (once
// as the counter, once as the read address it moved back out of the memory).
resources::ResourceEstimate cost(const ParamMap& resolved, resources::Family family, bool) {
  const ThresholdConfig c = ThresholdConfig::from(resolved);
  resources::CostTally t;
  t.logic += (c.pe * c.thresholds) * comparator(c.x_w);
  t.logic.lut += c.pe * count_luts(c.thresholds);
  const int c_depth = c.stages >= 2 ? 1 : 0;
  const int y_depth = c.stages - c_depth;
  t.ff += c_depth * (c.pe * c.thresholds + 1);
  if (y_depth >= 3) {
    t.logic.lut += c.pe * c.out_w();
    t.ff += y_depth;
  } else {
    t.ff += y_depth * (c.pe * c.out_w() + 1);
  }
  t.logic.lut += c.stages;  // the valid bits' reset
  resources::ResourceEstimate e =
      resources::registered_address_memory_cost(c.pe * c.word_width(), c.folds(), family);
  if (c.folds() > 1) {
    const int bits = clog2(c.folds());
    t.ff += bits * (e.lutram > 0 ? 2 : 1);  // the fold counter (and its copy)
    t.logic += resources::adder(bits);
    t.logic.lut += bits;
  }
  t.logic.lut += 2;  // advance, fire
  e += t.rounded();
  return e;
}

UnitSpec make_spec() {
  UnitSpec u;
  u.name = "threshold";
  u.top_module = "threshold";
  u.rtl_files = {"fx_pipe.sv", "threshold.sv"};
  u.params = {{"PE", 1, 1, 64, "lanes (channels) per beat"},
              {"CH", 4, 1, 4096, "output channels (threshold memory words: CH / PE)"},
              {"X_W", 16, 2, 32, "word length of the signed accumulator (thresholds: X_W + 1)"},
              {"T", 1, 1, 255, "thresholds per channel (output bits: ceil(log2(T + 1)))"},
              stages_param()};
  u.check = check;
  u.latency = stages_latency;
  u.cost = cost;
  u.in_data_width = [](const ParamMap& p) {
    return static_cast<int>(param(p, "PE") * param(p, "X_W"));
  };
  u.out_data_width = [](const ParamMap& p) {
    const ThresholdConfig c = ThresholdConfig::from(p);
    return c.pe * c.out_w();
  };
  u.extra_ports = [](const ParamMap& p) {
    const ThresholdConfig c = ThresholdConfig::from(p);
    return std::vector<ExtraPort>{{"wr_en", true, 1},
                                  {"wr_addr", true, c.folds() > 1 ? clog2(c.folds()) : 1},
                                  {"wr_data", true, c.pe * c.word_width()}};
  };
  return u;
}

void require(bool ok, const std::string& what) {
  if (!ok) throw std::invalid_argument("threshold: " + what);
}

}  // namespace

const UnitSpec& threshold_spec() {
  static const UnitSpec spec = make_spec();
  return spec;
}

int ThresholdConfig::out_w() const { return clog2(thresholds + 1); }

ThresholdConfig ThresholdConfig::from(const ParamMap& m) {
  ThresholdConfig c;
  c.pe = static_cast<int>(param(m, "PE"));
  c.channels = static_cast<int>(param(m, "CH"));
  c.x_w = static_cast<int>(param(m, "X_W"));
  c.thresholds = static_cast<int>(param(m, "T"));
  c.stages = static_cast<int>(param(m, "STAGES"));
  return c;
}

void check_channel(const ThresholdConfig& cfg, const ThresholdChannel& ch) {
  require(static_cast<int>(ch.thresholds.size()) == cfg.thresholds,
          std::to_string(ch.thresholds.size()) +
              " thresholds, the unit has T = " + std::to_string(cfg.thresholds));
  for (std::size_t k = 0; k < ch.thresholds.size(); ++k) {
    const std::int64_t t = ch.thresholds[k];
    require(t >= cfg.x_min() - 1 && t <= cfg.x_max() + 1,
            "threshold " + std::to_string(k) + " = " + std::to_string(t) + " is outside " +
                std::to_string(cfg.x_min() - 1) + ".." + std::to_string(cfg.x_max() + 1) +
                " (X_W = " + std::to_string(cfg.x_w) + " accumulator, one beyond each end)");
    require(k == 0 || ch.thresholds[k - 1] <= t,
            "threshold " + std::to_string(k) + " = " + std::to_string(t) + " is below threshold " +
                std::to_string(k - 1) + " = " + std::to_string(ch.thresholds[k - 1]) +
                " (thresholds ascend)");
  }
}

int threshold(const ThresholdConfig&, std::int64_t x, const ThresholdChannel& ch) {
  int y = 0;
  for (const std::int64_t t : ch.thresholds) y += ch.descending ? x <= t : x >= t;
  return y;
}

ThresholdChannel thresholds_from_batch_norm(double scale, double bias, double lsb,
                                            const std::vector<double>& levels, int x_w) {
  require(std::isfinite(scale) && std::isfinite(bias), "batch norm scale and bias must be finite");
  require(std::isfinite(lsb) && lsb > 0, "the accumulator's LSB weight must be finite and > 0");
  require(x_w >= 2 && x_w <= 32, "accumulator width " + std::to_string(x_w) + " is not 2..32");
  const std::int64_t lo = -(std::int64_t{1} << (x_w - 1)), hi = (std::int64_t{1} << (x_w - 1)) - 1;
  ThresholdChannel ch;
  ch.descending = scale < 0;
  for (const double level : levels) {
    require(std::isfinite(level), "activation levels must be finite");
    const auto reached = [&](std::int64_t x) {
      return scale * static_cast<double>(x) * lsb + bias >= level;
    };
    if (scale == 0) {
      ch.thresholds.push_back(reached(0) ? lo : hi + 1);
    } else if (scale > 0) {
      // reached() is non-decreasing in x (every rounding step is monotone): the smallest x with
      // it, by bisection over [lo, hi + 1] (hi + 1: none).
      std::int64_t a = lo, b = hi + 1;
      while (a < b) {
        const std::int64_t m = a + (b - a) / 2;
        if (reached(m))
          b = m;
        else
          a = m + 1;
      }
      ch.thresholds.push_back(a);
    } else {
      // Non-increasing: the largest x with it, over [lo - 1, hi] (lo - 1: none).
      std::int64_t a = lo - 1, b = hi;
      while (a < b) {
        const std::int64_t m = b - (b - a) / 2;
        if (reached(m))
          a = m;
        else
          b = m - 1;
      }
      ch.thresholds.push_back(a);
    }
  }
  // The count does not depend on the order; the unit's memory holds them ascending.
  std::sort(ch.thresholds.begin(), ch.thresholds.end());
  return ch;
}

}  // namespace fxsim::units
