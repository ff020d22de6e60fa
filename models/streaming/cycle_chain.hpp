// A chain of the streaming units' cycle-accurate models run in lock step, as a stitched top
// (models/engine/stitch_top.hpp) wires their RTL: stage i's output stream is stage i + 1's input
// stream, with no register in between. Each cycle settle() propagates valid and data forward
// (a stage's out_valid never depends on its out_ready; a FIFO of depth 0 passes its in_valid
// through) and then ready backward (a FIFO's or max-pool's in_ready may depend on its out_ready);
// edge() is the rising edge of every stage. The reference for the cycle count of a stitched
// chain, and a building block of a whole-network model.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "models/streaming/feature_map_stream.hpp"
#include "models/units/unit_registry.hpp"

namespace fxsim::streaming {

// One unit's cycle model behind the interface the chain needs. Beats are lanes of raw values
// (a FIFO moves them as they are).
class CycleStage {
 public:
  virtual ~CycleStage() = default;
  virtual void reset() = 0;  // a rising edge with rst_n low
  // The outputs of the current cycle, for these inputs.
  virtual bool out_valid(bool in_valid) const = 0;
  virtual const Lanes& out_data(const Lanes& in_data) const = 0;
  virtual bool in_ready(bool out_ready) const = 0;
  // A rising edge out of reset with these inputs.
  virtual void edge(bool in_valid, const Lanes& in_data, bool out_ready) = 0;
  // What the unit shows on its `count` port (stream_fifo's occupancy); 0 for the others.
  virtual int count() const { return 0; }
};

// The cycle model of a streaming unit (stream_fifo, max_pool, sliding_window) at resolved
// parameters; throws units::UnitParamError for another unit.
std::unique_ptr<CycleStage> make_cycle_stage(const std::string& unit,
                                             const units::ParamMap& resolved);

class CycleChain {
 public:
  explicit CycleChain(std::vector<std::unique_ptr<CycleStage>> stages);

  void reset();
  // The combinational signals of the current cycle for the chain's inputs. `in_data` must stay
  // alive until edge().
  void settle(bool in_valid, const Lanes& in_data, bool out_ready);
  bool in_ready() const { return ready_.front(); }
  bool out_valid() const { return valid_.back(); }
  const Lanes& out_data() const { return *data_.back(); }
  void edge();  // every stage's rising edge with the settled signals

  std::size_t size() const { return stages_.size(); }
  const CycleStage& stage(std::size_t i) const { return *stages_[i]; }
  // Settled handshake of the stream into stage i (i == size(): the chain's output).
  bool valid(std::size_t i) const { return valid_[i]; }
  bool ready(std::size_t i) const { return ready_[i]; }

 private:
  std::vector<std::unique_ptr<CycleStage>> stages_;
  std::vector<char> valid_, ready_;  // size() + 1 streams
  std::vector<const Lanes*> data_;
};

}  // namespace fxsim::streaming
