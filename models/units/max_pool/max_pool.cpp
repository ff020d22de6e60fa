#include "models/units/max_pool/max_pool.hpp"

#include <algorithm>
#include <string>

#include "fx/width_rules.hpp"
#include "models/resources/cost_tally.hpp"
#include "models/resources/memory.hpp"

namespace fxsim::units {
namespace {

int clog2(long long n) { return fx::ceil_log2(static_cast<unsigned long long>(n)); }

void check(const UnitSpec& unit, const ParamMap& p) {
  for (const char* side : {"H", "W"}) {
    if (p.at(side) < p.at("POOL")) {
      fail(unit, std::string(side) + " = " + std::to_string(p.at(side)) +
                     " makes no full window, expected " + side +
                     " >= POOL = " + std::to_string(p.at("POOL")) + " (" + side + " 2..4096)");
    }
  }
}

// docs/resources.md ("max_pool"): per lane a compare of IN_W + 1 bits and a 2:1 select, the
// position counters, the output register and the row of partial maxima: a memory read and
// written at one address, asynchronously read (models/resources/memory.hpp; one word is a
// register).
resources::ResourceEstimate cost(const ParamMap& resolved, resources::Family family, bool) {
  const MaxPoolConfig c = MaxPoolConfig::from(resolved);
  resources::CostTally t;
  const int bw = c.simd * c.in_w;
  const int cb = c.beats_per_pixel();
  // base = ox * CB steps by CB: its low ctz(CB) bits stay zero and yosys removes them; base + cb
  // is then a concatenation, else an adder.
  int zeros = 0;
  while (((cb >> zeros) & 1) == 0) ++zeros;
  const bool pow2 = (cb & (cb - 1)) == 0;
  const int base_bits = clog2(c.row_words() + 1) - zeros;
  const int counter_bits =
      (cb > 1 ? clog2(cb) : 0) + 2 * (c.pool > 2 ? 2 : 1) + clog2(c.w) + clog2(c.h) + base_bits;
  t.ff = counter_bits + 1 + bw;
  t.logic.lut = c.simd * (0.5 * (c.in_w + 1) + c.in_w) + 2.5 * counter_bits;
  if (!pow2) t.logic += resources::adder(base_bits);
  t.logic.carry += c.simd * ((c.in_w + 4) / 4);
  resources::ResourceEstimate e = t.rounded();
  if (c.row_words() == 1) {
    e.ff += bw;
  } else {
    resources::MemorySpec m;
    m.width = bw;
    m.depth = c.row_words();
    m.sync_read = false;
    m.read_shares_write_address = true;
    e += resources::memory_cost(m, family);
  }
  return e;
}

UnitSpec make_spec() {
  UnitSpec u;
  u.name = "max_pool";
  u.top_module = "max_pool";
  u.rtl_files = {"max_pool.sv"};
  u.params = {{"POOL", 2, 2, 4, "window side and stride"},
              {"SIMD", 1, 1, 64, "channels per beat"},
              {"IN_W", 8, 1, 32, "word length of an element (its raw integer)"},
              {"IN_SIGNED", 1, 0, 1, "1 if the elements are signed"},
              {"C", 4, 1, 4096, "channels of the map"},
              {"H", 4, 2, 4096, "rows of the input map"},
              {"W", 4, 2, 4096, "columns of the input map"}};
  u.check = check;
  u.latency = [](const ParamMap&) { return kMaxPoolLatency; };
  u.cost = cost;
  u.in_data_width = [](const ParamMap& p) {
    return static_cast<int>(param(p, "SIMD") * param(p, "IN_W"));
  };
  u.out_data_width = u.in_data_width;  // the pooled map in the same packing
  return u;
}

}  // namespace

const UnitSpec& max_pool_spec() {
  static const UnitSpec spec = make_spec();
  return spec;
}

MaxPoolConfig MaxPoolConfig::from(const ParamMap& m) {
  MaxPoolConfig c;
  c.pool = static_cast<int>(param(m, "POOL"));
  c.simd = static_cast<int>(param(m, "SIMD"));
  c.in_w = static_cast<int>(param(m, "IN_W"));
  c.in_signed = param(m, "IN_SIGNED") != 0;
  c.c = static_cast<int>(param(m, "C"));
  c.h = static_cast<int>(param(m, "H"));
  c.w = static_cast<int>(param(m, "W"));
  return c;
}

void max_pool(const MaxPoolConfig& cfg, const std::int64_t* map, std::int64_t* out) {
  const int oh = cfg.out_h(), ow = cfg.out_w();
  auto at = [&](int y, int x, int ch) {
    return map[(static_cast<std::size_t>(y) * cfg.w + x) * cfg.c + ch];
  };
  for (int oy = 0; oy < oh; ++oy) {
    for (int ox = 0; ox < ow; ++ox) {
      for (int ch = 0; ch < cfg.c; ++ch) {
        std::int64_t best = at(oy * cfg.pool, ox * cfg.pool, ch);
        for (int ky = 0; ky < cfg.pool; ++ky) {
          for (int kx = 0; kx < cfg.pool; ++kx) {
            best = std::max(best, at(oy * cfg.pool + ky, ox * cfg.pool + kx, ch));
          }
        }
        out[(static_cast<std::size_t>(oy) * ow + ox) * cfg.c + ch] = best;
      }
    }
  }
}

std::vector<std::int64_t> max_pool(const MaxPoolConfig& cfg, const std::vector<std::int64_t>& map) {
  std::vector<std::int64_t> out(static_cast<std::size_t>(cfg.out_h()) * cfg.out_w() * cfg.c);
  max_pool(cfg, map.data(), out.data());
  return out;
}

}  // namespace fxsim::units
