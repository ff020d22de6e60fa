// The ap_fixed vectors (testbenches/fx/data/ap_fixed_vectors.csv) on the hardware: a test top
// module, generated from the file, with one fx_requant (AP = 1) per type of the vectors, all fed
// the same input. The input is each vector's double as an exact raw integer of kInW bits with
// kInFrac fraction bits: wide enough that every double of the file is one (|x| < 2^19, and no
// set bit below 2^-56), so every line of the file reaches the requantizer unchanged.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "fx/fx_type.hpp"
#include "testbenches/common/ap_vectors.hpp"
#include "tlm/rtl/verilated/variant_sources.hpp"

namespace fxsim::rtl_test {

inline constexpr int kApVectorsInW = 80;
inline constexpr int kApVectorsInFrac = 58;

// One requantizer of the wrapper: its type and where its outputs sit in dout / flags.
struct ApVectorLane {
  std::string type;  // the file's spelling
  fx::FxType t;
  int dout_lsb = 0;   // dout[dout_lsb +: t.width]
  int flags_lsb = 0;  // flags[flags_lsb +: 3] = {overflow, tie, inexact}
};

struct ApVectorsTop {
  std::vector<ApVectorLane> lanes;  // sorted by type
  verilated::TopWrapper wrapper;    // module fx_requant_ap_vectors (din, dout, flags)
};

// Reads the vectors' types and generates the module.
ApVectorsTop ap_vectors_top(const std::vector<apvec::ApVector>& vectors);
// ap_vectors_top of the file at FXSIM_AP_VECTORS_CSV (read once).
const ApVectorsTop& ap_vectors_top();
const std::vector<apvec::ApVector>& ap_vectors();

// x * 2^kApVectorsInFrac as an exact kApVectorsInW-bit two's-complement integer (low 64 bits,
// high bits), or nullopt when x is not one.
struct WideRaw {
  std::uint64_t low = 0, high = 0;
};
std::optional<WideRaw> ap_vectors_input(double x);

}  // namespace fxsim::rtl_test
