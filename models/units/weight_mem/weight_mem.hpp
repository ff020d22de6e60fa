// weight_mem (rtl/weight_mem.sv): the weights of a PE x SIMD array in on-chip memory (one memory
// per PE, SIMD x WORD_W bits wide, DEPTH folds deep), streamed one fold per beat. Its parameters,
// typed configuration, bit-exact reference (which beat carries which words) and cost: the
// memories as yosys maps them (models/resources/memory.hpp) plus the read address counter.
#pragma once

#include <cstdint>
#include <vector>

#include "models/resources/memory.hpp"
#include "models/units/common/unit_spec.hpp"

namespace fxsim::units {

const UnitSpec& weight_mem_spec();

struct WeightMemConfig {
  int pe = 1, simd = 1, word_w = 8, depth = 2;
  resources::MemoryStyle style = resources::MemoryStyle::kAuto;
  int words_per_beat() const { return pe * simd; }
  int row_width() const { return simd * word_w; }  // one PE's memory word
  // One PE's memory as models/resources sees it: SIMD x WORD_W bits, DEPTH words, one write
  // port, one registered read port, the STYLE's ram_style.
  resources::MemorySpec memory() const;
  static WeightMemConfig from(const ParamMap& resolved);
};

// A beat or a memory row of all PEs: PE x SIMD words, word (p, s) at index p * SIMD + s (bits
// [(p*SIMD + s)*WORD_W +: WORD_W] of wr_data / out_data), each the low WORD_W bits.
using WeightBeat = std::vector<std::uint64_t>;

// The memory contents the unit holds: DEPTH rows. Reference semantics of the ports:
// write(addr, row) stores row (masked to WORD_W bits a word) at addr; beat(k) is what the k-th
// beat after a reset carries: row k mod DEPTH. Throws std::out_of_range for a bad address or a
// row of the wrong size.
class WeightImage {
 public:
  explicit WeightImage(const WeightMemConfig& cfg);
  void write(int addr, const WeightBeat& row);
  const WeightBeat& row(int addr) const;
  const WeightBeat& beat(std::int64_t k) const { return row(static_cast<int>(k % cfg_.depth)); }
  const WeightMemConfig& config() const { return cfg_; }

 private:
  WeightMemConfig cfg_;
  std::vector<WeightBeat> rows_;
};

// Cycles from the edge that reads a fold (advance && run) to its beat on out_data: 1 (the
// memory's registered read is the output register).
inline constexpr int kWeightMemLatency = 1;

}  // namespace fxsim::units
