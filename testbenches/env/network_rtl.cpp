#include "testbenches/env/network_rtl.hpp"

#include <stdexcept>
#include <string>

#include "fx/lfsr.hpp"
#include "models/engine/network_stitch.hpp"
#include "models/streaming/feature_map_stream.hpp"
#include "tlm/rtl/stitched_driver.hpp"
#include "tlm/rtl/verilated/port_image.hpp"

namespace fxsim::env {
namespace {

// One rising edge of the stitched top with whatever its inputs hold (clock low first).
void edge(tlm_rtl::StitchedDriver& d, int clk) {
  const std::uint32_t low[2] = {0, 0}, high[2] = {1, 0};
  d.set(clk, low);
  d.model().eval();
  d.set(clk, high);
  d.model().eval();
}

void set_value(tlm_rtl::StitchedDriver& d, int port, std::uint64_t v) {
  const std::uint32_t words[2] = {static_cast<std::uint32_t>(v),
                                  static_cast<std::uint32_t>(v >> 32)};
  d.set(port, words);
}

// BN = 2: the threshold memory through the bn_wr port, word f holding for PE p at [p*WORD +:
// WORD] output f*PE + p's direction (bit 0) and threshold k at [1 + k*TH_W +: TH_W]
// (rtl/threshold.sv, units::ThresholdConfig::word_width).
void load_thresholds(tlm_rtl::StitchedDriver& d, const std::string& inst,
                     const units::MvauConfig& cfg, const units::MvauBn& bn) {
  const int clk = d.port("clk");
  const int en = d.port(inst + "bn_wr_en"), addr = d.port(inst + "bn_wr_addr"),
            data = d.port(inst + "bn_wr_data");
  const int ww = cfg.th.word_width(), th_w = cfg.th.threshold_w();
  verilated::PortImages word(1, cfg.pe * ww);
  set_value(d, en, 1);
  for (int f = 0; f < cfg.nf(); ++f) {
    word.reset(1, cfg.pe * ww);
    for (int pe = 0; pe < cfg.pe; ++pe) {
      const units::ThresholdChannel& ch =
          bn.thresholds.at(static_cast<std::size_t>(f * cfg.pe + pe));
      verilated::or_field(word.at(0), pe * ww, 1, ch.descending ? 1 : 0);
      for (std::size_t k = 0; k < ch.thresholds.size(); ++k) {
        verilated::or_field(word.at(0), pe * ww + 1 + static_cast<int>(k) * th_w, th_w,
                            static_cast<std::uint64_t>(ch.thresholds[k]));
      }
    }
    set_value(d, addr, static_cast<std::uint64_t>(f));
    d.set(data, word.at(0));
    edge(d, clk);
  }
  set_value(d, en, 0);
}

// The stationary weights (and BN scale / bias) of block b's mvau, written through its write
// ports one row an edge: weight row a at wr_addr a, word j = p*SIMD + i at bits [j*WW +: WW]
// (units::mvau_weight_image); scale / bias word f as units::mvau_bn_scale_word lays it out.
void load_mvau(tlm_rtl::StitchedDriver& d, const engine::BlockPlan& b, const engine::Stimulus& s) {
  const std::string inst = "b" + std::to_string(b.index) + "_mvau_";
  const units::MvauConfig cfg = engine::block_mvau_config(b);
  const int clk = d.port("clk");
  // The lanes' LFSR states (RND_STOCH), loaded by the reset that starts the run.
  verilated::PortImages seeds(1, 2 * cfg.pe * fx::Lfsr::kDefaultWidth);
  for (std::size_t i = 0; i < cfg.lfsr_seeds.size(); ++i) {
    verilated::or_field(seeds.at(0), static_cast<int>(i) * fx::Lfsr::kDefaultWidth,
                        fx::Lfsr::kDefaultWidth, cfg.lfsr_seeds[i]);
  }
  d.set(d.port(inst + "lfsr_seed"), seeds.at(0));
  const int wr_en = d.port(inst + "wr_en"), wr_addr = d.port(inst + "wr_addr"),
            wr_data = d.port(inst + "wr_data");
  const units::WeightImage image = units::mvau_weight_image(cfg, engine::mvau_weights(b, s));
  const int ww = cfg.weight_width();
  const int depth = cfg.sf() * cfg.nf();
  verilated::PortImages row_image(1, cfg.pe * cfg.simd * ww);
  set_value(d, wr_en, 1);
  for (int a = 0; a < depth; ++a) {
    row_image.reset(1, cfg.pe * cfg.simd * ww);
    const units::WeightBeat& row = image.row(a);
    for (std::size_t j = 0; j < row.size(); ++j) {
      verilated::or_field(row_image.at(0), static_cast<int>(j) * ww, ww, row[j]);
    }
    set_value(d, wr_addr, static_cast<std::uint64_t>(a));
    d.set(wr_data, row_image.at(0));
    edge(d, clk);
  }
  set_value(d, wr_en, 0);
  if (cfg.threshold) {
    load_thresholds(d, inst, cfg, engine::mvau_bn(b, s));
    return;
  }
  if (!cfg.bn) return;
  const units::MvauBn bn = engine::mvau_bn(b, s);
  const int sw = units::mvau_bn_scale_width(cfg);
  const int bw = cfg.bn_cfg.bias.width;
  const int bn_en = d.port(inst + "bn_wr_en"), bn_addr = d.port(inst + "bn_wr_addr"),
            bn_data = d.port(inst + "bn_wr_data");
  verilated::PortImages word(1, cfg.pe * (sw + bw));
  set_value(d, bn_en, 1);
  for (int f = 0; f < cfg.nf(); ++f) {
    word.reset(1, cfg.pe * (sw + bw));
    for (int pe = 0; pe < cfg.pe; ++pe) {
      const int o = f * cfg.pe + pe;
      verilated::or_field(word.at(0), pe * (sw + bw), sw, units::mvau_bn_scale_word(cfg, bn, o));
      verilated::or_field(word.at(0), pe * (sw + bw) + sw, bw,
                          static_cast<std::uint64_t>(bn.bias[static_cast<std::size_t>(o)]));
    }
    set_value(d, bn_addr, static_cast<std::uint64_t>(f));
    d.set(bn_data, word.at(0));
    edge(d, clk);
  }
  set_value(d, bn_en, 0);
}

// One observed stream of the tapped top: a block's output (tap_<instance>_*) or a BN block's
// MAC results (<instance>_mac_*), sampled before each edge, a beat kept when valid && ready.
struct BlockTap {
  int block = 0;
  bool mac = false;
  int valid = 0, ready = 0, data = 0;
  int c = 1, lanes = 1;
  fx::FxType format;
  std::vector<std::uint32_t> words;
  std::vector<streaming::Lanes> beats;

  void sample(const tlm_rtl::StitchedDriver& d) {
    std::uint32_t bit[2] = {0, 0};
    d.get(valid, bit);
    if ((bit[0] & 1) == 0) return;
    d.get(ready, bit);
    if ((bit[0] & 1) == 0) return;
    d.get(data, words.data());
    beats.push_back(tlm_rtl::unpack_lanes(words.data(), lanes, format.width, format.is_signed));
  }
};

BlockTap make_tap(const tlm_rtl::StitchedDriver& d, const engine::BlockPlan& b, bool mac,
                  const std::string& prefix) {
  BlockTap t;
  t.block = b.index;
  t.mac = mac;
  t.valid = d.port(prefix + "valid");
  t.ready = d.port(prefix + "ready");
  t.data = d.port(prefix + "data");
  t.c = b.out.c;
  t.lanes = b.out.lanes;
  t.format = mac ? units::MvauConfig::from(b.mvau_params).acc().out : b.out.format;
  t.words.assign(static_cast<std::size_t>(verilated::port_words(t.lanes * t.format.width)), 0);
  return t;
}

// Every block's output stream but the last one's (the top's out_data), and every BN block's MAC
// stream.
std::vector<BlockTap> block_taps(const tlm_rtl::StitchedDriver& d,
                                 const engine::NetworkPlan& plan) {
  std::vector<BlockTap> taps;
  for (const engine::BlockPlan& b : plan.blocks) {
    const std::string inst = engine::block_output_instance(b);
    if (b.index + 1 < static_cast<int>(plan.blocks.size())) {
      taps.push_back(make_tap(d, b, false, "tap_" + inst + "_"));
    }
    if (b.mvau && (b.mvau->bn || b.mvau->threshold))
      taps.push_back(make_tap(d, b, true, inst + "_mac_"));
  }
  return taps;
}

}  // namespace

network::NetworkRunResult run_network_rtl(const engine::NetworkPlan& plan,
                                          const engine::NetworkOperands& ops,
                                          std::uint64_t max_cycles) {
  NetworkRtlOptions o;
  o.max_cycles = max_cycles;
  return run_network_rtl(plan, ops, o);
}

network::NetworkRunResult run_network_rtl(const engine::NetworkPlan& plan,
                                          const engine::NetworkOperands& ops,
                                          const NetworkRtlOptions& options) {
  const std::uint64_t max_cycles = options.max_cycles;
  const engine::MapShape& in = plan.input();
  const engine::MapShape& out = plan.output();
  engine::StitchPlan chain = engine::network_stitch_plan(plan, options.taps);
  if (options.edit_stitch) options.edit_stitch(chain);
  tlm_rtl::StitchedDriver driver(chain);
  std::vector<BlockTap> taps;
  if (options.taps) taps = block_taps(driver, plan);
  // The weights once, out of reset; the run resets the units again (memories keep their
  // contents), as the SystemC model loads its memories before its reset.
  driver.reset();
  for (const engine::BlockPlan& b : plan.blocks) {
    if (b.mvau) load_mvau(driver, b, ops.blocks[static_cast<std::size_t>(b.index)]);
  }

  // The input beats as port images, once.
  const std::vector<streaming::Lanes> beats = streaming::map_to_beats(ops.images, in.c, in.lanes);
  verilated::PortImages images(beats.size(), driver.in_width());
  for (std::size_t i = 0; i < beats.size(); ++i) {
    verilated::or_lanes(images.at(i), beats[i].data(), in.lanes, in.format.width);
  }
  const std::size_t outputs =
      static_cast<std::size_t>(out.beats()) * static_cast<std::size_t>(ops.image_count);

  // The stream ends are the SystemC model's DMA models, stepped on the same edges.
  streaming::InputDmaModel dma(network::input_dma_config(plan), beats);
  streaming::OutputSinkModel sink = network::output_dma(plan);
  const streaming::Lanes none;
  const tlm_rtl::StreamRun run = driver.run(
      images, beats.size(), outputs,
      tlm_rtl::StreamPattern::callback([&](std::uint64_t) { return dma.out_valid(); }),
      tlm_rtl::StreamPattern::callback([&](std::uint64_t) { return sink.out_ready(); }),
      [&](const tlm_rtl::EdgeInfo& e) {
        dma.edge(e.in_ready);
        sink.edge(e.out_valid, none);
        for (BlockTap& t : taps) t.sample(driver);
      },
      max_cycles ? max_cycles : network::default_max_cycles(plan, ops.image_count));
  if (!run.complete) {
    throw std::runtime_error("network RTL: " + std::to_string(run.outputs) + " of " +
                             std::to_string(outputs) + " result beats after " +
                             std::to_string(run.cycles) + " cycles (" +
                             std::to_string(run.inputs_taken) + " of " +
                             std::to_string(beats.size()) + " input beats taken)");
  }

  network::NetworkRunResult r;
  std::vector<streaming::Lanes> got;
  got.reserve(outputs);
  for (std::size_t i = 0; i < outputs; ++i) {
    got.push_back(tlm_rtl::unpack_lanes(driver.outputs().at(i), out.lanes, out.format.width,
                                        out.format.is_signed));
  }
  r.output = streaming::beats_to_map(got, out.c, out.lanes);
  r.cycles = run.last_output;
  const std::vector<std::uint64_t>& arrival = sink.arrival();
  const std::size_t per_image = static_cast<std::size_t>(out.beats());
  for (std::size_t i = per_image; i <= arrival.size(); i += per_image) {
    r.image_done.push_back(arrival[i - 1]);
  }
  if (options.taps) {
    r.block_maps.resize(plan.blocks.size());
    r.mac_maps.resize(plan.blocks.size());
    for (const BlockTap& t : taps) {
      (t.mac ? r.mac_maps : r.block_maps)[static_cast<std::size_t>(t.block)] =
          streaming::beats_to_map(t.beats, t.c, t.lanes);
    }
    r.block_maps.back() = r.output;  // the last block's stream is the top's own output
  }
  r.dma_full_cycles = dma.full_cycles();
  r.dma_empty_cycles = dma.empty_cycles();
  return r;
}

}  // namespace fxsim::env
