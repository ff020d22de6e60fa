// Drives a Verilated unit's valid/ready stream and checks it cycle by cycle against the
// contract's pipeline (docs/rtl_units.md), written here independently of the RTL:
//   STAGES slots; advance = !out_valid || out_ready; in_ready = advance;
//   out_valid = the last slot holds a beat that produces a result (a `last` beat of a PE,
//   every beat of bn_act); on advance every slot moves one place and an accepted beat enters.
// Every cycle in_ready and out_valid must match the model exactly, and each result must equal
// the next expected value, in order: so latency, II = 1, stalls, drops and duplicates are all
// checked, under random in_valid gaps and out_ready stalls drawn from a seeded generator.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <deque>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "testbenches/rtl/test_env.hpp"

namespace fxsim::rtl_test {

// One rising edge; inputs are applied while clk is low.
template <typename M>
void tick(M& m) {
  m.clk = 1;
  m.eval();
  m.clk = 0;
  m.eval();
}

template <typename M>
void reset(M& m, int cycles = 2) {
  m.clk = 0;
  m.rst_n = 0;
  m.in_valid = 0;
  m.out_ready = 0;
  m.eval();
  for (int i = 0; i < cycles; ++i) tick(m);
  m.rst_n = 1;
  m.eval();
}

struct StreamOptions {
  int stages = 1;
  double p_valid = 1.0;  // probability in_valid is offered in a cycle
  double p_ready = 1.0;  // probability out_ready is high in a cycle
  std::uint64_t seed = 1;
  int max_reports = 5;  // mismatches reported in full; the rest are only counted
};

struct StreamReport {
  std::uint64_t cycles = 0;
  std::uint64_t results = 0;
  std::uint64_t mismatches = 0;
};

// The contract's pipeline, in slots of "does this beat produce a result".
class ContractPipeline {
 public:
  explicit ContractPipeline(int stages) : slots_(stages, Slot{}) {}
  bool out_valid() const { return slots_.back().valid && slots_.back().produces; }
  bool advance(bool out_ready) const { return !out_valid() || out_ready; }
  // The rising edge; returns whether a result left the pipeline.
  bool edge(bool out_ready, bool in_fire, bool produces) {
    if (!advance(out_ready)) return false;
    const bool left = out_valid();
    for (std::size_t i = slots_.size() - 1; i > 0; --i) slots_[i] = slots_[i - 1];
    slots_[0] = Slot{in_fire, produces};
    return left;
  }

 private:
  struct Slot {
    bool valid = false;
    bool produces = false;
  };
  std::vector<Slot> slots_;
};

// Runs `beats` through model m (reset first) and checks every cycle. Drive(m, beat) sets the data
// inputs of one beat (and in_start / in_last); Produces(beat) says whether it yields a result;
// Read(m) returns the current result as something comparable with ==, printable with <<.
template <typename M, typename Beat, typename Expected, typename Drive, typename Produces,
          typename Read>
StreamReport run_stream(M& m, const std::vector<Beat>& beats, const std::vector<Expected>& expected,
                        const StreamOptions& opt, Drive drive, Produces produces, Read read) {
  const int model_stages = opt.stages + (inject("latency") ? 1 : 0);
  ContractPipeline model(model_stages);
  std::mt19937_64 rng(opt.seed);
  std::bernoulli_distribution offer(opt.p_valid), ready(opt.p_ready);
  StreamReport rep;
  reset(m);
  if (m.out_valid != 0 || m.in_ready != 1) {
    ++rep.mismatches;
    ADD_FAILURE() << "after reset: out_valid=" << int(m.out_valid)
                  << " in_ready=" << int(m.in_ready) << ", expected 0 and 1";
  }
  auto report = [&](const std::string& what) {
    if (++rep.mismatches <= static_cast<std::uint64_t>(opt.max_reports)) {
      ADD_FAILURE() << "cycle " << rep.cycles << ": " << what;
    }
  };
  std::size_t next_in = 0, next_out = 0;
  const std::uint64_t limit =
      20 + 4 * (beats.size() + 1) * (model_stages + 1) / std::max(0.01, opt.p_valid * opt.p_ready);
  while (next_out < expected.size() && rep.cycles < limit) {
    const bool v = next_in < beats.size() && offer(rng);
    const bool r = ready(rng);
    // While in_valid is low the data inputs carry another beat's values: they must be ignored.
    drive(m, beats[v ? next_in : rng() % beats.size()]);
    m.in_valid = v;
    m.out_ready = r;
    m.eval();
    if (bool(m.in_ready) != model.advance(r)) {
      report("in_ready=" + std::to_string(int(m.in_ready)) + ", contract says " +
             std::to_string(int(model.advance(r))));
    }
    if (bool(m.out_valid) != model.out_valid()) {
      report("out_valid=" + std::to_string(int(m.out_valid)) + ", contract says " +
             std::to_string(int(model.out_valid())) + " (result " + std::to_string(next_out) + ")");
    }
    if (m.out_valid && next_out < expected.size()) {
      const auto got = read(m);
      if (!(got == expected[next_out])) {
        std::ostringstream s;
        s << "result " << next_out << " mismatch: rtl " << got << ", expected "
          << expected[next_out];
        report(s.str());
      }
    }
    const bool fire_in = v && model.advance(r);
    const bool produced = fire_in && produces(beats[next_in]);
    if (model.edge(r, fire_in, produced)) {
      ++next_out;
      ++rep.results;
    }
    if (fire_in) ++next_in;
    tick(m);
    ++rep.cycles;
  }
  if (next_out != expected.size()) {
    report("only " + std::to_string(next_out) + " of " + std::to_string(expected.size()) +
           " results after " + std::to_string(rep.cycles) + " cycles");
  }
  return rep;
}

}  // namespace fxsim::rtl_test
