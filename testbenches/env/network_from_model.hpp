// A trained model file as a streaming network (docs/network.md, "From a trained model"): the
// description `fxsim network-from-model` writes (a block per layer of the model: a conv layer a
// conv block (sliding window + MVAU), a max-pool layer a pool block, a dense layer a dense block,
// each with the layer's formats and bn_act, at the folding given on the command line or chosen by
// the auto-folding rule), and, when a description names a model file ([network] model), the
// run's operands taken from it: the trained weights, BN scales and biases, and the first images
// of its golden test set, after the description's layers are checked against the model's. The
// golden logits stored in the model file then check the network's outputs, as `fxsim verify`
// checks the layer engine's.
// This layer may read both golden/ and models/engine; models/engine does not know model files.
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "golden/model_file.hpp"
#include "models/engine/network_config.hpp"
#include "models/engine/network_folding.hpp"
#include "models/engine/network_plan.hpp"
#include "models/engine/network_reference.hpp"

namespace fxsim::env {

// A folding that does not fit the model; what() starts with the option it is about
// ("--pe: 3 does not divide fc1's 16 outputs; expected one of 1, 2, 4, 8, 16").
class ModelFoldingError : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

// The command line of `fxsim network-from-model` (and of `fxsim verify --engine network`).
struct ModelFolding {
  // PE of each conv / dense layer (a pool has none): one value for every such layer, or one per
  // such layer (--pe 4,2). Empty: the model's own lanes, each layer's PE the SIMD of the next
  // conv / dense layer of the model (the largest divisor of its outputs up to that), the last
  // layer's 1.
  std::vector<int> pe = {1};
  // Channels a beat of the input stream, i.e. the first conv / dense layer's SIMD; 0: the model's
  // own SIMD of that layer. A later layer's SIMD is the previous conv / dense layer's PE (the
  // stream's lanes; a pool passes them on).
  int simd = 0;
  // The auto-folding rule instead of pe / simd (engine::fold_network: a target interval, or a
  // LUT-equivalent / DSP budget), restricted to the SIMDs the model allows (a layer whose
  // accumulator can overflow keeps its trained SIMD). An infeasible goal is a ModelFoldingError
  // naming the smallest reachable interval or the cheapest folding.
  std::optional<engine::FoldingGoal> goal;
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

// The TOML text of a description network_from_model made (its conv, pool and dense layers; a
// header comment
// `comment` and [network] model = folding.model_ref).
std::string network_toml(const engine::NetworkConfig& cfg, const ModelFolding& folding,
                         const std::string& comment);

// True when no partial sum of `layer` can leave its accumulator's range, whatever the order of
// the products (sum of |w| x the largest |input| of the input type, per output): then the SIMD
// the layer was trained with (the beats after which its accumulator saturates or wraps) can be
// changed without changing a bit of its outputs.
bool accumulation_order_free(const golden::DenseLayer& layer);

// Throws engine::NetworkFileError `SOURCE:LINE: layer[i].key: expected ..., got ...` for the first
// key of the plan that differs from the model: the layer count, a block of another kind than its
// layer, the input map and format; a conv block's channels, kernel, stride and padding; a pool
// block's size; a conv / dense block's outputs, engine, weight, accumulator and output formats,
// bn_act (scale, bias, output, activation, clip), and a SIMD (or a padding of the stream's lanes)
// that changes the model's accumulation order where the order matters.
void check_against_model(const engine::NetworkPlan& plan, const golden::ModelFile& file);

// Each block's stationary operands from the model (checked against the plan first): weights as
// the MVAU reads them (out x in, a conv layer's window-order raws re-laid for the stream's padded
// channels, a dense layer's flattened YXC inputs spread over the stream's H x W x Cp elements,
// zero on padded lanes; K-hot weights also as term words), BN scale words (K-hot terms packed as
// the mvau reads them) and biases; empty for a pool.
std::vector<engine::Stimulus> model_block_operands(const engine::NetworkPlan& plan,
                                                   const golden::ModelFile& file);

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
// The same from a model held in memory (a sweep point's requantized model, requantize_model.hpp)
// instead of the file the plan names.
ModelNetwork load_model_network(const engine::NetworkPlan& plan, int images,
                                const golden::ModelFile& file);

// The pixel bytes of the first `images` golden test images `g` names (count x the plan's input
// elements), from the plan's [network] model_data directory (default: the Fashion-MNIST one).
// Throws engine::NetworkFileError (more images than `g` holds, the IDX file missing or short).
std::vector<std::uint8_t> golden_pixels(const engine::NetworkPlan& plan,
                                        const golden::GoldenResults& g, int images);

// The operands of a run: load_model_network's with [network] model, else the seed's
// (engine::make_network_operands).
engine::NetworkOperands network_operands(const engine::NetworkPlan& plan, int images);

// The network's logits against the golden logits, raw for raw, and the top-1 counts (the first
// maximum against the label) of both.
struct GoldenLogitCheck {
  int images = 0;
  std::uint64_t mismatches = 0;  // logits that differ (or are missing)
  std::uint64_t images_with_mismatch = 0;
  int first_mismatch_image = -1;  // and its class, the golden raw and the network's (0: missing)
  int first_mismatch_class = -1;
  std::int64_t first_expected = 0, first_got = 0;
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
