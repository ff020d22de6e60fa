// What one inferred memory costs after yosys 0.23 `synth_xilinx`: the primitives its
// memory_libmap pass picks (block RAM, LUT RAM or plain flip-flops) and how many, worked out
// without running yosys. The memory is the kind a streaming unit writes in SystemVerilog:
//
//   logic [WIDTH-1:0] mem [DEPTH];   // no initial value
//   always_ff @(posedge clk) if (we) mem[wa] <= wd;             // 0 or 1 write port
//   always_ff @(posedge clk) if (re) q <= mem[ra];              // sync read port(s), or
//   assign q = mem[ra];                                          // async read port(s)
//
// with every read address different from the write address (no port shared by a read and the
// write) and no reset or initial value on the read data. A memory without a write port is a ROM.
//
// The rules are memory_libmap's (passes/memory/memory_libmap.cc of yosys 0.23) applied to the
// library files synth_xilinx passes for the family (share/yosys/xilinx/*.txt):
//   xc7 : lutrams_xc5v.txt + brams_xc4v.txt with HAS_SIZE_36 HAS_CASCADE HAS_CONFLICT_BUG
//         HAS_MIXWIDTH_SDP, -logic-cost-rom 1/64; mapped by lutrams_xc5v_map.v, brams_xc6v_map.v
//   xcup: lutrams_xcu.txt + brams_xc4v.txt with HAS_SIZE_36 HAS_MIXWIDTH_SDP HAS_ADDRCE,
//         -logic-cost-rom 1/64, -no-auto-huge (no URAM); mapped by lutrams_xc5v_map.v,
//         brams_xcu_map.v
// Every candidate RAM (each option of each library RAM, each way to put the ports on its port
// groups) gets memory_libmap's cost: (cost - widthscale) x units x port replicas + widthscale x
// address blocks x WIDTH / unit width x port replicas + 0.5 x read mux + 0.5 x write demux
// + 2 x emulation score (1 per read port on its own port); flip-flops cost WIDTH x DEPTH for a
// RAM and WIDTH x DEPTH / 64 for a ROM. The cheapest wins (ties: the first in library order, with
// memory_libmap's integer truncation of the running best). Checked against real yosys runs in
// testbenches/models/resources/memory_test.cpp; docs/resources.md states the rules.
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

#include "models/resources/estimate.hpp"
#include "models/resources/family.hpp"

namespace fxsim::resources {

// The (* ram_style *) a memory asks for: AUTO lets memory_libmap choose by cost, REGISTERS is
// "logic", LUTRAM "distributed", BRAM "block".
enum class MemoryStyle { kAuto, kRegisters, kLutram, kBram };

// The spelling of each style ("AUTO", "REGISTERS", "LUTRAM", "BRAM"), in enum order.
const std::vector<std::string>& memory_style_names();
std::string memory_style_name(MemoryStyle s);

// The ram_style attribute value that asks yosys for `s` ("auto", "logic", "distributed",
// "block").
std::string memory_style_attribute(MemoryStyle s);

struct MemorySpec {
  int width = 1;           // bits per word, >= 1
  int depth = 1;           // words, >= 2
  int read_ports = 1;      // >= 1
  bool write_port = true;  // false: a ROM
  bool sync_read = true;   // registered read data (q <= mem[ra])
  // The (one) read port reads at the write port's address (a read-modify-write memory such as a
  // row of partial results): memory_libmap may then put both on one read-write port, with no
  // emulation score, besides every placement of the read port on a port of its own.
  bool read_shares_write_address = false;
  MemoryStyle style = MemoryStyle::kAuto;
};

// A memory that cannot be mapped as asked (an asynchronous read in block RAM, a ROM in LUT RAM,
// a size out of range). The message names the field and the rule.
struct MemoryMappingError : std::invalid_argument {
  using std::invalid_argument::invalid_argument;
};

enum class MemoryKind { kRegisters, kLutram, kBram };

struct PrimitiveCount {
  std::string type;  // RAMB18E1, RAM64M, RAM64X1D, ... (yosys cell type)
  int count = 0;
};

struct MemoryMapping {
  MemoryKind kind = MemoryKind::kRegisters;
  std::string ram;         // the library RAM and option, e.g. "$__XILINX_LUTRAM_SDP_ ABITS=6"
  int unit_width = 0;      // data bits of one library RAM unit in the chosen configuration
  int address_blocks = 1;  // DEPTH split over this many unit depths (read mux, write demux)
  int units = 0;           // library RAM units (data replicas x port replicas)
  double cost = 0;         // memory_libmap's cost of the chosen candidate
  std::vector<PrimitiveCount> primitives;  // RAM cells after techmap (empty for registers)
  // The mapped memory as counted by `fxsim synth`: bram18 / bram36 / bram, lutram (LUT sites),
  // FFs (the words for registers; the read data register of a LUT RAM or a multi-block read)
  // and the LUTs of the address decode and read mux (an estimate; the rest are exact).
  ResourceEstimate estimate;
  // The part of estimate.lut that decodes the write address into word / block write enables:
  // memories written at one address with one enable (a unit's PE memories) share it in yosys.
  int write_decode_luts = 0;
};

// The mapping yosys 0.23 synth_xilinx gives `m` on `family`. Throws MemoryMappingError when the
// spec is out of range or the style cannot hold it (yosys: "no valid mapping found").
MemoryMapping map_memory(const MemorySpec& m, Family family);

// map_memory(m, family).estimate.
ResourceEstimate memory_cost(const MemorySpec& m, Family family);

// A memory of `depth` words of `width` bits with one write port, read asynchronously at an
// address held in a register (a counter: an MVAU's beat or fold, a requantizer's parameter
// fold). yosys's memory_dff merges the address register into the read port, so memory_libmap
// sees a synchronous read: in block RAM when that is cheapest, with a soft bypass of the word
// written on the edge that moves the address on (measured: a register and a mux a bit);
// otherwise the register goes back to the address side and the memory is the asynchronous-read
// LUT RAM (or registers) the RTL describes. A single word is a register.
ResourceEstimate registered_address_memory_cost(int width, int depth, Family family);

}  // namespace fxsim::resources
