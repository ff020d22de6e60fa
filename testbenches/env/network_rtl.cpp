#include "testbenches/env/network_rtl.hpp"

#include <stdexcept>
#include <string>

#include "models/engine/network_stitch.hpp"
#include "models/streaming/feature_map_stream.hpp"
#include "tlm/rtl/stitched_driver.hpp"
#include "tlm/rtl/verilated/port_image.hpp"

namespace fxsim::env {

network::NetworkRunResult run_network_rtl(const engine::NetworkPlan& plan,
                                          const engine::NetworkOperands& ops,
                                          std::uint64_t max_cycles) {
  const engine::MapShape& in = plan.input();
  const engine::MapShape& out = plan.output();
  tlm_rtl::StitchedDriver driver(engine::network_stitch_plan(plan));

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
  r.dma_full_cycles = dma.full_cycles();
  r.dma_empty_cycles = dma.empty_cycles();
  return r;
}

}  // namespace fxsim::env
