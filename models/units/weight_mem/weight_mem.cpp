#include "models/units/weight_mem/weight_mem.hpp"

#include <stdexcept>
#include <string>

#include "fx/width_rules.hpp"
#include "models/resources/cost_tally.hpp"

namespace fxsim::units {
namespace {

constexpr std::int64_t kMaxBeatBits = 4096;

void check(const UnitSpec& unit, const ParamMap& p) {
  const std::int64_t beat = p.at("PE") * p.at("SIMD") * p.at("WORD_W");
  if (beat > kMaxBeatBits) {
    fail(unit, "PE * SIMD * WORD_W = " + std::to_string(beat) +
                   " bits a beat is out of range, expected 1.." + std::to_string(kMaxBeatBits));
  }
  try {
    resources::map_memory(WeightMemConfig::from(p).memory(), resources::Family::xc7);
  } catch (const resources::MemoryMappingError& e) {
    fail(unit, std::string("STYLE: ") + e.what());
  }
}

int latency(const ParamMap&) { return kWeightMemLatency; }

// PE memories as memory_libmap maps them (sharing their write decode), and the read side: the fold
// counter rd_addr (AW bits, +1 with a wrap to 0 after DEPTH - 1) and out_valid, both reset, and the
// advance / read enables.
resources::ResourceEstimate cost(const ParamMap& resolved, resources::Family family, bool) {
  const WeightMemConfig c = WeightMemConfig::from(resolved);
  const resources::MemoryMapping mem = resources::map_memory(c.memory(), family);
  resources::ResourceEstimate e = resources::times(c.pe, mem.estimate);
  // All PE memories are written at one address with one enable: yosys builds that decode once.
  e.lut -= (c.pe - 1) * mem.write_decode_luts;
  const int aw = std::max(1, fx::ceil_log2(static_cast<unsigned long long>(c.depth)));
  resources::CostTally t;
  t.ff = aw + 1;
  // The counter's incrementer, and what yosys 0.23 adds around it on xc7 and xcup alike
  // (measured): an INV per counter bit plus two for the active-low reset, and the wrap,
  // advance and read enables: 2 AW + 4 LUTs with the adder's AW.
  t.logic += resources::adder(aw);
  t.logic.lut += aw + 4;
  e += t.rounded();
  return e;
}

UnitSpec make_spec() {
  UnitSpec u;
  u.name = "weight_mem";
  u.top_module = "weight_mem";
  u.rtl_files = {"weight_mem.sv"};
  u.params = {
      {"PE", 2, 1, 64, "processing elements (one memory each)"},
      {"SIMD", 4, 1, 64, "words per PE per beat"},
      {"WORD_W", 8, 1, 62, "bits per word (a weight or a packed K-hot term word)"},
      {"DEPTH", 16, 2, 65536, "folds: words per PE memory (SF x NF of a layer)"},
      {"STYLE", 0, 0, 3, "memory style: 0 AUTO, 1 REGISTERS, 2 LUTRAM, 3 BRAM",
       resources::memory_style_names()},
  };
  u.check = check;
  u.latency = latency;
  u.cost = cost;
  return u;
}

}  // namespace

const UnitSpec& weight_mem_spec() {
  static const UnitSpec spec = make_spec();
  return spec;
}

resources::MemorySpec WeightMemConfig::memory() const {
  resources::MemorySpec m;
  m.width = row_width();
  m.depth = depth;
  m.read_ports = 1;
  m.write_port = true;
  m.sync_read = true;
  m.style = style;
  return m;
}

WeightMemConfig WeightMemConfig::from(const ParamMap& m) {
  WeightMemConfig c;
  c.pe = static_cast<int>(param(m, "PE"));
  c.simd = static_cast<int>(param(m, "SIMD"));
  c.word_w = static_cast<int>(param(m, "WORD_W"));
  c.depth = static_cast<int>(param(m, "DEPTH"));
  c.style = static_cast<resources::MemoryStyle>(param(m, "STYLE"));
  return c;
}

WeightImage::WeightImage(const WeightMemConfig& cfg)
    : cfg_(cfg), rows_(cfg.depth, WeightBeat(cfg.words_per_beat(), 0)) {}

void WeightImage::write(int addr, const WeightBeat& row) {
  if (addr < 0 || addr >= cfg_.depth) {
    throw std::out_of_range("weight_mem: address " + std::to_string(addr) + " not in 0.." +
                            std::to_string(cfg_.depth - 1));
  }
  if (static_cast<int>(row.size()) != cfg_.words_per_beat()) {
    throw std::out_of_range(
        "weight_mem: a row has PE x SIMD = " + std::to_string(cfg_.words_per_beat()) +
        " words, got " + std::to_string(row.size()));
  }
  const std::uint64_t mask =
      cfg_.word_w >= 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << cfg_.word_w) - 1;
  WeightBeat& dst = rows_[addr];
  for (std::size_t i = 0; i < row.size(); ++i) dst[i] = row[i] & mask;
}

const WeightBeat& WeightImage::row(int addr) const {
  if (addr < 0 || addr >= cfg_.depth) {
    throw std::out_of_range("weight_mem: address " + std::to_string(addr) + " not in 0.." +
                            std::to_string(cfg_.depth - 1));
  }
  return rows_[addr];
}

}  // namespace fxsim::units
