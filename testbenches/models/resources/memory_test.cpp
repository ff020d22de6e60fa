// map_memory (models/resources/memory.hpp) against (1) cases worked by hand from yosys 0.23's
// library files (share/yosys/xilinx/lutrams_xc5v.txt, lutrams_xcu.txt, brams_xc4v.txt) and
// memory_libmap's cost rule, and (2) primitive counts measured with yosys 0.23 synth_xilinx
// -noiopad on a scratch memory module (one write port, `read_ports` read ports with their own
// addresses, registered `if (re) q <= mem[ra]` or asynchronous reads, (* ram_style *) as given).
#include "models/resources/memory.hpp"

#include <gtest/gtest.h>

#include <string>

namespace fxsim::resources {
namespace {

MemorySpec ram(int width, int depth, MemoryStyle style = MemoryStyle::kAuto) {
  MemorySpec m;
  m.width = width;
  m.depth = depth;
  m.style = style;
  return m;
}

int cells(const MemoryMapping& r, const std::string& type) {
  int n = 0;
  for (const PrimitiveCount& p : r.primitives) n += p.type == type ? p.count : 0;
  return n;
}

// 8 x 64, one sync read, xc7. Candidates (cost = (cost - widthscale) x units + widthscale x
// blocks x WIDTH / unit width + 0.5 mux + 0.5 demux + 2 x 1 for the read port on its own port):
//   LUTRAM_SDP ABITS=6 (unit 3, cost 8, widthscale 7): 1 x 3 + 7 x 8 / 3 + 2 = 23.67
//   LUTRAM_DP  ABITS=6 (unit 2, cost 8 = widthscale): 8 x 8 / 2 + 2 = 34
//   LUTRAM_QP  ABITS=6 (unit 1, cost 7 = widthscale): 7 x 8 + 2 = 58
//   BLOCKRAM_TDP HALF (cost 129): 129 + 2 = 131; registers: 8 x 64 = 512.
// SDP wins: ceil(8 / 3) = 3 RAM64M; the registered read becomes 8 FFs beside the LUT RAM.
TEST(MemoryMap, HandWorkedSmallRamIsSdpLutram) {
  const MemoryMapping r = map_memory(ram(8, 64), Family::xc7);
  EXPECT_EQ(r.kind, MemoryKind::kLutram);
  EXPECT_EQ(r.ram, "$__XILINX_LUTRAM_SDP_ ABITS=6");
  EXPECT_NEAR(r.cost, 3 + 7.0 * 8 / 3 + 2, 1e-9);
  EXPECT_EQ(cells(r, "RAM64M"), 3);
  EXPECT_EQ(r.estimate.lutram, 12);
  EXPECT_EQ(r.estimate.ff, 8);
  EXPECT_EQ(r.estimate.bram, 0);
}

// 1 x 2: registers cost 1 x 2 = 2; the cheapest LUT RAM, SDP ABITS=5 (unit 6): 1 x 1 + 7 x 1 / 6
// + 2 = 4.17 > 2: flip-flops. 1 x 4: registers 4 < 4.17, still flip-flops; 2 x 4: registers 8 >
// 1 + 7 x 2 / 6 + 2 = 5.33: one RAM32M.
TEST(MemoryMap, HandWorkedTinyMemoriesStayInRegisters) {
  EXPECT_EQ(map_memory(ram(1, 2), Family::xc7).kind, MemoryKind::kRegisters);
  EXPECT_EQ(map_memory(ram(1, 4), Family::xc7).kind, MemoryKind::kRegisters);
  const MemoryMapping r = map_memory(ram(2, 4), Family::xc7);
  EXPECT_EQ(r.ram, "$__XILINX_LUTRAM_SDP_ ABITS=5");
  EXPECT_EQ(cells(r, "RAM32M"), 1);
}

// 8 x 1024: SDP ABITS=6 needs 16 address blocks: 48 units, 1 x 48 + 7 x 16 x 8 / 3 + 0.5 x 15
// x 8 (read mux) + 0.5 x 16 (write demux) + 2 = 416.7; TDP HALF at width 9 (2048 words) holds it
// in one: 129 + 2 = 131 -> one RAMB18E1. 16 x 2048: HALF needs two (258 + 2), FULL at width 18
// (2048 words) one: 257 + 2 -> one RAMB36E1.
TEST(MemoryMap, HandWorkedBlockRams) {
  const MemoryMapping a = map_memory(ram(8, 1024), Family::xc7);
  EXPECT_EQ(a.ram, "$__XILINX_BLOCKRAM_TDP_ MODE=HALF");
  EXPECT_EQ(a.estimate.bram18, 1);
  EXPECT_EQ(a.estimate.bram, 1);
  const MemoryMapping b = map_memory(ram(16, 2048), Family::xc7);
  EXPECT_EQ(b.ram, "$__XILINX_BLOCKRAM_TDP_ MODE=FULL");
  EXPECT_EQ(b.estimate.bram36, 1);
  EXPECT_EQ(b.estimate.bram18, 0);
  // 72 bits: only the SDP block RAM has a 72-bit port (FULL): one RAMB36E1.
  const MemoryMapping c = map_memory(ram(72, 512), Family::xc7);
  EXPECT_EQ(c.ram, "$__XILINX_BLOCKRAM_SDP_ MODE=FULL");
  EXPECT_EQ(c.estimate.bram36, 1);
  // 1 x 65536: CASCADE (1 bit x 64 K, cost 513) beats two FULL blocks (514 + mux + demux): a
  // cascaded pair of RAMB36E1.
  const MemoryMapping d = map_memory(ram(1, 65536), Family::xc7);
  EXPECT_EQ(d.ram, "$__XILINX_BLOCKRAM_TDP_ MODE=CASCADE");
  EXPECT_EQ(d.estimate.bram36, 2);
}

// xcup's LUT RAMs are twice as wide (lutrams_xcu.txt): SDP ABITS=6 is 7 bits a RAM64M8.
TEST(MemoryMap, HandWorkedXcupLutram) {
  const MemoryMapping r = map_memory(ram(8, 64), Family::xcup);
  EXPECT_EQ(r.ram, "$__XILINX_LUTRAM_SDP_ ABITS=6");
  EXPECT_EQ(cells(r, "RAM64M8"), 2);
  EXPECT_EQ(r.estimate.lutram, 16);
}

TEST(MemoryMap, StylesForceTheKind) {
  EXPECT_EQ(map_memory(ram(8, 64, MemoryStyle::kBram), Family::xc7).estimate.bram18, 1);
  const MemoryMapping regs = map_memory(ram(8, 64, MemoryStyle::kRegisters), Family::xc7);
  EXPECT_EQ(regs.kind, MemoryKind::kRegisters);
  EXPECT_EQ(regs.estimate.ff, 8 * 64 + 8);
  const MemoryMapping lut = map_memory(ram(8, 1024, MemoryStyle::kLutram), Family::xc7);
  EXPECT_EQ(cells(lut, "RAM64M"), 48);
}

// yosys 0.23 on an asynchronous read with ram_style "block": "no valid mapping found".
TEST(MemoryMap, ImpossibleStylesAndSizesAreRejected) {
  MemorySpec async_bram = ram(8, 64, MemoryStyle::kBram);
  async_bram.sync_read = false;
  EXPECT_THROW(map_memory(async_bram, Family::xc7), MemoryMappingError);
  MemorySpec rom_lutram = ram(8, 64, MemoryStyle::kLutram);
  rom_lutram.write_port = false;
  EXPECT_THROW(map_memory(rom_lutram, Family::xc7), MemoryMappingError);
  try {
    map_memory(ram(0, 64), Family::xc7);
    FAIL() << "width 0 accepted";
  } catch (const MemoryMappingError& e) {
    EXPECT_NE(std::string(e.what()).find("width"), std::string::npos) << e.what();
  }
  EXPECT_THROW(map_memory(ram(8, 1), Family::xc7), MemoryMappingError);
}

struct Measured {
  int width, depth, read_ports;
  bool sync_read;
  MemoryStyle style;
  Family family;
  const char* cell;  // the RAM cell yosys emitted ("" for registers)
  int count;
  int ff;
};

// Measured with yosys 0.23 (git sha1 7ce5011c24b) synth_xilinx -noiopad; docs/resources.md.
constexpr MemoryStyle kAuto = MemoryStyle::kAuto;
const Measured kMeasured[] = {
    {1, 2, 1, true, kAuto, Family::xc7, "", 0, 3},
    {1, 4, 1, true, kAuto, Family::xc7, "", 0, 5},
    {2, 4, 1, true, kAuto, Family::xc7, "RAM32M", 1, 2},
    {8, 4, 1, true, kAuto, Family::xc7, "RAM32M", 2, 8},
    {8, 16, 1, true, kAuto, Family::xc7, "RAM32M", 2, 8},
    {6, 32, 1, true, kAuto, Family::xc7, "RAM32M", 1, 6},
    {8, 32, 1, true, kAuto, Family::xc7, "RAM32M", 2, 8},
    {8, 64, 1, true, kAuto, Family::xc7, "RAM64M", 3, 8},
    {8, 128, 1, true, kAuto, Family::xc7, "RAM64M", 6, 8},
    {8, 256, 1, true, kAuto, Family::xc7, "RAM64M", 12, 8},
    {8, 512, 1, true, kAuto, Family::xc7, "RAMB18E1", 1, 0},
    {8, 1024, 1, true, kAuto, Family::xc7, "RAMB18E1", 1, 0},
    {16, 1024, 1, true, kAuto, Family::xc7, "RAMB18E1", 1, 0},
    {32, 512, 1, true, kAuto, Family::xc7, "RAMB18E1", 1, 0},
    {36, 512, 1, true, kAuto, Family::xc7, "RAMB18E1", 1, 0},
    {72, 512, 1, true, kAuto, Family::xc7, "RAMB36E1", 1, 0},
    {16, 2048, 1, true, kAuto, Family::xc7, "RAMB36E1", 1, 0},
    {8, 4096, 1, true, kAuto, Family::xc7, "RAMB36E1", 1, 0},
    {36, 2048, 1, true, kAuto, Family::xc7, "RAMB36E1", 2, 0},
    {64, 1024, 1, true, kAuto, Family::xc7, "RAMB36E1", 2, 0},
    {1, 65536, 1, true, kAuto, Family::xc7, "RAMB36E1", 2, 0},
    {8, 64, 2, true, kAuto, Family::xc7, "RAM64M", 6, 16},
    {8, 64, 3, true, kAuto, Family::xc7, "RAM64M", 8, 24},
    {8, 64, 1, false, kAuto, Family::xc7, "RAM64M", 3, 0},
    {8, 256, 1, false, kAuto, Family::xc7, "RAM64M", 12, 0},
    {4, 128, 1, true, kAuto, Family::xc7, "RAM64M", 4, 4},
    {2, 200, 1, true, kAuto, Family::xc7, "RAM64M", 4, 2},
    {8, 64, 1, true, MemoryStyle::kBram, Family::xc7, "RAMB18E1", 1, 0},
    {8, 1024, 1, true, MemoryStyle::kLutram, Family::xc7, "RAM64M", 48, 8},
    {8, 64, 1, true, MemoryStyle::kRegisters, Family::xc7, "", 0, 520},
    {8, 64, 1, true, kAuto, Family::xcup, "RAM64M8", 2, 8},
    {8, 32, 1, true, kAuto, Family::xcup, "RAM32M16", 1, 8},
    {14, 32, 1, true, kAuto, Family::xcup, "RAM32M16", 1, 14},
    {8, 1024, 1, true, kAuto, Family::xcup, "RAMB18E2", 1, 0},
    {8, 256, 1, true, kAuto, Family::xcup, "RAM64M8", 8, 8},
    {36, 2048, 1, true, kAuto, Family::xcup, "RAMB36E2", 2, 0},
};

TEST(MemoryMap, MatchesYosysPrimitiveCounts) {
  for (const Measured& m : kMeasured) {
    MemorySpec s = ram(m.width, m.depth, m.style);
    s.read_ports = m.read_ports;
    s.sync_read = m.sync_read;
    const MemoryMapping r = map_memory(s, m.family);
    const std::string what = std::to_string(m.width) + " x " + std::to_string(m.depth) + " " +
                             std::string(family_name(m.family)) + ": " + r.ram;
    if (m.cell[0] == 0) {
      EXPECT_EQ(r.kind, MemoryKind::kRegisters) << what;
    } else {
      ASSERT_EQ(r.primitives.size(), 1u) << what;
      EXPECT_EQ(r.primitives[0].type, m.cell) << what;
      EXPECT_EQ(r.primitives[0].count, m.count) << what;
    }
    EXPECT_EQ(r.estimate.ff, m.ff) << what;
  }
}

}  // namespace
}  // namespace fxsim::resources
