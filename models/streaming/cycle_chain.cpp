#include "models/streaming/cycle_chain.hpp"

#include "models/streaming/max_pool_model.hpp"
#include "models/streaming/sliding_window_model.hpp"
#include "models/streaming/stream_fifo_model.hpp"

namespace fxsim::streaming {
namespace {

class FifoStage final : public CycleStage {
 public:
  explicit FifoStage(const units::StreamFifoConfig& cfg) : m_(cfg) {}
  void reset() override { m_.reset(); }
  bool out_valid(bool in_valid) const override { return m_.out_valid(in_valid); }
  const Lanes& out_data(const Lanes& in_data) const override {
    return m_.config().depth == 0 ? in_data : m_.out_data(in_).values;
  }
  bool in_ready(bool out_ready) const override { return m_.in_ready(out_ready); }
  void edge(bool in_valid, const Lanes& in_data, bool out_ready) override {
    if (in_valid) in_.values = in_data;  // the model reads the beat only when it is offered
    m_.edge(in_valid, in_, out_ready);
  }
  int count() const override { return m_.count(); }

 private:
  StreamFifoModel m_;
  StreamData in_;  // the beat as the FIFO model takes it
};

class MaxPoolStage final : public CycleStage {
 public:
  explicit MaxPoolStage(const units::MaxPoolConfig& cfg) : m_(cfg) {}
  void reset() override { m_.reset(); }
  bool out_valid(bool) const override { return m_.out_valid(); }
  const Lanes& out_data(const Lanes&) const override { return m_.out_data(); }
  bool in_ready(bool out_ready) const override { return m_.in_ready(out_ready); }
  void edge(bool in_valid, const Lanes& in_data, bool out_ready) override {
    m_.edge(in_valid, in_data, out_ready);
  }

 private:
  MaxPoolModel m_;
};

class SlidingWindowStage final : public CycleStage {
 public:
  explicit SlidingWindowStage(const units::SlidingWindowConfig& cfg) : m_(cfg) {}
  void reset() override { m_.reset(); }
  bool out_valid(bool) const override { return m_.out_valid(); }
  const Lanes& out_data(const Lanes&) const override { return m_.out_data(); }
  bool in_ready(bool) const override { return m_.in_ready(); }
  void edge(bool in_valid, const Lanes& in_data, bool out_ready) override {
    m_.edge(in_valid, in_data, out_ready);
  }

 private:
  SlidingWindowCore m_;
};

}  // namespace

std::unique_ptr<CycleStage> make_cycle_stage(const std::string& unit,
                                             const units::ParamMap& resolved) {
  if (unit == "stream_fifo") {
    return std::make_unique<FifoStage>(units::StreamFifoConfig::from(resolved));
  }
  if (unit == "max_pool")
    return std::make_unique<MaxPoolStage>(units::MaxPoolConfig::from(resolved));
  if (unit == "sliding_window") {
    return std::make_unique<SlidingWindowStage>(units::SlidingWindowConfig::from(resolved));
  }
  throw units::UnitParamError("no cycle model of unit \"" + unit +
                              "\" for a chain; known: stream_fifo, max_pool, sliding_window");
}

CycleChain::CycleChain(std::vector<std::unique_ptr<CycleStage>> stages)
    : stages_(std::move(stages)),
      valid_(stages_.size() + 1, 0),
      ready_(stages_.size() + 1, 0),
      data_(stages_.size() + 1, nullptr) {}

void CycleChain::reset() {
  for (auto& s : stages_) s->reset();
}

void CycleChain::settle(bool in_valid, const Lanes& in_data, bool out_ready) {
  const std::size_t n = stages_.size();
  valid_[0] = in_valid;
  data_[0] = &in_data;
  for (std::size_t i = 0; i < n; ++i) {
    valid_[i + 1] = stages_[i]->out_valid(valid_[i] != 0);
    data_[i + 1] = &stages_[i]->out_data(*data_[i]);
  }
  ready_[n] = out_ready;
  for (std::size_t i = n; i-- > 0;) ready_[i] = stages_[i]->in_ready(ready_[i + 1] != 0);
}

void CycleChain::edge() {
  // Downstream first: stage i + 1 samples stage i's output register before stage i's edge
  // replaces it (the nonblocking assignments of the RTL).
  for (std::size_t i = stages_.size(); i-- > 0;) {
    stages_[i]->edge(valid_[i] != 0, *data_[i], ready_[i + 1] != 0);
  }
}

}  // namespace fxsim::streaming
