#include "models/resources/memory.hpp"

#include <algorithm>
#include <string>
#include <vector>

namespace fxsim::resources {
namespace {

// A port of a library RAM (the `port` lines of the .txt files): sw = sync write only, ar = async
// read only, arsw = async read + sync write, sr = sync read only, srsw = sync read + write.
enum class PortKind { sw, ar, arsw, sr, srsw };

bool can_write(PortKind k) {
  return k == PortKind::sw || k == PortKind::arsw || k == PortKind::srsw;
}
bool can_read(PortKind k) { return k != PortKind::sw; }
bool sync_read_only(PortKind k) { return k == PortKind::sr || k == PortKind::srsw; }

// One port group: `slots` ports of one kind ("R0" "R1" "R2" is 3 slots), and the range of data
// widths (as indices into the RAM's widths) its write and read sides accept.
struct PortGroup {
  int slots;
  PortKind kind;
  int wr_min = 0, wr_max = 99, rd_min = 0, rd_max = 99;
};

// How techmap turns one library RAM unit into cells (lutrams_xc5v_map.v, brams_*_map.v).
enum class Emit {
  kWhole,    // one cell per unit (RAM32M, RAM64M, RAMB18E1, ...)
  kPerBit,   // one cell per used data bit (RAM64X1D, RAM128X1D, ...: the BITS_USED loops)
  kCascade,  // two cells per unit (MODE CASCADE: a RAMB36E1 pair)
};

// One option of one library RAM: a candidate for memory_libmap.
struct RamDef {
  const char* name;
  const char* option;
  bool block;         // block RAM (else distributed)
  double cost;        // `cost`
  double widthscale;  // `widthscale` (a bare `widthscale` is the cost; none is 0)
  int abits;
  std::vector<int> dbits;  // `widths`
  int byte;                // `byte` (0: none)
  bool per_port;           // `widths ... per_port` (else global)
  std::vector<PortGroup> groups;
  Emit emit;
  const char* cell;
  int cell_luts;  // LUT sites of one cell (0 for block RAM)
};

constexpr int kAll = 99;

// lutrams_xc5v.txt (xc7). The ABITS options in file order, each with the cell its map file emits.
std::vector<RamDef> xc7_library() {
  const std::vector<PortGroup> sp = {{1, PortKind::arsw}};
  const std::vector<PortGroup> dp = {{1, PortKind::arsw}, {1, PortKind::ar}};
  const std::vector<PortGroup> qp = {{1, PortKind::arsw}, {3, PortKind::ar}};
  const std::vector<PortGroup> sdp = {{1, PortKind::sw}, {1, PortKind::ar}};
  // brams_xc4v.txt with HAS_SIZE_36 HAS_CASCADE HAS_MIXWIDTH_SDP: TDP ports "A" "B" (srsw,
  // width mix; CASCADE: width mix 1), SDP ports W (sw) and R (sr) of any width.
  const std::vector<PortGroup> tdp = {{2, PortKind::srsw}};
  const std::vector<PortGroup> tdp_cascade = {{2, PortKind::srsw, 0, 0, 0, 0}};
  const std::vector<PortGroup> bsdp = {{1, PortKind::sw}, {1, PortKind::sr}};
  const char* kSp = "$__XILINX_LUTRAM_SP_";
  const char* kDp = "$__XILINX_LUTRAM_DP_";
  const char* kQp = "$__XILINX_LUTRAM_QP_";
  const char* kSdp = "$__XILINX_LUTRAM_SDP_";
  const char* kTdpB = "$__XILINX_BLOCKRAM_TDP_";
  const char* kSdpB = "$__XILINX_BLOCKRAM_SDP_";
  return {
      {kSp, "ABITS=5", false, 8, 8, 5, {8}, 0, false, sp, Emit::kWhole, "RAM32M", 4},
      {kSp, "ABITS=6", false, 8, 8, 6, {4}, 0, false, sp, Emit::kPerBit, "RAM64X1S", 1},
      {kSp, "ABITS=7", false, 8, 8, 7, {2}, 0, false, sp, Emit::kPerBit, "RAM128X1S", 2},
      {kSp, "ABITS=8", false, 8, 8, 8, {1}, 0, false, sp, Emit::kPerBit, "RAM256X1S", 4},
      {kDp, "ABITS=5", false, 8, 8, 5, {4}, 0, false, dp, Emit::kWhole, "RAM32M", 4},
      {kDp, "ABITS=6", false, 8, 8, 6, {2}, 0, false, dp, Emit::kPerBit, "RAM64X1D", 2},
      {kDp, "ABITS=7", false, 8, 8, 7, {1}, 0, false, dp, Emit::kPerBit, "RAM128X1D", 4},
      {kQp, "ABITS=5", false, 7, 7, 5, {2}, 0, false, qp, Emit::kWhole, "RAM32M", 4},
      {kQp, "ABITS=6", false, 7, 7, 6, {1}, 0, false, qp, Emit::kWhole, "RAM64M", 4},
      {kSdp, "ABITS=5", false, 8, 7, 5, {6}, 0, false, sdp, Emit::kWhole, "RAM32M", 4},
      {kSdp, "ABITS=6", false, 8, 7, 6, {3}, 0, false, sdp, Emit::kWhole, "RAM64M", 4},
      {kTdpB,
       "MODE=HALF",
       true,
       129,
       0,
       14,
       {1, 2, 4, 9, 18},
       9,
       true,
       tdp,
       Emit::kWhole,
       "RAMB18E1",
       0},
      {kTdpB,
       "MODE=FULL",
       true,
       257,
       0,
       15,
       {1, 2, 4, 9, 18, 36},
       9,
       true,
       tdp,
       Emit::kWhole,
       "RAMB36E1",
       0},
      {kTdpB,
       "MODE=CASCADE",
       true,
       513,
       0,
       16,
       {1, 2, 4, 9},
       9,
       true,
       tdp_cascade,
       Emit::kCascade,
       "RAMB36E1",
       0},
      {kSdpB,
       "MODE=HALF",
       true,
       129,
       0,
       14,
       {1, 2, 4, 9, 18, 36},
       9,
       true,
       bsdp,
       Emit::kWhole,
       "RAMB18E1",
       0},
      {kSdpB,
       "MODE=FULL",
       true,
       257,
       0,
       15,
       {1, 2, 4, 9, 18, 36, 72},
       9,
       true,
       bsdp,
       Emit::kWhole,
       "RAMB36E1",
       0},
  };
}

// lutrams_xcu.txt (xcup) + brams_xc4v.txt with HAS_SIZE_36 HAS_MIXWIDTH_SDP (no CASCADE).
// Left out: the SP "ABITS=16" option and $__XILINX_LUTRAM_64X8SW_, single-port RAMs that cannot
// hold a read port apart from the write port (nor a ROM: prune_rom).
std::vector<RamDef> xcup_library() {
  const std::vector<PortGroup> sp = {{1, PortKind::arsw}};
  const std::vector<PortGroup> dp = {{1, PortKind::arsw}, {1, PortKind::ar}};
  const std::vector<PortGroup> qp = {{1, PortKind::arsw}, {3, PortKind::ar}};
  const std::vector<PortGroup> op = {{1, PortKind::arsw}, {7, PortKind::ar}};
  const std::vector<PortGroup> sdp = {{1, PortKind::sw}, {1, PortKind::ar}};
  // 32X16DR8: write port `width 14` (index 1), read port `width 7` (index 0).
  const std::vector<PortGroup> dr8 = {{1, PortKind::sw, 1, 1, 1, 1}, {1, PortKind::ar, 0, 0, 0, 0}};
  const std::vector<PortGroup> tdp = {{2, PortKind::srsw}};
  const std::vector<PortGroup> bsdp = {{1, PortKind::sw}, {1, PortKind::sr}};
  const char* kSp = "$__XILINX_LUTRAM_SP_";
  const char* kDp = "$__XILINX_LUTRAM_DP_";
  const char* kQp = "$__XILINX_LUTRAM_QP_";
  const char* kOp = "$__XILINX_LUTRAM_OP_";
  const char* kSdp = "$__XILINX_LUTRAM_SDP_";
  const char* kDr8 = "$__XILINX_LUTRAM_32X16DR8_";
  const char* kTdpB = "$__XILINX_BLOCKRAM_TDP_";
  const char* kSdpB = "$__XILINX_BLOCKRAM_SDP_";
  return {
      {kSp, "ABITS=5", false, 16, 16, 5, {16}, 0, false, sp, Emit::kWhole, "RAM32M16", 8},
      {kSp, "ABITS=6", false, 16, 16, 6, {8}, 0, false, sp, Emit::kPerBit, "RAM64X1S", 1},
      {kSp, "ABITS=7", false, 16, 16, 7, {4}, 0, false, sp, Emit::kPerBit, "RAM128X1S", 2},
      {kSp, "ABITS=8", false, 16, 16, 8, {2}, 0, false, sp, Emit::kPerBit, "RAM256X1S", 4},
      {kDp, "ABITS=5", false, 16, 16, 5, {8}, 0, false, dp, Emit::kWhole, "RAM32M16", 8},
      {kDp, "ABITS=6", false, 16, 16, 6, {4}, 0, false, dp, Emit::kPerBit, "RAM64X1D", 2},
      {kDp, "ABITS=7", false, 16, 16, 7, {2}, 0, false, dp, Emit::kPerBit, "RAM128X1D", 4},
      {kDp, "ABITS=8", false, 16, 16, 8, {1}, 0, false, dp, Emit::kPerBit, "RAM256X1D", 8},
      {kQp, "ABITS=5", false, 16, 16, 5, {4}, 0, false, qp, Emit::kWhole, "RAM32M16", 8},
      {kQp, "ABITS=6", false, 16, 16, 6, {2}, 0, false, qp, Emit::kWhole, "RAM64M8", 8},
      {kOp, "ABITS=5", false, 16, 16, 5, {2}, 0, false, op, Emit::kWhole, "RAM32M16", 8},
      {kOp, "ABITS=6", false, 16, 16, 6, {1}, 0, false, op, Emit::kWhole, "RAM64M8", 8},
      {kSdp, "ABITS=5", false, 16, 16, 5, {14}, 0, false, sdp, Emit::kWhole, "RAM32M16", 8},
      {kSdp, "ABITS=6", false, 16, 16, 6, {7}, 0, false, sdp, Emit::kWhole, "RAM64M8", 8},
      {kDr8, "", false, 16, 16, 6, {7, 14}, 0, true, dr8, Emit::kWhole, "RAM32X16DR8", 8},
      {kTdpB,
       "MODE=HALF",
       true,
       129,
       0,
       14,
       {1, 2, 4, 9, 18},
       9,
       true,
       tdp,
       Emit::kWhole,
       "RAMB18E2",
       0},
      {kTdpB,
       "MODE=FULL",
       true,
       257,
       0,
       15,
       {1, 2, 4, 9, 18, 36},
       9,
       true,
       tdp,
       Emit::kWhole,
       "RAMB36E2",
       0},
      {kSdpB,
       "MODE=HALF",
       true,
       129,
       0,
       14,
       {1, 2, 4, 9, 18, 36},
       9,
       true,
       bsdp,
       Emit::kWhole,
       "RAMB18E2",
       0},
      {kSdpB,
       "MODE=FULL",
       true,
       257,
       0,
       15,
       {1, 2, 4, 9, 18, 36, 72},
       9,
       true,
       bsdp,
       Emit::kWhole,
       "RAMB36E2",
       0},
  };
}

const std::vector<RamDef>& library(Family family) {
  static const std::vector<RamDef> xc7 = xc7_library();
  static const std::vector<RamDef> xcup = xcup_library();
  return family == Family::xc7 ? xc7 : xcup;
}

// A candidate: a library RAM with the ports placed and the geometry memory_libmap picks for it.
struct Candidate {
  const RamDef* def = nullptr;
  int repl_port = 1;   // copies of the whole array for read ports that do not fit
  int score_emu = 0;   // 1 per read port on its own port
  int unit_width = 0;  // data bits of the chosen unit width
  int mult_a = 1;      // address blocks
  int repl_d = 0;      // units per copy
  double cost = 0;
};

int ceil_div(int a, int b) { return (a + b - 1) / b; }

// memory_libmap's handle_geom for ports that are not wide (every port one word per cycle) and
// one write enable for the whole word: the cheapest base width of `c.def`, or false when none
// meets the ports' width limits.
bool pick_geometry(const MemorySpec& m, const PortGroup* wr,
                   const std::vector<const PortGroup*>& rd, Candidate& c) {
  const RamDef& def = *c.def;
  const int n_dbits = static_cast<int>(def.dbits.size());
  int byte_width_log2 = 0;
  for (int i = 0; i < n_dbits; ++i) {
    if (def.byte >= def.dbits[i]) byte_width_log2 = i;
  }
  if (def.byte == 0) byte_width_log2 = n_dbits - 1;
  bool got = false;
  int best_cost = 0;  // an int in memory_libmap: each later candidate is compared truncated
  for (int base = 0; base < n_dbits; ++base) {
    int unit = base;
    if (wr) unit = std::min(unit, std::min(wr->wr_max, n_dbits - 1));
    for (const PortGroup* g : rd) unit = std::min(unit, std::min(g->rd_max, n_dbits - 1));
    if (unit != base && got) break;
    const int unit_width = def.dbits[unit];
    int effective_byte = def.byte;
    if (effective_byte == 0 || effective_byte > unit_width) effective_byte = unit_width;
    if (!m.write_port) effective_byte = 1;
    const int swizzle = ceil_div(m.width, effective_byte) * effective_byte;
    if (wr && base < wr->wr_min && base < byte_width_log2) continue;  // minimum width unmet
    const int addrs = 1 << (def.abits - base);
    const int mult_a = (m.depth - 1) / addrs + 1;
    const int repl = ceil_div(mult_a * swizzle, unit_width);
    const int score_demux = (m.write_port && mult_a != 1) ? mult_a : 0;
    const int score_mux = m.read_ports * (mult_a - 1) * m.width;
    double cost = (def.cost - def.widthscale) * repl * c.repl_port;
    cost += def.widthscale * mult_a * m.width / unit_width * c.repl_port;
    cost += score_mux * 0.5 + score_demux * 0.5 + c.score_emu * 2.0;
    if (!got || cost < best_cost) {
      c.unit_width = unit_width;
      c.mult_a = mult_a;
      c.repl_d = repl;
      c.cost = cost;
      best_cost = static_cast<int>(cost);
      got = true;
    }
  }
  return got;
}

// The candidates of one library RAM: the write port on each group that can write, then each
// read port on each group with a free slot that can read it (memory_libmap's assign_wr_ports /
// assign_rd_ports order); read ports beyond a group's slots replicate the array.
void add_candidates(const MemorySpec& m, const RamDef& def, std::vector<Candidate>& out) {
  const int n_groups = static_cast<int>(def.groups.size());
  std::vector<int> wr_choices;
  if (m.write_port) {
    for (int g = 0; g < n_groups; ++g) {
      if (can_write(def.groups[g].kind)) wr_choices.push_back(g);
    }
  } else {
    wr_choices.push_back(-1);
  }
  for (int wg : wr_choices) {
    // Every placement of the read ports, in memory_libmap's order (port 0 outermost).
    std::vector<std::vector<int>> placements = {{}};
    for (int r = 0; r < m.read_ports; ++r) {
      std::vector<std::vector<int>> next;
      for (const auto& p : placements) {
        for (int g = 0; g < n_groups; ++g) {
          const PortGroup& pg = def.groups[g];
          const int used = (g == wg) ? 1 : 0;
          if (used >= pg.slots || !can_read(pg.kind)) continue;
          if (!m.sync_read && sync_read_only(pg.kind)) continue;
          auto q = p;
          q.push_back(g);
          next.push_back(q);
        }
      }
      placements = std::move(next);
    }
    for (const auto& p : placements) {
      Candidate c;
      c.def = &def;
      c.score_emu = m.read_ports;
      std::vector<int> usage(n_groups, 0);
      for (int g : p) ++usage[g];
      for (int g = 0; g < n_groups; ++g) {
        if (usage[g] == 0) continue;
        const int space = def.groups[g].slots - (g == wg ? 1 : 0);
        c.repl_port = std::max(c.repl_port, ceil_div(usage[g], space));
      }
      std::vector<const PortGroup*> rd;
      for (int g : p) rd.push_back(&def.groups[g]);
      if (pick_geometry(m, wg >= 0 ? &def.groups[wg] : nullptr, rd, c)) out.push_back(c);
    }
    // memory_libmap's second pass: the read port shares the write port (same address; an arsw
    // port for an asynchronous read, srsw for a synchronous one).
    if (m.read_shares_write_address && m.read_ports == 1 && wg >= 0) {
      const PortGroup& pg = def.groups[wg];
      if (pg.kind == (m.sync_read ? PortKind::srsw : PortKind::arsw)) {
        Candidate c;
        c.def = &def;
        c.score_emu = 0;
        if (pick_geometry(m, &pg, {&pg}, c)) out.push_back(c);
      }
    }
  }
}

int mux_luts(int inputs) {
  if (inputs <= 1) return 0;
  // A LUT6 is a 4:1 mux; yosys joins the LUTs of each 4 inputs by another level of 4:1 LUTs
  // (measured: 8:1 takes 3 LUTs a bit, 64:1 about 21).
  if (inputs <= 4) return 1;
  const int leaves = ceil_div(inputs, 4);
  return leaves + mux_luts(leaves);
}

int clog2(int n) {
  int b = 0;
  while ((1 << b) < n) ++b;
  return b;
}

void check_spec(const MemorySpec& m) {
  auto bad = [](const std::string& what) { throw MemoryMappingError("memory: " + what); };
  if (m.width < 1 || m.width > 4096) bad("width " + std::to_string(m.width) + " not in 1..4096");
  if (m.depth < 2 || m.depth > (1 << 20))
    bad("depth " + std::to_string(m.depth) + " not in 2..1048576");
  if (m.read_ports < 1 || m.read_ports > 8)
    bad("read_ports " + std::to_string(m.read_ports) + " not in 1..8");
}

MemoryMapping registers_mapping(const MemorySpec& m) {
  MemoryMapping r;
  r.kind = MemoryKind::kRegisters;
  r.ram = "registers";
  r.cost = m.width * static_cast<double>(m.depth) * (m.write_port ? 1.0 : 1.0 / 64.0);
  ResourceEstimate& e = r.estimate;
  // The words (a ROM's constant words fold into logic), the read data registers, one read mux
  // per read port and a write-enable decode per word.
  e.ff = (m.write_port ? m.width * m.depth : 0) + (m.sync_read ? m.width * m.read_ports : 0);
  r.write_decode_luts = m.write_port ? m.depth * ceil_div(clog2(m.depth) + 1, 6) : 0;
  e.lut = m.read_ports * m.width * mux_luts(m.depth) + r.write_decode_luts;
  e.lut_equivalent = lut_equivalent(e.lut, e.dsp);
  return r;
}

MemoryMapping ram_mapping(const MemorySpec& m, const Candidate& c) {
  const RamDef& def = *c.def;
  MemoryMapping r;
  r.kind = def.block ? MemoryKind::kBram : MemoryKind::kLutram;
  r.ram = std::string(def.name) + (def.option[0] ? std::string(" ") + def.option : "");
  r.unit_width = c.unit_width;
  r.address_blocks = c.mult_a;
  r.units = c.repl_d * c.repl_port;
  r.cost = c.cost;
  int cells = r.units;
  if (def.emit == Emit::kPerBit) cells = c.mult_a * m.width * c.repl_port;
  if (def.emit == Emit::kCascade) cells = 2 * r.units;
  r.primitives.push_back({def.cell, cells});
  ResourceEstimate& e = r.estimate;
  const std::string cell = def.cell;
  if (cell.rfind("RAMB18", 0) == 0) e.bram18 = cells;
  if (cell.rfind("RAMB36", 0) == 0) e.bram36 = cells;
  e.bram = e.bram18 + e.bram36;
  e.lutram = cells * def.cell_luts;
  // A LUT RAM reads asynchronously: a sync read port gets its data register in FFs. A block RAM
  // keeps the register inside; several address blocks need the registered block select.
  if (!def.block && m.sync_read) e.ff += m.width * m.read_ports;
  if (def.block && c.mult_a > 1) e.ff += clog2(c.mult_a) * m.read_ports;
  r.write_decode_luts = (m.write_port && c.mult_a > 1) ? c.mult_a : 0;
  e.lut = m.read_ports * m.width * mux_luts(c.mult_a) + r.write_decode_luts;
  e.lut_equivalent = lut_equivalent(e.lut, e.dsp);
  return r;
}

}  // namespace

const std::vector<std::string>& memory_style_names() {
  static const std::vector<std::string> names = {"AUTO", "REGISTERS", "LUTRAM", "BRAM"};
  return names;
}

std::string memory_style_name(MemoryStyle s) {
  return memory_style_names().at(static_cast<int>(s));
}

std::string memory_style_attribute(MemoryStyle s) {
  switch (s) {
    case MemoryStyle::kRegisters:
      return "logic";
    case MemoryStyle::kLutram:
      return "distributed";
    case MemoryStyle::kBram:
      return "block";
    case MemoryStyle::kAuto:
      break;
  }
  return "auto";
}

MemoryMapping map_memory(const MemorySpec& m, Family family) {
  check_spec(m);
  const bool logic_ok = m.style == MemoryStyle::kAuto || m.style == MemoryStyle::kRegisters;
  if (m.style == MemoryStyle::kRegisters) return registers_mapping(m);
  std::vector<Candidate> cands;
  for (const RamDef& def : library(family)) {
    if (m.style == MemoryStyle::kLutram && def.block) continue;
    if (m.style == MemoryStyle::kBram && !def.block) continue;
    if (!def.block && !m.write_port) continue;  // prune_rom: no ROM in LUT RAM
    add_candidates(m, def, cands);
  }
  // prune_post_geom: the cheapest (first on ties) of each kind, distributed and block.
  std::vector<Candidate> kept;
  for (const Candidate& c : cands) {
    auto same = std::find_if(kept.begin(), kept.end(),
                             [&](const Candidate& k) { return k.def->block == c.def->block; });
    if (same == kept.end()) {
      kept.push_back(c);
    } else if (c.cost < same->cost) {
      kept.erase(same);
      kept.push_back(c);
    }
  }
  // Keep memory_libmap's order: the survivors in their original order.
  std::sort(kept.begin(), kept.end(), [&](const Candidate& a, const Candidate& b) {
    return (a.def->block ? 1 : 0) < (b.def->block ? 1 : 0);
  });
  if (!logic_ok && kept.empty()) {
    throw MemoryMappingError("memory: no " + memory_style_name(m.style) + " mapping on " +
                             std::string(family_name(family)) + " for a " +
                             (m.write_port ? "" : "ROM with ") +
                             (m.sync_read ? "synchronous" : "asynchronous") +
                             " read (block RAM needs a synchronous read, LUT RAM a write port)");
  }
  int idx = -1;
  int best = static_cast<int>(registers_mapping(m).cost);
  if (!logic_ok) {
    idx = 0;
    best = static_cast<int>(kept[0].cost);
  }
  for (int i = 0; i < static_cast<int>(kept.size()); ++i) {
    if (kept[i].cost < best) {
      idx = i;
      best = static_cast<int>(kept[i].cost);
    }
  }
  return idx < 0 ? registers_mapping(m) : ram_mapping(m, kept[idx]);
}

ResourceEstimate memory_cost(const MemorySpec& m, Family family) {
  return map_memory(m, family).estimate;
}

ResourceEstimate registered_address_memory_cost(int width, int depth, Family family) {
  ResourceEstimate e;
  if (depth < 2) {
    e.ff = width;
    return e;
  }
  MemorySpec m;
  m.width = width;
  m.depth = depth;
  m.sync_read = true;
  const MemoryMapping sync = map_memory(m, family);
  if (sync.kind == MemoryKind::kBram) {
    e = sync.estimate;
    e.ff += width;
    e.lut += width;
    e.lut_equivalent = lut_equivalent(e.lut, e.dsp);
    return e;
  }
  m.sync_read = false;
  return memory_cost(m, family);
}

}  // namespace fxsim::resources
