#include "models/units/sliding_window/sliding_window.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>
#include <vector>

#include "fx/width_rules.hpp"
#include "models/resources/cost_tally.hpp"
#include "models/resources/memory.hpp"

namespace fxsim::units {
namespace {

std::string str(std::int64_t v) { return std::to_string(v); }

// K fits the padded map in both directions, and PAD is at most K/2 (as torch.nn.Conv2d requires):
// then every window overlaps the map, which the line buffer's release rule relies on.
void check(const UnitSpec& unit, const ParamMap& p) {
  const std::int64_t k = p.at("K"), pad = p.at("PAD");
  for (const char* dim : {"H", "W"}) {
    const std::int64_t span = p.at(dim) + 2 * pad;
    if (k > span) {
      fail(unit, "K = " + str(k) + " is larger than the padded map, expected K <= " + dim +
                     " + 2*PAD = " + str(span));
    }
  }
  if (2 * pad > k) {
    fail(unit,
         "PAD = " + str(pad) + " is more than half the window, expected 0..K/2 = 0.." + str(k / 2));
  }
}

int clog2(std::int64_t n) { return n > 1 ? fx::ceil_log2(static_cast<unsigned long long>(n)) : 0; }
int bits_of(std::int64_t n) { return std::max(clog2(n), 1); }  // the RTL's X > 1 ? $clog2(X) : 1

// Registers of rtl/sliding_window.sv other than the output register: the writer's address, beat
// and row counters, the image difference, the reader's five counters, its three signed
// coordinates, its two slot addresses (multiples of W*CB: their low zero bits are constants yosys
// removes) and out_valid. `kept` also leaves out what yosys finds constant or equal in corner
// cases: both addresses when there is one row slot, ky and iy (equal to wy) for K = 1, bo for one
// beat per window row.
int register_bits(const SlidingWindowConfig& c, bool kept) {
  const int cb = c.beats_per_pixel();
  const int wb = c.w * cb, kb = c.k * cb;
  const int aw = bits_of(c.depth());
  const int yw = clog2(c.h + c.k + c.pad + 1) + 1;
  const int xw = clog2(wb + kb + c.pad * cb + 1) + 1;
  int zeros = 0;  // trailing zero bits of wb
  while (((wb >> zeros) & 1) == 0) ++zeros;
  const int writer = aw + bits_of(wb) + bits_of(c.h) + 2;
  const int slot_bits = aw - std::min(zeros, aw);
  int reader = bits_of(c.out_h()) + bits_of(c.out_w()) + bits_of(c.k) + bits_of(kb) + 2 * yw + xw +
               2 * slot_bits;
  if (kept) {
    if (c.rows() == 1) reader -= 2 * slot_bits;
    if (c.k == 1) reader -= 1 + yw;
    if (kb == 1) reader -= 1;
  }
  return writer + reader + 1;
}

// LUTs: the counters' increments, wraps and compares, 3.39 per register bit - 37, and 1.86 per
// bit and extra 64-word bank of a LUT-RAM line buffer (its read mux); CARRY4 0.56 per register
// bit - 6. Least-squares fits to 14 yosys 0.23 runs (docs/rtl_units.md lists them).
resources::ResourceEstimate cost(const ParamMap& resolved, resources::Family, bool) {
  const SlidingWindowConfig c = SlidingWindowConfig::from(resolved);
  const int bits = register_bits(c, false);
  const LineBufferCost mem = line_buffer_cost(c.beat_width(), c.depth());
  resources::CostTally t;
  t.ff = register_bits(c, true) + mem.read_register_ff;
  const int extra_banks = std::max(mem.lutram_banks - 1, 0);
  t.logic.lut =
      std::max(0.0, 3.387 * bits + 1.857 * c.beat_width() * extra_banks - 36.96) + mem.lutram_luts;
  t.logic.carry = std::max(0.0, 0.56 * bits - 6.2);
  resources::ResourceEstimate e = t.rounded();
  e.bram18 = mem.bram18;
  e.bram36 = mem.bram36;
  e.bram = mem.bram18 + mem.bram36;
  e.lutram = mem.lutram_luts;
  return e;
}

UnitSpec make_spec() {
  UnitSpec u;
  u.name = "sliding_window";
  u.top_module = "sliding_window";
  u.rtl_files = {"sliding_window.sv"};
  u.params = {
      {"IN_W", 8, 1, 32, "bits of an element (raw integer)"},
      {"IN_SIGNED", 1, 0, 1, "the elements are signed (raw 0 is zero either way)"},
      {"SIMD", 2, 1, 16, "elements per beat"},
      {"C", 3, 1, 4096, "channels of the input map"},
      {"H", 6, 1, 1024, "rows of the input map"},
      {"W", 6, 1, 1024, "columns of the input map"},
      {"K", 3, 1, 7, "window size (K x K)"},
      {"STRIDE", 1, 1, 4, "window step in both directions"},
      {"PAD", 1, 0, 3, "zero rows / columns around the map"},
  };
  u.check = check;
  u.latency = [](const ParamMap& p) { return first_output_cycle(SlidingWindowConfig::from(p)); };
  u.cost = cost;
  u.in_data_width = [](const ParamMap& p) { return SlidingWindowConfig::from(p).beat_width(); };
  u.out_data_width = u.in_data_width;  // window beats carry the input's lanes
  return u;
}

}  // namespace

const UnitSpec& sliding_window_spec() {
  static const UnitSpec spec = make_spec();
  return spec;
}

std::int64_t SlidingWindowConfig::input_beats() const {
  return std::int64_t{h} * w * beats_per_pixel();
}

std::int64_t SlidingWindowConfig::output_beats() const {
  return std::int64_t{out_h()} * out_w() * k * k * beats_per_pixel();
}

SlidingWindowConfig SlidingWindowConfig::from(const ParamMap& m) {
  SlidingWindowConfig c;
  const Params p(m);
  c.in_w = p("IN_W");
  c.in_signed = p("IN_SIGNED") != 0;
  c.simd = p("SIMD");
  c.c = p("C");
  c.h = p("H");
  c.w = p("W");
  c.k = p("K");
  c.stride = p("STRIDE");
  c.pad = p("PAD");
  return c;
}

std::vector<Beat> window_stream(const SlidingWindowConfig& cfg,
                                const std::vector<std::int64_t>& image) {
  // Each output pixel's window in the one window order (units::gather_window), cut into beats.
  const ConvShape shape = cfg.shape();
  if (image.size() != static_cast<std::size_t>(cfg.h) * cfg.w * cfg.c) {
    throw std::invalid_argument("sliding_window: the image holds " + std::to_string(image.size()) +
                                " raws; expected H * W * C = " +
                                std::to_string(static_cast<std::size_t>(cfg.h) * cfg.w * cfg.c));
  }
  std::vector<std::int64_t> window(static_cast<std::size_t>(shape.window_size(cfg.simd)));
  std::vector<Beat> out;
  out.reserve(static_cast<std::size_t>(cfg.output_beats()));
  for (int oy = 0; oy < cfg.out_h(); ++oy) {
    for (int ox = 0; ox < cfg.out_w(); ++ox) {
      gather_window(shape, cfg.simd, image.data(), oy, ox, window.data());
      for (auto lane = window.begin(); lane != window.end(); lane += cfg.simd) {
        out.emplace_back(lane, lane + cfg.simd);
      }
    }
  }
  return out;
}

int first_output_cycle(const SlidingWindowConfig& cfg) { return cfg.pad > 0 ? 1 : 2; }

std::int64_t no_stall_cycles(const SlidingWindowConfig& cfg, int images) {
  const int cb = cfg.beats_per_pixel(), ho = cfg.out_h(), wo = cfg.out_w();
  const std::int64_t row_beats = std::int64_t{cfg.w} * cb;
  const std::int64_t in_rows = std::int64_t{images} * cfg.h, out_rows = std::int64_t{images} * ho;
  // First map row (cumulative) the reader still needs during output row g; images * H past the
  // last one.
  auto first_needed = [&](std::int64_t g) -> std::int64_t {
    if (g >= out_rows) return in_rows;
    return (g / ho) * cfg.h + std::max<std::int64_t>((g % ho) * cfg.stride - cfg.pad, 0);
  };
  std::vector<std::int64_t> written(static_cast<std::size_t>(in_rows * row_beats));
  std::vector<std::int64_t> row_done(static_cast<std::size_t>(out_rows));  // last issue cycle
  std::int64_t last_w = -1, last_r = -1, next_q = 0, next_o = 0, gate = 0;
  while (next_o < out_rows) {
    if (next_q < in_rows) {
      while (gate < out_rows && first_needed(gate) < next_q - cfg.rows() + 1) ++gate;
      const bool free = next_q < cfg.rows() || (gate < out_rows && gate <= next_o);
      if (free) {
        const std::int64_t t = next_q < cfg.rows() ? 0 : 1 + row_done[gate - 1];
        for (std::int64_t b = 0; b < row_beats; ++b) {
          last_w = std::max(last_w + 1, t);
          written[static_cast<std::size_t>(next_q * row_beats + b)] = last_w;
        }
        ++next_q;
        continue;
      }
    }
    const std::int64_t n = next_o / ho, oy = next_o % ho;
    for (int ox = 0; ox < wo; ++ox) {
      for (int ky = 0; ky < cfg.k; ++ky) {
        for (int kx = 0; kx < cfg.k; ++kx) {
          const std::int64_t y = oy * cfg.stride - cfg.pad + ky;
          const int x = ox * cfg.stride - cfg.pad + kx;
          const bool inside = y >= 0 && y < cfg.h && x >= 0 && x < cfg.w;
          for (int b = 0; b < cb; ++b) {
            std::int64_t t = last_r + 1;
            if (inside) {
              const std::int64_t i = ((n * cfg.h + y) * cfg.w + x) * cb + b;
              t = std::max(t, written[static_cast<std::size_t>(i)] + 1);
            }
            last_r = t;
          }
        }
      }
    }
    row_done[static_cast<std::size_t>(next_o++)] = last_r;
  }
  return last_r + 2;
}

// The buffer is one memory with a write port and a synchronous read port (the output register);
// models/resources/memory applies yosys 0.23 memory_libmap's rules to it.
LineBufferCost line_buffer_cost(int width, int depth) {
  resources::MemorySpec spec;
  spec.width = width;
  spec.depth = std::max(depth, 2);  // a one-word buffer (1 x 1 map, K = 1) maps as two words
  const resources::MemoryMapping m = resources::map_memory(spec, resources::Family::xc7);
  LineBufferCost c;
  c.lutram_luts = m.estimate.lutram;
  c.lutram_banks = m.kind == resources::MemoryKind::kLutram ? m.address_blocks : 0;
  c.bram18 = m.estimate.bram18;
  c.bram36 = m.estimate.bram36;
  c.read_register_ff = m.estimate.ff;
  return c;
}

}  // namespace fxsim::units
