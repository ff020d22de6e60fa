// stream_fifo (rtl/stream_fifo.sv): a valid/ready FIFO of DEPTH beats of WIDTH bits with an
// occupancy counter. DEPTH 0 is a wire, DEPTH 1 a register slice, DEPTH >= 2 a memory of
// DEPTH - 1 words in front of the output register, held in flip-flops, LUT RAM or block RAM
// (STYLE, or yosys's choice). Its parameters, typed configuration, latency and cost; the
// cycle-accurate model is models/streaming/stream_fifo_model.hpp.
#pragma once

#include "models/resources/memory.hpp"
#include "models/units/common/unit_spec.hpp"

namespace fxsim::units {

const UnitSpec& stream_fifo_spec();

struct StreamFifoConfig {
  int width = 8;
  int depth = 2;
  // STYLE: where the memory of DEPTH >= 2 goes (0 AUTO, 1 REGISTERS, 2 LUTRAM, 3 BRAM: the
  // ram_style attribute yosys reads).
  resources::MemoryStyle style = resources::MemoryStyle::kAuto;
  // Words of the memory in front of the output register: DEPTH - 1 (none below DEPTH 2).
  int memory_words() const { return depth >= 2 ? depth - 1 : 0; }
  // Bits of the `count` port: clog2(DEPTH + 1), at least 1 (DEPTH 0 drives a constant 0).
  int count_width() const;
  static StreamFifoConfig from(const ParamMap& resolved);
};

// Cycles from an accepted beat to out_valid in an empty FIFO: 0 (wire), 1 (slice), 2 (memory).
int stream_fifo_latency(int depth);

}  // namespace fxsim::units
