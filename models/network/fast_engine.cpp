// The fast engine of the network model (network_model.hpp): one SystemC process that reads the
// images over the input DMA's TLM-2.0 socket, computes every block's values with the network's
// bit-exact reference arithmetic, takes the cycles from the fast timing model
// (network_timing.hpp) and writes the results over the output DMA's socket.
#include <algorithm>
#include <stdexcept>
#include <systemc>

#include "fx/fx_type.hpp"
#include "models/engine/network_reference.hpp"
#include "models/network/dma_memory.hpp"
#include "models/network/model_engines.hpp"
#include "models/network/network_timing.hpp"
#include "models/streaming/feature_map_stream.hpp"

namespace fxsim::network {
namespace {

constexpr std::size_t kImagesAtATime = 16;

// Whether some block rounds RND_STOCH: its lanes' generators run on from image to image, so the
// reference must see the whole run in one call (a call starts every lane at its seed).
bool draws_across_images(const engine::NetworkPlan& plan) {
  for (const engine::BlockPlan& b : plan.blocks) {
    if (!b.mvau) continue;
    if (fx::is_stochastic(b.mvau->output.rounding)) return true;
    if (b.mvau->bn && fx::is_stochastic(b.mvau->bn->output.rounding)) return true;
  }
  return false;
}

class FastNetwork : public sc_core::sc_module {
 public:
  InitiatorSocket read_socket, write_socket;

  FastNetwork(const sc_core::sc_module_name& name, const engine::NetworkPlan& plan,
              const engine::NetworkOperands& ops, const NetworkTiming& timing)
      : sc_core::sc_module(name),
        read_socket("read_socket"),
        write_socket("write_socket"),
        plan_(plan),
        ops_(ops),
        timing_(timing) {
    SC_HAS_PROCESS(FastNetwork);
    SC_THREAD(run);
  }

  bool done = false;

 private:
  void run() {
    const engine::MapShape& in = plan_.input();
    const engine::MapShape& out = plan_.output();
    const auto images = static_cast<std::size_t>(ops_.image_count);
    // The images as the input DMA reads them: whole bus words (the last one may be short).
    const auto in_bb = static_cast<std::size_t>(beat_bytes(in));
    const std::size_t in_beats = static_cast<std::size_t>(in.beats()) * images;
    std::vector<unsigned char> bytes(in_beats * in_bb);
    const auto bus = static_cast<std::size_t>(plan_.config.dma.bus_bits / 8);
    for (std::size_t a = 0; a < bytes.size(); a += bus) {
      transport(read_socket, tlm::TLM_READ_COMMAND, a, bytes.data() + a,
                static_cast<unsigned>(std::min(bus, bytes.size() - a)));
    }
    // The values, a few images at a time: the reference keeps every block's map of the images
    // it is given (~170 KB an image for the CNN example), and only the outputs are needed. With
    // stochastic rounding all at once (draws_across_images).
    engine::NetworkOperands read = ops_;
    std::vector<std::int64_t> output;
    output.reserve(static_cast<std::size_t>(out.elements()) * images);
    const std::size_t image_bytes = static_cast<std::size_t>(in.beats()) * in_bb;
    const std::size_t chunk =
        draws_across_images(plan_) ? std::max<std::size_t>(images, 1) : kImagesAtATime;
    for (std::size_t first = 0; first < images; first += chunk) {
      const std::size_t n = std::min(chunk, images - first);
      read.image_count = static_cast<int>(n);
      read.images = unpack_map(bytes.data() + first * image_bytes,
                               n * static_cast<std::size_t>(in.beats()), in);
      const engine::NetworkReference ref = engine::compute_network_reference(plan_, read);
      output.insert(output.end(), ref.output().begin(), ref.output().end());
    }

    wait(sc_core::sc_time(plan_.config.clock_ns, sc_core::SC_NS) *
         static_cast<double>(timing_.cycles));

    // The results, beat after beat, as the output DMA writes them.
    const auto out_bb = static_cast<std::size_t>(beat_bytes(out));
    std::vector<unsigned char> results = pack_map(output, out);
    for (std::size_t a = 0; a < results.size(); a += out_bb) {
      transport(write_socket, tlm::TLM_WRITE_COMMAND, a, results.data() + a,
                static_cast<unsigned>(out_bb));
    }
    done = true;
    sc_core::sc_stop();
  }

  const engine::NetworkPlan& plan_;
  const engine::NetworkOperands& ops_;
  const NetworkTiming& timing_;
};

}  // namespace

EngineRun run_fast_engine(const engine::NetworkPlan& plan, const engine::NetworkOperands& ops,
                          std::uint64_t max_cycles) {
  const engine::MapShape& in = plan.input();
  const engine::MapShape& out = plan.output();
  const auto images = static_cast<std::size_t>(ops.image_count);
  ByteMemory images_memory("image_memory", 0);
  images_memory.bytes() = pack_map(ops.images, in);
  const auto out_bb = static_cast<std::size_t>(beat_bytes(out));
  const std::size_t out_beats = static_cast<std::size_t>(out.beats()) * images;
  ByteMemory results_memory("result_memory", out_beats * out_bb);
  const NetworkTiming timing = simulate_network_timing(plan, ops.image_count, max_cycles);
  FastNetwork top("network", plan, ops, timing);
  top.read_socket.bind(images_memory.socket);
  top.write_socket.bind(results_memory.socket);
  sc_core::sc_start();
  if (!top.done) throw std::runtime_error("network model: the fast engine stopped early");
  EngineRun r;
  r.result.output = unpack_map(results_memory.bytes().data(), out_beats, out);
  r.result.blocks = timing.blocks;
  r.result.dma_full_cycles = timing.dma_full_cycles;
  r.result.dma_empty_cycles = timing.dma_empty_cycles;
  r.result.stepped_cycles = timing.stepped_cycles;
  r.result.skipped_images = timing.skipped_images;
  r.arrival = timing.arrival;
  return r;
}

}  // namespace fxsim::network
