#include "models/network/network_ends.hpp"

namespace fxsim::network {

int beat_bytes(const engine::MapShape& m) { return (m.beat_bits() + 7) / 8; }

namespace {

// Lane value v (its low `width` bits) at bit `bit` of a little-endian byte array.
void put_bits(std::int64_t v, int width, int bit, unsigned char* out) {
  std::uint64_t u = static_cast<std::uint64_t>(v);
  if (width < 64) u &= (std::uint64_t{1} << width) - 1;
  int at = bit / 8, shift = bit % 8, left = width;
  while (left > 0) {
    out[at] |= static_cast<unsigned char>((u << shift) & 0xffu);
    const int taken = 8 - shift;
    u = taken >= 64 ? 0 : u >> taken;
    left -= taken;
    shift = 0;
    ++at;
  }
}

std::int64_t get_bits(const unsigned char* in, int width, int bit, bool is_signed) {
  std::uint64_t v = 0;
  int at = bit / 8, shift = bit % 8, got = 0;
  while (got < width) {
    const std::uint64_t byte = static_cast<std::uint64_t>(in[at] >> shift);
    if (got < 64) v |= byte << got;
    got += 8 - shift;
    shift = 0;
    ++at;
  }
  if (width < 64) {
    v &= (std::uint64_t{1} << width) - 1;
    if (is_signed && ((v >> (width - 1)) & 1u)) v |= ~std::uint64_t{0} << width;
  }
  return static_cast<std::int64_t>(v);
}

}  // namespace

void pack_beat(const streaming::Lanes& lanes, int width, unsigned char* out) {
  int bit = 0;
  for (const std::int64_t v : lanes) {
    put_bits(v, width, bit, out);
    bit += width;
  }
}

streaming::Lanes unpack_beat(const unsigned char* in, int lanes, int width, bool is_signed) {
  streaming::Lanes out(static_cast<std::size_t>(lanes), 0);
  for (int l = 0; l < lanes; ++l)
    out[static_cast<std::size_t>(l)] = get_bits(in, width, l * width, is_signed);
  return out;
}

std::vector<unsigned char> pack_map(const std::vector<std::int64_t>& map,
                                    const engine::MapShape& m) {
  const auto bb = static_cast<std::size_t>(beat_bytes(m));
  const auto c = static_cast<std::size_t>(m.c);
  const std::size_t pixels = map.size() / c;
  const int cbs = m.beats_per_pixel();
  std::vector<unsigned char> out(pixels * static_cast<std::size_t>(cbs) * bb, 0);
  unsigned char* beat = out.data();
  for (std::size_t p = 0; p < pixels; ++p) {
    for (int b = 0; b < cbs; ++b, beat += bb) {
      for (int l = 0; l < m.lanes; ++l) {
        const auto ch = static_cast<std::size_t>(b * m.lanes + l);
        if (ch < c) put_bits(map[p * c + ch], m.format.width, l * m.format.width, beat);
      }
    }
  }
  return out;
}

std::vector<std::int64_t> unpack_map(const unsigned char* bytes, std::size_t beats,
                                     const engine::MapShape& m) {
  const auto bb = static_cast<std::size_t>(beat_bytes(m));
  const auto c = static_cast<std::size_t>(m.c);
  const auto cbs = static_cast<std::size_t>(m.beats_per_pixel());
  const std::size_t pixels = beats / cbs;
  std::vector<std::int64_t> map(pixels * c);
  for (std::size_t p = 0; p < pixels; ++p) {
    for (std::size_t b = 0; b < cbs; ++b) {
      const unsigned char* beat = bytes + (p * cbs + b) * bb;
      for (int l = 0; l < m.lanes; ++l) {
        const std::size_t ch = b * static_cast<std::size_t>(m.lanes) + static_cast<std::size_t>(l);
        if (ch < c) {
          map[p * c + ch] = get_bits(beat, m.format.width, l * m.format.width, m.format.is_signed);
        }
      }
    }
  }
  return map;
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
