// Mismatch localisation (docs/network.md, "Mismatch localisation"): where a network run first
// departs from the network reference, from the maps a backend's taps recorded (every block's
// output stream, and the MAC array's results before bn_act in a BN block): the block, the image,
// the output position, the first pipeline stage whose raw differs, both raws, and the rounding /
// overflow event the reference value went through at that stage, recomputed from the block's
// reference input with the units' arithmetic (models/units).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "models/engine/network_plan.hpp"
#include "models/engine/network_reference.hpp"

namespace fxsim::engine {

// The stages a block's raws pass through, in pipeline order.
enum class MismatchStage { ACCUMULATOR, MAC_REQUANTIZER, BN, ACTIVATION, POOL };
// "accumulator", "MAC requantizer", "BN", "activation", "pool".
const char* to_string(MismatchStage s);

struct MismatchLocation {
  int block = 0;
  std::string block_name, kind;  // the layer's name and kind (conv, dense, pool)
  int image = 0, y = 0, x = 0, c = 0;
  MismatchStage stage = MismatchStage::POOL;
  // The raws at the observed point of the stage: the MAC array's output (accumulator, MAC
  // requantizer) or the block's output (BN, activation, pool), and their format.
  std::int64_t expected = 0, got = 0;
  std::string format;
  // What the reference value went through at that stage ("a tie, rounded RND_CONV", "saturated
  // SAT", "the accumulator wrapped at ACC_W = 12 bits", "relu changed -3 to 0", ...).
  std::string event;
  // Values of the block's map at that observed point that differ (all images).
  std::uint64_t differing = 0;
};

// The maps a backend observed: per block its output map and, for BN blocks, its MAC map (empty
// for the others), both images x H x W x C raws like NetworkReference's.
struct ObservedMaps {
  const std::vector<std::vector<std::int64_t>>* block_maps = nullptr;
  const std::vector<std::vector<std::int64_t>>* mac_maps = nullptr;
};

// The first block in stream order whose MAC map (BN blocks) or output map differs from the
// reference (later blocks only inherit), at its first differing value; nullopt when every map
// equals the reference. Throws std::invalid_argument when the maps do not cover every block.
//
// The stage:
//   - a pool block: pool;
//   - the MAC map differs (a BN block's MAC map, or the output of a block without BN): MAC
//     requantizer when the got raw is the reference accumulator (recomputed beat by beat through
//     units::Accumulator, ACC_W wrap / saturation included) requantized to the MAC output format
//     under some rounding and overflow mode, so that only the requantizer can explain it;
//     accumulator otherwise (no requantization of the right sum gives it);
//   - a BN block whose MAC map equals the reference but whose output differs (bn_act recomputed
//     from the reference MAC raw): BN when the got raw is the configured activation of bn_act's
//     sum requantized under some rounding and overflow mode (BN's requantizer comes first in the
//     pipeline); activation when, not so, it is the right requantized raw with no activation or
//     another one; BN otherwise (the scale or bias product).
std::optional<MismatchLocation> localise_mismatch(const NetworkPlan& plan,
                                                  const NetworkOperands& ops,
                                                  const NetworkReference& ref,
                                                  const ObservedMaps& observed);

// One line: `block conv0 (conv), image 1, pixel (y 3, x 5), channel 2, stage MAC requantizer:
// expected 17, got 18 (fixed<8,3,RND_CONV,SAT>; reference: a tie, rounded RND_CONV); 4 values
// of the stage differ`.
std::string describe(const MismatchLocation& m);

}  // namespace fxsim::engine
