#include "testbenches/env/network_yosys.hpp"

#include "models/engine/network_stitch.hpp"
#include "synth/synthesize.hpp"

namespace fxsim::env {
namespace {

resources::ResourceEstimate estimate_of(const synth::SynthResult& r) {
  resources::ResourceEstimate e;
  e.lut = r.counts.logic_luts() + r.counts.srl;  // as `fxsim synth` counts LUTs
  e.ff = r.counts.ff;
  e.carry = r.counts.carry();
  e.dsp = r.counts.dsp();
  e.bram18 = r.counts.bram18;
  e.bram36 = r.counts.bram36;
  e.bram = e.bram18 + e.bram36;
  e.lutram = r.counts.lutram;
  e.lut_equivalent = resources::lut_equivalent(e.lut, e.dsp);
  return e;
}

}  // namespace

engine::NetworkCost network_yosys_cost(const engine::NetworkPlan& plan, resources::Family family,
                                       const std::function<void(const std::string&)>& progress) {
  synth::SynthOptions options;
  options.on_yosys_run = progress;
  engine::NetworkCost cost;
  cost.blocks.resize(plan.blocks.size());
  // The stitched chain names every unit instance of the network with its block (b<i>_...).
  for (const engine::StitchStage& st : engine::network_stitch_plan(plan).stages) {
    const std::size_t b = std::stoul(st.instance.substr(1, st.instance.find('_') - 1));
    const resources::ResourceEstimate e =
        estimate_of(synth::synthesize({st.unit, st.params, family, true}, options));
    engine::BlockCost& bc = cost.blocks[b];
    bc.name = plan.blocks[b].layer.name;
    if (st.unit == "stream_fifo") {
      bc.fifo += e;
    } else if (st.unit == "mvau") {
      bc.mvau += e;  // the PE array, bn_act and the weight memory in one unit
    } else {
      bc.stream_unit += e;
    }
    cost.total += e;
  }
  return cost;
}

}  // namespace fxsim::env
