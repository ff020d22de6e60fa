// The operands of a network run and its bit-exact reference (docs/network.md, "Reference"):
// random weights, BN parameters and input images drawn from the network's seed, and every block's
// output map computed by the units' reference arithmetic: a convolution by compute_conv_reference
// (the windows in the sliding window's order through the PE array and bn_act), a dense layer by
// compute_reference on the incoming map flattened in stream order, a max-pool by
// units::max_pool. Both backends are checked against these maps, block by block.
#pragma once

#include <cstdint>
#include <vector>

#include "models/engine/network_plan.hpp"
#include "models/engine/reference.hpp"
#include "models/engine/stimulus.hpp"
#include "models/units/mvau/mvau.hpp"

namespace fxsim::engine {

// One block's stationary parameters (MVAU blocks only: weights, BN scale and bias words as the
// weight memory holds them, out_features x in_features in the window / stream order with zero
// weights on padded lanes) and the images: images x H x W x C raws of the input format.
struct NetworkOperands {
  std::vector<Stimulus> blocks;  // per block; empty vectors for a pool
  std::vector<std::int64_t> images;
  int image_count = 0;
};

// Deterministic: block b's parameters from seed ^ (b + 1) * a constant, the images from their own
// stream, so adding images does not change the weights.
NetworkOperands make_network_operands(const NetworkPlan& plan, int images);

struct NetworkReference {
  // Per block: images x H x W x C raws of its output map (channels fastest), the MAC array's
  // output before bn_act (MVAU blocks; equal to `maps` without bn), and what each rounding /
  // overflow stage saw.
  std::vector<std::vector<std::int64_t>> maps;
  std::vector<std::vector<std::int64_t>> mac_maps;
  std::vector<Coverage> coverage;
  const std::vector<std::int64_t>& output() const { return maps.back(); }
};

NetworkReference compute_network_reference(const NetworkPlan& plan, const NetworkOperands& ops);

// Block b's operands as the mvau unit takes them (its MvauConfig from b.mvau_params): the weight
// matrix (raws, or K-hot terms decoded from the stimulus' term words) and with BN the scales
// (raws or terms) and biases.
units::MvauWeights mvau_weights(const BlockPlan& b, const Stimulus& s);
units::MvauBn mvau_bn(const BlockPlan& b, const Stimulus& s);

// images x H x W x Cp of a map with its channels padded to `padded` with raw zeros (the stream's
// zero lanes), from images x H x W x C.
std::vector<std::int64_t> pad_channels(const std::vector<std::int64_t>& map, int c, int padded);

}  // namespace fxsim::engine
