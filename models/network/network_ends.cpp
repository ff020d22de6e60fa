#include "models/network/network_ends.hpp"

namespace fxsim::network {

int beat_bytes(const engine::MapShape& m) { return (m.beat_bits() + 7) / 8; }

void pack_beat(const streaming::Lanes& lanes, int width, unsigned char* out) {
  int bit = 0;
  for (const std::int64_t v : lanes) {
    for (int b = 0; b < width; ++b, ++bit) {
      if ((static_cast<std::uint64_t>(v) >> b) & 1u) out[bit / 8] |= 1u << (bit % 8);
    }
  }
}

streaming::Lanes unpack_beat(const unsigned char* in, int lanes, int width, bool is_signed) {
  streaming::Lanes out(static_cast<std::size_t>(lanes), 0);
  int bit = 0;
  for (int l = 0; l < lanes; ++l) {
    std::uint64_t v = 0;
    for (int b = 0; b < width; ++b, ++bit) {
      if ((in[bit / 8] >> (bit % 8)) & 1u) v |= std::uint64_t{1} << b;
    }
    if (is_signed && width < 64 && ((v >> (width - 1)) & 1u)) v |= ~std::uint64_t{0} << width;
    out[static_cast<std::size_t>(l)] = static_cast<std::int64_t>(v);
  }
  return out;
}

constexpr std::uint64_t kSinkStream = 0x73696e6b00000000ull;  // "sink"

streaming::InputDmaConfig input_dma_config(const engine::NetworkPlan& plan) {
  const engine::DmaConfig& d = plan.config.dma;
  streaming::InputDmaConfig dma;
  dma.beat_bytes = beat_bytes(plan.input());
  dma.bytes = d.bytes;
  dma.cycles = d.cycles;
  dma.start_latency = d.start_latency;
  dma.buffer_beats = d.buffer_beats;
  return dma;
}

streaming::OutputSinkControl output_dma_control(const engine::NetworkPlan& plan) {
  return streaming::OutputSinkControl(plan.config.dma.output_stall, plan.config.seed ^ kSinkStream);
}

streaming::OutputSinkModel output_dma(const engine::NetworkPlan& plan) {
  return streaming::OutputSinkModel(plan.config.dma.output_stall, plan.config.seed ^ kSinkStream);
}

std::uint64_t default_max_cycles(const engine::NetworkPlan& plan, int images) {
  std::uint64_t beats = 0;
  for (const engine::BlockPlan& b : plan.blocks) {
    beats += static_cast<std::uint64_t>(b.in.beats() + b.out.beats());
    if (b.mvau)
      beats += static_cast<std::uint64_t>(b.vectors_per_image) *
               static_cast<std::uint64_t>(b.mvau->synapse_fold()) *
               static_cast<std::uint64_t>(b.mvau->neuron_fold());
    if (b.window) beats += static_cast<std::uint64_t>(b.window->output_beats());
  }
  const auto& d = plan.config.dma;
  const std::uint64_t dma = static_cast<std::uint64_t>(plan.input().beats()) *
                            static_cast<std::uint64_t>((plan.input().beat_bits() + 7) / 8) *
                            static_cast<std::uint64_t>(d.cycles) /
                            static_cast<std::uint64_t>(d.bytes);
  const double stall = 1.0 / (1.0 - d.output_stall);
  return static_cast<std::uint64_t>(
             static_cast<double>((beats + dma) * static_cast<std::uint64_t>(images) * 4) * stall) +
         static_cast<std::uint64_t>(d.start_latency) + 1000;
}

}  // namespace fxsim::network
