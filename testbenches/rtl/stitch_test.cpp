// Stitched chains of streaming units (models/engine/stitch_plan.hpp, stitch_top.hpp) built on
// demand (tlm/rtl/verilated) and driven edge by edge (tlm/rtl/stitched_driver.hpp):
//   - the generated text of a tiny chain, exactly; width mismatches and bad chains rejected;
//   - every top lint-clean under verilator -Wall, one mapped by yosys synth_xilinx;
//   - every chain of stitch_chains.hpp under random valid / ready stalls (several seeds, stall
//     probabilities 0, 0.3, 0.7): the RTL's output values equal a brute force written here (max
//     pooling and window extraction on whole maps) and the lock-step chain of the units' cycle
//     models (models/streaming/cycle_chain.hpp) agrees with the RTL on every cycle's handshake,
//     every FIFO's count port and the total cycle count;
//   - a bandwidth-limited source against a hand-worked cycle count;
//   - a second build of the same chain is a cache hit.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "models/engine/network_config.hpp"
#include "models/engine/network_plan.hpp"
#include "models/engine/network_stitch.hpp"
#include "models/engine/stitch_plan.hpp"
#include "models/engine/stitch_top.hpp"
#include "models/streaming/cycle_chain.hpp"
#include "models/units/unit_rtl.hpp"
#include "synth/synthesize.hpp"
#include "synth/yosys_runner.hpp"
#include "synth/yosys_stat.hpp"
#include "testbenches/rtl/stitch_chains.hpp"
#include "tlm/rtl/stitched_driver.hpp"
#include "tlm/rtl/verilated/toolchain.hpp"
#include "tlm/rtl/verilated/variant_builder.hpp"
#include "util/files.hpp"
#include "util/process.hpp"

namespace {

namespace engine = fxsim::engine;
namespace streaming = fxsim::streaming;
namespace tlm_rtl = fxsim::tlm_rtl;
namespace verilated = fxsim::verilated;
using fxsim::stitch_chains::Chain;
using Beat = std::vector<std::int64_t>;

constexpr int kLaneBits = 8;  // every chain carries signed 8-bit elements

// --- The brute force: whole maps, no streaming state -------------------------------------------

// The H x W x C map (channels fastest) of one image's beats, SIMD lanes each, ceil(C/SIMD) per
// pixel.
std::vector<std::int64_t> to_map(const std::vector<Beat>& beats, std::size_t first, int h, int w,
                                 int c, int simd) {
  const int cb = (c + simd - 1) / simd;
  std::vector<std::int64_t> map(static_cast<std::size_t>(h * w * c));
  for (int p = 0; p < h * w; ++p) {
    for (int ch = 0; ch < c; ++ch) {
      map[static_cast<std::size_t>(p * c + ch)] =
          beats[first + static_cast<std::size_t>(p * cb + ch / simd)]
               [static_cast<std::size_t>(ch % simd)];
    }
  }
  return map;
}

// The beats of one pixel of `map` (or of padding when outside), zero lanes beyond C.
void push_pixel(std::vector<Beat>& out, const std::vector<std::int64_t>& map, int h, int w, int c,
                int simd, int y, int x) {
  const int cb = (c + simd - 1) / simd;
  for (int b = 0; b < cb; ++b) {
    Beat beat(static_cast<std::size_t>(simd), 0);
    for (int l = 0; l < simd; ++l) {
      const int ch = b * simd + l;
      if (ch < c && y >= 0 && y < h && x >= 0 && x < w) {
        beat[static_cast<std::size_t>(l)] = map[static_cast<std::size_t>((y * w + x) * c + ch)];
      }
    }
    out.push_back(beat);
  }
}

// max_pool: the largest element of each POOL x POOL window, stride POOL, leftovers dropped.
std::vector<Beat> pool_brute_force(const std::vector<Beat>& in, const fxsim::units::ParamMap& p) {
  const int pool = p.at("POOL"), simd = p.at("SIMD"), c = p.at("C"), h = p.at("H"), w = p.at("W");
  const std::size_t per_image = static_cast<std::size_t>(h * w * ((c + simd - 1) / simd));
  std::vector<Beat> out;
  for (std::size_t first = 0; first < in.size(); first += per_image) {
    const std::vector<std::int64_t> map = to_map(in, first, h, w, c, simd);
    const int ho = h / pool, wo = w / pool;
    std::vector<std::int64_t> pooled(static_cast<std::size_t>(ho * wo * c));
    for (int y = 0; y < ho; ++y) {
      for (int x = 0; x < wo; ++x) {
        for (int ch = 0; ch < c; ++ch) {
          std::int64_t best = INT64_MIN;
          for (int dy = 0; dy < pool; ++dy) {
            for (int dx = 0; dx < pool; ++dx) {
              best = std::max(
                  best,
                  map[static_cast<std::size_t>(((y * pool + dy) * w + x * pool + dx) * c + ch)]);
            }
          }
          pooled[static_cast<std::size_t>((y * wo + x) * c + ch)] = best;
        }
      }
    }
    for (int y = 0; y < ho; ++y) {
      for (int x = 0; x < wo; ++x) push_pixel(out, pooled, ho, wo, c, simd, y, x);
    }
  }
  return out;
}

// sliding_window: for each output pixel, for ky, for kx, the pixel (oy*S - P + ky, ox*S - P + kx).
std::vector<Beat> window_brute_force(const std::vector<Beat>& in, const fxsim::units::ParamMap& p) {
  const int simd = p.at("SIMD"), c = p.at("C"), h = p.at("H"), w = p.at("W"), k = p.at("K"),
            s = p.at("STRIDE"), pad = p.at("PAD");
  const std::size_t per_image = static_cast<std::size_t>(h * w * ((c + simd - 1) / simd));
  const int ho = (h + 2 * pad - k) / s + 1, wo = (w + 2 * pad - k) / s + 1;
  std::vector<Beat> out;
  for (std::size_t first = 0; first < in.size(); first += per_image) {
    const std::vector<std::int64_t> map = to_map(in, first, h, w, c, simd);
    for (int oy = 0; oy < ho; ++oy) {
      for (int ox = 0; ox < wo; ++ox) {
        for (int ky = 0; ky < k; ++ky) {
          for (int kx = 0; kx < k; ++kx) {
            push_pixel(out, map, h, w, c, simd, oy * s - pad + ky, ox * s - pad + kx);
          }
        }
      }
    }
  }
  return out;
}

std::vector<Beat> chain_brute_force(const engine::StitchPlan& plan, std::vector<Beat> beats) {
  for (const engine::StitchStage& s : plan.stages) {
    if (s.unit == "max_pool") beats = pool_brute_force(beats, s.params);
    if (s.unit == "sliding_window") beats = window_brute_force(beats, s.params);
    // stream_fifo: the beats as they are
  }
  return beats;
}

std::vector<Beat> random_input(const Chain& chain, std::uint64_t seed) {
  const auto& m = chain.map;
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<std::int64_t> value(-128, 127);
  std::vector<Beat> beats;
  for (int i = 0; i < m.images; ++i) {
    std::vector<std::int64_t> map(static_cast<std::size_t>(m.h * m.w * m.c));
    for (auto& v : map) v = value(rng);
    for (int y = 0; y < m.h; ++y) {
      for (int x = 0; x < m.w; ++x) push_pixel(beats, map, m.h, m.w, m.c, m.simd, y, x);
    }
  }
  return beats;
}

verilated::PortImages pack(const std::vector<Beat>& beats, int simd) {
  verilated::PortImages images(beats.size(), simd * kLaneBits);
  for (std::size_t i = 0; i < beats.size(); ++i) {
    verilated::or_lanes(images.at(i), beats[i].data(), simd, kLaneBits);
  }
  return images;
}

// --- The lock-step chain of cycle models as a run_stream device ---------------------------------

class ChainDevice {
 public:
  ChainDevice(const engine::StitchPlan& plan, const std::vector<Beat>& beats)
      : chain_(stages(plan)), beats_(beats) {}
  void reset() {
    chain_.reset();
    outputs.clear();
  }
  void settle(bool in_valid, std::size_t beat, bool out_ready) {
    chain_.settle(in_valid, beats_[beat], out_ready);
  }
  bool in_ready() const { return chain_.in_ready(); }
  bool out_valid() const { return chain_.out_valid(); }
  void collect() { outputs.push_back(chain_.out_data()); }
  void rise() { chain_.edge(); }
  const streaming::CycleChain& chain() const { return chain_; }

  std::vector<Beat> outputs;

 private:
  static std::vector<std::unique_ptr<streaming::CycleStage>> stages(const engine::StitchPlan& p) {
    std::vector<std::unique_ptr<streaming::CycleStage>> out;
    for (const auto& s : p.stages) out.push_back(streaming::make_cycle_stage(s.unit, s.params));
    return out;
  }
  streaming::CycleChain chain_;
  const std::vector<Beat>& beats_;
};

// One cycle as both sides see it: the handshake, the output beat while valid, every FIFO's count.
struct CycleRecord {
  tlm_rtl::EdgeInfo e;
  Beat out;
  std::vector<int> counts;
  bool operator==(const CycleRecord& o) const {
    return e.cycle == o.e.cycle && e.in_valid == o.e.in_valid && e.in_ready == o.e.in_ready &&
           e.out_valid == o.e.out_valid && e.out_ready == o.e.out_ready && out == o.out &&
           counts == o.counts;
  }
};

std::string describe(const CycleRecord& r) {
  std::string s = "cycle " + std::to_string(r.e.cycle) + ": in_valid " +
                  std::to_string(r.e.in_valid) + " in_ready " + std::to_string(r.e.in_ready) +
                  " out_valid " + std::to_string(r.e.out_valid) + " out_ready " +
                  std::to_string(r.e.out_ready) + " out [";
  for (auto v : r.out) s += " " + std::to_string(v);
  s += " ] counts [";
  for (int c : r.counts) s += " " + std::to_string(c);
  return s + " ]";
}

tlm_rtl::StreamPattern pattern(double stall, std::uint64_t seed) {
  return stall == 0.0 ? tlm_rtl::StreamPattern::always()
                      : tlm_rtl::StreamPattern::random(1.0 - stall, seed);
}

engine::StitchPlan plan_of(const Chain& c) { return engine::make_stitch_plan(c.stages); }

// --- Tests
// ----------------------------------------------------------------------------------------

TEST(StitchTop, GoldenTextOfATinyChain) {
  const engine::StitchPlan plan =
      engine::make_stitch_plan({{"f0", "stream_fifo", {{"WIDTH", 8}, {"DEPTH", 1}}},
                                {"p0", "max_pool", {{"C", 1}, {"H", 2}, {"W", 2}}}});
  const engine::StitchedTop top = engine::stitched_top(plan, "tiny");
  EXPECT_EQ(top.name, "tiny");
  EXPECT_EQ(top.file_name, "tiny.sv");
  EXPECT_EQ(top.text,
            "// Generated by fxsim (models/engine/stitch_top.cpp): a stitched chain of 2 streaming "
            "stages:\n"
            "// f0 (stream_fifo) -> p0 (max_pool). Do not edit.\n"
            "module tiny (\n"
            "    input  logic clk,\n"
            "    input  logic rst_n,\n"
            "    input  logic in_valid,\n"
            "    output logic in_ready,\n"
            "    input  logic [7:0] in_data,\n"
            "    output logic out_valid,\n"
            "    input  logic out_ready,\n"
            "    output logic [7:0] out_data,\n"
            "    output logic f0_count\n"
            ");\n"
            "\n"
            "  // f0 -> p0\n"
            "  logic f0_out_valid, f0_out_ready;\n"
            "  logic [7:0] f0_out_data;\n"
            "\n"
            "  stream_fifo #(\n"
            "      .WIDTH(8),\n"
            "      .DEPTH(1),\n"
            "      .STYLE(0)\n"
            "  ) f0 (\n"
            "      .clk(clk),\n"
            "      .rst_n(rst_n),\n"
            "      .in_valid(in_valid),\n"
            "      .in_ready(in_ready),\n"
            "      .in_data(in_data),\n"
            "      .out_valid(f0_out_valid),\n"
            "      .out_ready(f0_out_ready),\n"
            "      .out_data(f0_out_data),\n"
            "      .count(f0_count)\n"
            "  );\n"
            "\n"
            "  max_pool #(\n"
            "      .POOL(2),\n"
            "      .SIMD(1),\n"
            "      .IN_W(8),\n"
            "      .IN_SIGNED(1'b1),\n"
            "      .C(1),\n"
            "      .H(2),\n"
            "      .W(2)\n"
            "  ) p0 (\n"
            "      .clk(clk),\n"
            "      .rst_n(rst_n),\n"
            "      .in_valid(f0_out_valid),\n"
            "      .in_ready(f0_out_ready),\n"
            "      .in_data(f0_out_data),\n"
            "      .out_valid(out_valid),\n"
            "      .out_ready(out_ready),\n"
            "      .out_data(out_data)\n"
            "  );\n"
            "endmodule\n");
  // The extra ports a driver reaches by name.
  const std::vector<fxsim::units::ExtraPort> extra = engine::stitched_extra_ports(plan);
  ASSERT_EQ(extra.size(), 1u);
  EXPECT_EQ(extra[0].name, "f0_count");
  EXPECT_FALSE(extra[0].is_input);
  EXPECT_EQ(extra[0].width, 1);
}

TEST(StitchTop, NameFollowsTheContent) {
  const Chain c = fxsim::stitch_chains::pool_pool::chain();
  const engine::StitchedTop a = engine::stitched_top(plan_of(c));
  EXPECT_EQ(a.name, engine::stitched_top(plan_of(c)).name);
  EXPECT_EQ(a.name.rfind("stitch_", 0), 0u);
  EXPECT_EQ(a.name.size(), 7u + 16u);
  Chain deeper = c;
  deeper.stages[2].params["DEPTH"] = 2;
  EXPECT_NE(a.name, engine::stitched_top(plan_of(deeper)).name);
  EXPECT_THROW(engine::stitched_top(plan_of(c), "1bad"), engine::StitchError);
}

TEST(StitchPlan, WidthMismatchNamesBothStagesAndWidths) {
  try {
    engine::make_stitch_plan({{"f0", "stream_fifo", {{"WIDTH", 8}, {"DEPTH", 2}}},
                              {"p0", "max_pool", {{"SIMD", 2}, {"IN_W", 8}}}});
    FAIL() << "a 8-bit stream into a 16-bit one was accepted";
  } catch (const engine::StitchError& e) {
    EXPECT_STREQ(e.what(),
                 "stream width mismatch between stage 0 (f0, stream_fifo: out_data 8 bits) and "
                 "stage 1 (p0, max_pool: in_data 16 bits)");
  }
}

TEST(StitchPlan, BadChainsAreRejected) {
  using engine::make_stitch_plan;
  using engine::StitchError;
  EXPECT_THROW(make_stitch_plan({}), StitchError);
  EXPECT_THROW(make_stitch_plan({{"x", "no_such_unit", {}}}), StitchError);
  EXPECT_THROW(make_stitch_plan({{"b", "bn_act", {}}}), StitchError);  // not a streaming unit
  EXPECT_THROW(make_stitch_plan({{"F0", "stream_fifo", {}}}), StitchError);
  EXPECT_THROW(make_stitch_plan({{"f", "stream_fifo", {}}, {"f", "stream_fifo", {}}}), StitchError);
  // A bad parameter is the unit's own error, naming it.
  EXPECT_THROW(make_stitch_plan({{"f", "stream_fifo", {{"DEPTH", -1}}}}),
               fxsim::units::UnitParamError);
  // Names that would collide in the top: instance "out" with its extra port "count" is fine,
  // an instance named like a stream wire of another is not.
  EXPECT_NO_THROW(engine::stitched_top(make_stitch_plan({{"out", "stream_fifo", {}}})));
  EXPECT_THROW(engine::stitched_top(make_stitch_plan(
                   {{"a", "stream_fifo", {}}, {"a_out_valid", "stream_fifo", {}}})),
               StitchError);
  // A request for a generated top names its units; a unit it does not know is an error.
  verilated::VariantRequest r;
  r.kind = verilated::AdapterKind::PORTS;
  r.generated = verilated::GeneratedTop{"t", "t.sv", "module t; endmodule\n", {"no_such_unit"}};
  EXPECT_THROW(
      verilated::variant_sources(r, verilated::build_toolchain(), fxsim::units::default_rtl_dir()),
      std::invalid_argument);
}

// The files of a chain's top in `dir`: the units' RTL (each file once), then the top.
std::vector<std::filesystem::path> write_sources(const engine::StitchPlan& plan,
                                                 const engine::StitchedTop& top,
                                                 const std::filesystem::path& dir) {
  std::filesystem::create_directories(dir);
  std::vector<std::filesystem::path> files;
  for (const std::string& u : plan.units()) {
    for (const auto& [name, text] :
         fxsim::units::read_unit_rtl(fxsim::units::find_unit(u), fxsim::units::default_rtl_dir())) {
      if (std::find(files.begin(), files.end(), dir / name) != files.end()) continue;
      fxsim::util::write_file_atomically(dir / name, text);
      files.push_back(dir / name);
    }
  }
  fxsim::util::write_file_atomically(dir / top.file_name, top.text);
  files.push_back(dir / top.file_name);
  return files;
}

// Every chain's generated top with the units' RTL: verilator -Wall prints nothing.
TEST(StitchTop, VerilatorWallClean) {
  for (const Chain& c : fxsim::stitch_chains::all()) {
    const engine::StitchPlan plan = plan_of(c);
    const engine::StitchedTop top = engine::stitched_top(plan);
    const std::filesystem::path dir =
        std::filesystem::path(::testing::TempDir()) / ("stitch_lint_" + c.name);
    std::vector<std::string> argv = {verilated::build_toolchain().verilator, "--lint-only", "-Wall",
                                     "--top-module", top.name};
    for (const auto& f : write_sources(plan, top, dir)) argv.push_back(f.string());
    const fxsim::util::ProcessResult lint = fxsim::util::run_to_file(argv, dir, dir / "lint.log");
    ASSERT_TRUE(lint.started) << lint.error;
    EXPECT_EQ(lint.exit_code, 0) << c.name;
    EXPECT_EQ(fxsim::util::read_file(dir / "lint.log").value_or("?"), "") << c.name;
  }
}

// Tapped tops (mismatch localisation): every inner stream out as tap_<instance>_*, assigned from
// its wires; a different module name; lint-clean under -Wall, also for a network's chain with
// mvau stages (conv with BN, pool, dense), whose mac_* debug outputs are top-level ports.
TEST(StitchTop, TappedTopsLintClean) {
  std::vector<std::pair<std::string, engine::StitchPlan>> plans;
  for (const Chain& c : fxsim::stitch_chains::all()) plans.emplace_back(c.name, plan_of(c));
  const engine::NetworkPlan net = engine::plan_network(engine::parse_network(R"(
[input]
height = 4
width = 4
channels = 2
simd = 2
format = "fixed<6,2>"
[[layer]]
kind = "conv"
channels = 2
kernel = 3
padding = 1
pe = 2
weight = "fixed<4,1>"
output = "fixed<8,3,RND_CONV,SAT>"
[layer.bn]
scale = "fixed<6,2>"
bias = "fixed<8,3>"
output = "fixed<6,2,RND,SAT>"
activation = "relu"
[[layer]]
kind = "pool"
size = 2
[[layer]]
kind = "dense"
outputs = 2
pe = 2
weight = "fixed<4,1>"
output = "fixed<10,5>"
)",
                                                                             "net.toml"));
  plans.emplace_back("network", engine::network_stitch_plan(net));
  for (auto& [name, plan] : plans) {
    const std::string plain = engine::stitched_top(plan).name;
    plan.taps = true;
    const engine::StitchedTop top = engine::stitched_top(plan);
    EXPECT_NE(top.name, plain) << name;
    const engine::StitchStage& first = plan.stages.front();
    const int width = fxsim::units::find_unit(first.unit).out_data_width(first.params);
    if (plan.stages.size() > 1) {
      EXPECT_NE(top.text.find("    output logic tap_" + first.instance + "_valid,\n"),
                std::string::npos)
          << top.text;
      EXPECT_NE(top.text.find("    output logic [" + std::to_string(width - 1) + ":0] tap_" +
                              first.instance + "_data"),
                std::string::npos)
          << top.text;
      EXPECT_NE(top.text.find("  assign tap_" + first.instance + "_ready = " + first.instance +
                              "_out_ready;\n"),
                std::string::npos)
          << top.text;
    }
    const std::filesystem::path dir =
        std::filesystem::path(::testing::TempDir()) / ("stitch_tap_lint_" + name);
    std::vector<std::string> argv = {verilated::build_toolchain().verilator, "--lint-only", "-Wall",
                                     "--top-module", top.name};
    for (const auto& f : write_sources(plan, top, dir)) argv.push_back(f.string());
    const fxsim::util::ProcessResult lint = fxsim::util::run_to_file(argv, dir, dir / "lint.log");
    ASSERT_TRUE(lint.started) << lint.error;
    EXPECT_EQ(lint.exit_code, 0) << name;
    EXPECT_EQ(fxsim::util::read_file(dir / "lint.log").value_or("?"), "") << name;
  }
  // The network's mvau stages bring their MAC stream out (PE 2 x fixed<8,3>, PE 2 x fixed<10,5>).
  const std::string text = engine::stitched_top(engine::network_stitch_plan(net)).text;
  EXPECT_NE(text.find("    output logic [15:0] b0_mvau_mac_data,\n"), std::string::npos) << text;
  EXPECT_NE(text.find("      .mac_data(b0_mvau_mac_data)"), std::string::npos) << text;
  EXPECT_NE(text.find("    output logic [19:0] b2_mvau_mac_data,\n"), std::string::npos) << text;
  // ... and take their lanes' LFSR states (RND_STOCH): 2 x PE x 31 bits each.
  EXPECT_NE(text.find("    input  logic [123:0] b0_mvau_lfsr_seed,\n"), std::string::npos) << text;
  EXPECT_NE(text.find("    input  logic [123:0] b2_mvau_lfsr_seed\n"), std::string::npos) << text;
  EXPECT_NE(text.find("      .lfsr_seed(b2_mvau_lfsr_seed)"), std::string::npos) << text;
}

// yosys synth_xilinx maps the top of the five-stage chain (exit code 0, a flat netlist).
TEST(StitchTop, YosysMapsIt) {
  const engine::StitchPlan plan = plan_of(fxsim::stitch_chains::five_stages::chain());
  const engine::StitchedTop top = engine::stitched_top(plan);
  const std::filesystem::path dir = std::filesystem::path(::testing::TempDir()) / "stitch_yosys";
  fxsim::synth::YosysJob job;
  job.rtl_files = write_sources(plan, top, dir);
  job.top = top.name;
  const fxsim::synth::YosysRun run =
      fxsim::synth::run_yosys(fxsim::synth::default_yosys(), dir, fxsim::synth::yosys_script(job));
  ASSERT_EQ(run.exit_code, 0) << fxsim::util::file_tail(run.log_path, 20);
  const fxsim::synth::ResourceCounts counts = fxsim::synth::parse_stat_json(
      fxsim::util::read_file(dir / fxsim::synth::kStatFile).value_or(""), top.name);
  // At least the 24-bit data register at the output of each of the five stages (both slices,
  // the max-pool's result, the memory FIFO's read register, the window generator's read).
  EXPECT_GE(counts.ff, 5 * 24);
  EXPECT_GT(counts.logic_luts(), 0);
}

struct StallCase {
  double valid_stall, ready_stall;
};

class StitchedChain : public ::testing::TestWithParam<std::string> {};

// RTL == brute force in values; RTL == chain of cycle models in every cycle's handshake, output
// beat and FIFO count, and so in the total cycle count; for 3 seeds x 5 stall patterns.
TEST_P(StitchedChain, RtlEqualsBruteForceAndCycleModels) {
  Chain chain;
  for (const Chain& c : fxsim::stitch_chains::all()) {
    if (c.name == GetParam()) chain = c;
  }
  const engine::StitchPlan plan = plan_of(chain);
  tlm_rtl::StitchedDriver rtl(plan);
  std::vector<std::pair<std::size_t, int>> fifo_ports;  // (stage, port of <instance>_count)
  for (std::size_t i = 0; i < plan.stages.size(); ++i) {
    if (plan.stages[i].unit == "stream_fifo") {
      fifo_ports.emplace_back(i, rtl.port(plan.stages[i].instance + "_count"));
    }
  }
  const int simd = chain.map.simd;
  const std::vector<StallCase> stalls = {{0, 0}, {0.3, 0.3}, {0.7, 0.7}, {0, 0.7}, {0.7, 0}};
  for (std::uint64_t seed = 1; seed <= 3; ++seed) {
    const std::vector<Beat> input = random_input(chain, 100 + seed);
    const std::vector<Beat> expected = chain_brute_force(plan, input);
    const verilated::PortImages images = pack(input, simd);
    for (const StallCase& st : stalls) {
      SCOPED_TRACE(chain.name + " seed " + std::to_string(seed) + " valid stall " +
                   std::to_string(st.valid_stall) + " ready stall " +
                   std::to_string(st.ready_stall));
      std::vector<CycleRecord> rtl_cycles, model_cycles;
      std::uint32_t words[8];
      const tlm_rtl::StreamRun r =
          rtl.run(images, input.size(), expected.size(), pattern(st.valid_stall, seed),
                  pattern(st.ready_stall, seed + 1000), [&](const tlm_rtl::EdgeInfo& e) {
                    CycleRecord rec{e, {}, {}};
                    if (e.out_valid) {
                      rtl.get(rtl.port("out_data"), words);
                      rec.out = tlm_rtl::unpack_lanes(words, simd, kLaneBits, true);
                    }
                    for (const auto& [stage, port] : fifo_ports) {
                      rtl.get(port, words);
                      rec.counts.push_back(static_cast<int>(words[0]));
                    }
                    rtl_cycles.push_back(std::move(rec));
                  });
      ChainDevice model(plan, input);
      const tlm_rtl::StreamRun m = tlm_rtl::run_stream(
          model, input.size(), expected.size(), pattern(st.valid_stall, seed),
          pattern(st.ready_stall, seed + 1000),
          [&](const tlm_rtl::EdgeInfo& e) {
            CycleRecord rec{e, {}, {}};
            if (e.out_valid) rec.out = model.chain().out_data();
            for (const auto& fp : fifo_ports)
              rec.counts.push_back(model.chain().stage(fp.first).count());
            model_cycles.push_back(std::move(rec));
          },
          r.cycles + 1000);

      ASSERT_TRUE(r.complete) << r.outputs << " of " << expected.size() << " outputs, "
                              << r.inputs_taken << " of " << input.size() << " inputs";
      std::vector<Beat> got;
      for (std::size_t i = 0; i < expected.size(); ++i) {
        got.push_back(tlm_rtl::unpack_lanes(rtl.outputs().at(i), simd, kLaneBits, true));
      }
      EXPECT_EQ(got, expected);
      EXPECT_EQ(model.outputs, expected);
      EXPECT_TRUE(m.complete);
      EXPECT_EQ(m.cycles, r.cycles);
      EXPECT_EQ(m.last_output, r.last_output);
      ASSERT_EQ(model_cycles.size(), rtl_cycles.size());
      for (std::size_t i = 0; i < rtl_cycles.size(); ++i) {
        if (!(rtl_cycles[i] == model_cycles[i])) {
          ADD_FAILURE() << "first difference: rtl " << describe(rtl_cycles[i]) << "\n  model "
                        << describe(model_cycles[i]);
          break;
        }
      }
      // The input rate is at most one beat per cycle: a run never beats the input count.
      EXPECT_GE(r.cycles, input.size());
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Chains, StitchedChain,
                         ::testing::Values("pool_pool", "wire_window_fifo", "window1_pool",
                                           "five_stages"),
                         [](const ::testing::TestParamInfo<std::string>& i) { return i.param; });

// A source of 1 beat every 3 cycles into a register slice with a ready sink, 12 beats: beat k is
// offered and taken at edge 3k and shown on out_valid in cycle 3k + 1, taken there; the last
// (k = 11) leaves in cycle 34, so 35 edges. Worked by hand, not by either model.
TEST(StitchedDriver, BandwidthLimitedSourceMatchesTheHandCount) {
  const Chain chain = fxsim::stitch_chains::slice::chain();
  const engine::StitchPlan plan = plan_of(chain);
  tlm_rtl::StitchedDriver rtl(plan);
  const std::vector<Beat> input = random_input(chain, 5);
  std::vector<tlm_rtl::EdgeInfo> edges;
  const tlm_rtl::StreamRun r = rtl.run(
      pack(input, 1), input.size(), input.size(), tlm_rtl::StreamPattern::bandwidth(1, 3),
      tlm_rtl::StreamPattern::always(), [&](const tlm_rtl::EdgeInfo& e) { edges.push_back(e); });
  ASSERT_TRUE(r.complete);
  EXPECT_EQ(r.cycles, 35u);
  EXPECT_EQ(r.last_output, 35u);
  for (std::size_t c = 0; c < edges.size(); ++c) {
    EXPECT_EQ(edges[c].in_valid, c % 3 == 0) << c;
    EXPECT_EQ(edges[c].out_valid, c % 3 == 1) << c;
  }
  for (std::size_t i = 0; i < input.size(); ++i) {
    EXPECT_EQ(tlm_rtl::unpack_lanes(rtl.outputs().at(i), 1, kLaneBits, true), input[i]) << i;
  }
  // 2 beats per 5 cycles, sink ready: offered at 0, 1, 5, 6, 10, 11, ...; the 12th (index 11) is
  // taken at edge 5 * 5 + 1 = 26 and leaves at 27: 28 edges.
  const tlm_rtl::StreamRun r2 =
      rtl.run(pack(input, 1), input.size(), input.size(), tlm_rtl::StreamPattern::bandwidth(2, 5),
              tlm_rtl::StreamPattern::always());
  EXPECT_EQ(r2.cycles, 28u);
}

// A loop of one's own over the driver's low-level interface (as a network driver with a DMA
// model for a source would write it) gives the same beats and cycles as run() with callback
// patterns of the same rules, and the brute force's values.
TEST(StitchedDriver, OwnLoopEqualsRunWithCallbackPatterns) {
  const Chain chain = fxsim::stitch_chains::five_stages::chain();
  const engine::StitchPlan plan = plan_of(chain);
  tlm_rtl::StitchedDriver rtl(plan);
  const std::vector<Beat> input = random_input(chain, 9);
  const std::vector<Beat> expected = chain_brute_force(plan, input);
  const verilated::PortImages images = pack(input, chain.map.simd);
  auto source = [](std::uint64_t c) { return c % 4 != 3; };
  auto sink = [](std::uint64_t c) { return c % 3 != 0; };

  const tlm_rtl::StreamRun r =
      rtl.run(images, input.size(), expected.size(), tlm_rtl::StreamPattern::callback(source),
              tlm_rtl::StreamPattern::callback(sink));
  ASSERT_TRUE(r.complete);

  rtl.set_beats(images, input.size());
  rtl.reset();
  std::vector<Beat> got;
  std::size_t next = 0;
  bool offered = false;
  std::uint64_t cycle = 0;
  for (; (got.size() < expected.size() || next < input.size()) && cycle < 100000; ++cycle) {
    if (!offered && next < input.size() && source(cycle)) offered = true;
    const bool ready = sink(cycle);
    rtl.settle(offered, next < input.size() ? next : 0, ready);
    if (rtl.out_valid() && ready) {
      got.push_back(tlm_rtl::unpack_lanes(rtl.out_data(), chain.map.simd, kLaneBits, true));
    }
    if (offered && rtl.in_ready()) {
      offered = false;
      ++next;
    }
    rtl.rise();
  }
  EXPECT_EQ(got, expected);
  EXPECT_EQ(cycle, r.cycles);
}

// The second request of a chain is answered without building: in this process by the loaded
// variant, and on disk by the cache entry (ensure_variant finds it complete).
TEST(StitchedDriver, SecondBuildOfAChainIsACacheHit) {
  const engine::StitchPlan plan = plan_of(fxsim::stitch_chains::window1_pool::chain());
  const tlm_rtl::StitchedDriver first(plan);
  const verilated::Stats before = verilated::stats();
  const tlm_rtl::StitchedDriver second(plan);
  const verilated::Stats after = verilated::stats();
  EXPECT_EQ(after.builds, before.builds);
  EXPECT_EQ(after.reused, before.reused + 1);
  EXPECT_EQ(&first.variant(), &second.variant());

  verilated::BuildOptions options;
  options.cache_dir = verilated::ondemand_cache_dir();
  options.allow_build = false;  // a miss would throw RtlVariantError
  const verilated::CachedVariant v =
      verilated::ensure_variant(tlm_rtl::stitched_request(first.top(), plan), options);
  EXPECT_EQ(v.outcome, verilated::Outcome::CACHED);
  EXPECT_EQ(v.sources.top, first.top().name);
  // Every unit file and the generated text are in the key's inputs.
  std::vector<std::string> names;
  for (const auto& f : v.sources.rtl_files) names.push_back(f.first);
  EXPECT_EQ(names,
            (std::vector<std::string>{"sliding_window.sv", "max_pool.sv", first.top().file_name}));
}

}  // namespace
