#include "models/streaming/weight_mem_model.hpp"

namespace fxsim::streaming {

WeightMemModel::WeightMemModel(const units::WeightMemConfig& cfg)
    : cfg_(cfg), mem_(cfg), q_(cfg.words_per_beat(), 0) {}

void WeightMemModel::clock(const WeightMemInputs& in) {
  ++cycles_;
  const bool advance = !valid_ || in.out_ready;
  const bool read = advance && in.run;
  if (valid_ && in.out_ready) ++sent_;
  if (read) q_ = mem_.row(rd_addr_);  // before this edge's write: read-first
  if (!in.rst_n) {
    valid_ = false;
    rd_addr_ = 0;
  } else if (advance) {
    valid_ = in.run;
    if (in.run) rd_addr_ = rd_addr_ == cfg_.depth - 1 ? 0 : rd_addr_ + 1;
  }
  if (in.wr_en) mem_.write(in.wr_addr, in.wr_data);
}

WeightMemModule::WeightMemModule(const sc_core::sc_module_name& name,
                                 const units::WeightMemConfig& cfg)
    : sc_core::sc_module(name),
      wr_data("wr_data", static_cast<std::size_t>(cfg.words_per_beat())),
      out_data("out_data", static_cast<std::size_t>(cfg.words_per_beat())),
      model_(cfg) {
  in_.wr_data.assign(cfg.words_per_beat(), 0);
  SC_HAS_PROCESS(WeightMemModule);
  SC_METHOD(on_clock);
  sensitive << clk.pos();
  dont_initialize();
}

void WeightMemModule::on_clock() {
  in_.rst_n = rst_n.read();
  in_.run = run.read();
  in_.wr_en = wr_en.read();
  in_.wr_addr = wr_addr.read();
  in_.out_ready = out_ready.read();
  if (in_.wr_en) {
    for (std::size_t i = 0; i < wr_data.size(); ++i) in_.wr_data[i] = wr_data[i].read();
  }
  model_.clock(in_);
  out_valid.write(model_.out_valid());
  const units::WeightBeat& q = model_.out_data();
  for (std::size_t i = 0; i < out_data.size(); ++i) out_data[i].write(q[i]);
}

}  // namespace fxsim::streaming
