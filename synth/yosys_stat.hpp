// Reading what yosys reports after `synth_xilinx`: the cell counts of `stat -json` grouped into
// FPGA resources, and the length of `ltp` (longest topological path) as the logic depth.
#pragma once

#include <array>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace fxsim::synth {

// A `stat -json` or `ltp` text that is not what yosys 0.23 writes.
struct StatParseError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Xilinx primitives of a mapped netlist, grouped the way a utilization report groups them.
struct ResourceCounts {
  std::array<int, 6> lut_by_size{};  // LUT1 .. LUT6 cells
  int inv = 0;     // INV cells: yosys keeps inverters as INV, which a device places in a LUT1
  int srl = 0;     // SRL16E / SRLC16E / SRLC32E shift registers (one LUT each)
  int lutram = 0;  // LUTs used as distributed RAM (RAM32M counts 4, RAM64X1D 2, ...)
  int carry4 = 0, carry8 = 0;
  int ff = 0;  // FDRE / FDSE / FDCE / FDPE
  int dsp48e1 = 0, dsp48e2 = 0;
  int bram18 = 0, bram36 = 0;        // RAMB18E1/E2, RAMB36E1/E2
  int muxf = 0;                      // MUXF7 / MUXF8 / MUXF9 (slice muxes, not LUTs)
  std::map<std::string, int> cells;  // every cell type of the netlist with its count

  int logic_luts() const;  // LUT1..LUT6 + INV
  int luts() const;        // logic_luts + srl + lutram: what occupies LUT sites
  int carry() const { return carry4 + carry8; }
  int dsp() const { return dsp48e1 + dsp48e2; }
};

// Groups the cell counts of a `stat -json` document (yosys 0.23 layout). Takes the "design"
// totals when present (hierarchy with a top), else the single module `top`. Throws
// StatParseError for malformed JSON or a missing module.
ResourceCounts parse_stat_json(std::string_view json_text, std::string_view top);

// Groups a cell-type -> count map (the part of `stat -json` the above reads).
ResourceCounts group_cells(const std::map<std::string, int>& cells);

// The length of the path in `ltp` output ("Longest topological path in M (length=N):"), or
// nullopt when the text holds no path (nothing was selected).
std::optional<int> parse_ltp_length(std::string_view ltp_text);

}  // namespace fxsim::synth
