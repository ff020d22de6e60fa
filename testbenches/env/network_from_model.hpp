// A trained model file as a streaming network (docs/network.md, "From a trained model"): the
// description `fxsim network-from-model` writes (one dense block per layer of the model, with
// the layer's formats and bn_act, at the folding given on the command line), and, when a
// description names a model file ([network] model), the run's operands taken from it: the trained
// weights, BN scales and biases, and the first images of its golden test set, after the
// description's layers are checked against the model's. The golden logits stored in the model
// file then check the network's outputs, as `fxsim verify` checks the layer engine's.
// This layer may read both golden/ and models/engine; models/engine does not know model files.
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "golden/model_file.hpp"
#include "models/engine/network_config.hpp"
#include "models/engine/network_plan.hpp"
#include "models/engine/network_reference.hpp"

namespace fxsim::env {

// A folding that does not fit the model; what() starts with the option it is about
// ("--pe: 3 does not divide fc1's 16 outputs; expected one of 1, 2, 4, 8, 16").
class ModelFoldingError : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

// The command line of `fxsim network-from-model`.
struct ModelFolding {
  // PE of each layer: one value for every layer, or one per layer (--pe 4,2).
  std::vector<int> pe = {1};
  // Channels a beat of the input stream, i.e. the first layer's SIMD; 0: the model's own SIMD
  // of its first layer. A later layer's SIMD is the previous layer's PE (the stream's lanes).
  int simd = 0;
  int fifo_depth = 2;  // of every block
  int images = 0;      // [network] images; 0: min(golden images, kDefaultImages), 1 without
  std::string name;    // [network] name; "" the model file's stem
  // The model file and the golden images' directory as the description names them (relative to
  // its own directory, or absolute); model_data "" leaves the default.
  std::string model_ref;
  std::string model_data_ref;
};

inline constexpr int kDefaultImages = 100;

// The description of `file` at `folding` (throws ModelFoldingError), checked by plan_network
// and against the model (check_against_model).
engine::NetworkConfig network_from_model(const golden::ModelFile& file,
                                         const ModelFolding& folding);

// The TOML text of a description network_from_model made (dense layers; a header comment
// `comment` and [network] model = folding.model_ref).
std::string network_toml(const engine::NetworkConfig& cfg, const ModelFolding& folding,
                         const std::string& comment);

// True when no partial sum of `layer` can leave its accumulator's range, whatever the order of
// the products (sum of |w| x the largest |input| of the input type, per output): then the SIMD
// the layer was trained with (the beats after which its accumulator saturates or wraps) can be
// changed without changing a bit of its outputs.
bool accumulation_order_free(const golden::DenseLayer& layer);

// Throws engine::NetworkFileError `SOURCE:LINE: layer[i].key: expected ..., got ...` for the first
// key of the plan that differs from the model: the layer count, a block that is not dense, the
// input size and format, outputs, weight, accumulator and output formats, bn_act (scale, bias,
// output, activation, clip), and a SIMD other than the model's where the order matters.
void check_against_model(const engine::NetworkPlan& plan, const golden::ModelFile& file);

// What a network run takes from its model file.
struct ModelNetwork {
  engine::NetworkOperands ops;
  std::optional<golden::GoldenResults> golden;  // the first `images` of them
  int classes = 0;                              // the last layer's outputs
};

// The model file the plan names, checked against the plan, as operands for `images` images:
// each block's weights (out x H*W*Cp in stream order, zero on padded lanes), BN scale words
// (K-hot terms packed as the mvau reads them) and biases; the images from the golden test set
// (pixel bytes as raws of the input type) or, without golden results, the seed's. Throws
// engine::NetworkFileError (the model file unreadable, a mismatch, more images than the golden
// results hold, the IDX file missing).
ModelNetwork load_model_network(const engine::NetworkPlan& plan, int images);

// The operands of a run: load_model_network's with [network] model, else the seed's
// (engine::make_network_operands).
engine::NetworkOperands network_operands(const engine::NetworkPlan& plan, int images);

// The network's logits against the golden logits, raw for raw, and the top-1 counts (the first
// maximum against the label) of both.
struct GoldenLogitCheck {
  int images = 0;
  std::uint64_t mismatches = 0;  // logits that differ (or are missing)
  int first_mismatch_image = -1;
  int correct = 0, golden_correct = 0;
  double accuracy() const { return images ? static_cast<double>(correct) / images : 0.0; }
  double golden_accuracy() const {
    return images ? static_cast<double>(golden_correct) / images : 0.0;
  }
};
GoldenLogitCheck check_golden_logits(const golden::GoldenResults& golden,
                                     const std::vector<std::int64_t>& logits, int classes,
                                     int images);

}  // namespace fxsim::env
