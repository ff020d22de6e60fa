#include "models/units/stream_fifo/stream_fifo.hpp"

#include "fx/width_rules.hpp"
#include "models/resources/cost_tally.hpp"

namespace fxsim::units {
namespace {

int clog2(long long n) { return fx::ceil_log2(static_cast<unsigned long long>(n)); }

void check(const UnitSpec&, const ParamMap&) {}

// STYLE only places the memory of DEPTH >= 2.
bool ignored(const std::string& name, const ParamMap& p) {
  return name == "STYLE" && p.count("DEPTH") && p.at("DEPTH") < 2;
}

int latency(const ParamMap& resolved) {
  return stream_fifo_latency(static_cast<int>(param(resolved, "DEPTH")));
}

// docs/resources.md ("stream_fifo"): the write and read pointers and the word count of the
// memory (an incrementer and a compare each: 3 LUTs a bit, calibrated on yosys runs DEPTH
// 3..2049), the valid bit, and the memory with its read register (the output register) by
// yosys's memory_libmap rules (models/resources/memory.hpp); a one-word memory is a register.
resources::ResourceEstimate cost(const ParamMap& resolved, resources::Family family, bool) {
  const StreamFifoConfig c = StreamFifoConfig::from(resolved);
  resources::CostTally t;
  if (c.depth == 0) return t.rounded();
  if (c.depth == 1) {
    t.ff = c.width + 1;
    t.logic.lut = 3;  // in_ready, the valid bit's next value, the reset's INV
    return t.rounded();
  }
  const int mem = c.memory_words();
  const int aw = mem > 1 ? clog2(mem) : 0;  // a one-word memory keeps its pointers at 0
  const int mcw = clog2(mem + 1);
  const int counter_bits = 2 * aw + mcw;
  t.ff = counter_bits + 1;
  t.logic.lut = 3.0 * counter_bits + 3;
  t.logic.carry = 2 * ((mcw + 3) / 4) + 2 * ((aw + 3) / 4);
  resources::ResourceEstimate e = t.rounded();
  if (mem == 1) {
    e.ff += 2 * c.width;  // the word and the output register
    e.lut += 2;           // their load enables (calibrated: 8 LUTs at DEPTH 2, any WIDTH)
  } else {
    resources::MemorySpec m;
    m.width = c.width;
    m.depth = mem;
    m.sync_read = true;
    m.style = c.style;
    e += resources::memory_cost(m, family);
  }
  return e;
}

ParamSpec style_param() {
  ParamSpec p{"STYLE", 0, 0, 3,
              "memory of DEPTH >= 2: 0 AUTO (yosys decides), 1 REGISTERS, 2 LUTRAM, 3 BRAM"};
  p.value_names = resources::memory_style_names();  // in MemoryStyle order
  return p;
}

UnitSpec make_spec() {
  UnitSpec u;
  u.name = "stream_fifo";
  u.top_module = "stream_fifo";
  u.rtl_files = {"stream_fifo.sv"};
  u.params = {{"WIDTH", 8, 1, 1024, "bits of a beat"},
              {"DEPTH", 2, 0, 32768,
               "beats held: 0 a wire, 1 a register slice, >= 2 a memory of DEPTH - 1 words and "
               "the output register"},
              style_param()};
  u.check = check;
  u.latency = latency;
  u.cost = cost;
  u.ignored = ignored;
  u.in_data_width = [](const ParamMap& p) { return static_cast<int>(param(p, "WIDTH")); };
  u.out_data_width = u.in_data_width;
  u.extra_ports = [](const ParamMap& p) {
    return std::vector<ExtraPort>{{"count", false, StreamFifoConfig::from(p).count_width()}};
  };
  return u;
}

}  // namespace

const UnitSpec& stream_fifo_spec() {
  static const UnitSpec spec = make_spec();
  return spec;
}

int StreamFifoConfig::count_width() const { return depth < 1 ? 1 : clog2(depth + 1); }

StreamFifoConfig StreamFifoConfig::from(const ParamMap& m) {
  StreamFifoConfig c;
  c.width = static_cast<int>(param(m, "WIDTH"));
  c.depth = static_cast<int>(param(m, "DEPTH"));
  c.style = static_cast<resources::MemoryStyle>(param(m, "STYLE"));
  return c;
}

int stream_fifo_latency(int depth) { return depth >= 2 ? 2 : depth; }

}  // namespace fxsim::units
