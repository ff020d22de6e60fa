// A sweep file (docs/sweeps.md): the workload, the axes of the design space, how to sample it,
// the constraints that prune points, what to verify on RTL and what to trace. Read with
// load_sweep_file / parse_sweep; every key is checked before any point runs and an error names
// FILE:LINE:COLUMN and the key.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "fx/fx_type.hpp"
#include "fx/khot.hpp"
#include "models/engine/engine_config.hpp"
#include "models/resources/family.hpp"
#include "models/units/bn_act/bn_act.hpp"

namespace fxsim::explore {

// `FILE:LINE:COLUMN: key: what was expected`.
struct SweepFileError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct Location {
  int line = 0;
  int column = 0;
};

enum class Sampling { GRID, RANDOM };
enum class WorkloadKind { RANDOM, LAYER, MODEL, NETWORK };
// fx_mac_lut = the fx_mac engine mapped with synth_xilinx -nodsp (multipliers in LUTs): same
// values and cycles as fx_mac, other resources. int = an affine integer layer: the fx_mac engine
// on integers with int_requant after it instead of bn_act (explore/int_point.hpp). binary /
// ternary = the float layer's weights quantized by fx::quantize_bipolar (one scale for the
// tensor) on the engine's xnor_pe array (explore/bipolar_point.hpp); xnor = binary weights and
// binary activations (sign of the input, one scale mean |x| for the tensor) on xnor_pe MODE 0.
enum class UnitKind { FX_MAC, FX_MAC_LUT, KHOT, SPT, INT, BINARY, TERNARY, XNOR };
// What follows the array of a binary / ternary / xnor point: bn_act (or nothing, bn = "none") or
// the engine's [threshold] unit of T levels (explore/threshold_point.hpp). The other kinds take
// bn_act only.
enum class ActivationUnit { BN_ACT, THRESHOLD };
// int points: the weights' scales, one for the tensor or one per output channel.
enum class AffineWeights { PER_TENSOR, PER_CHANNEL };
// int points: how the accumulators become outputs, int_requant's M0 x 2^-(B+n) or PyTorch's
// float32 multiplier (no RTL: the outputs come from fx::requantize_float).
enum class RequantMethod { INTEGER, FLOAT };
enum class BnScaleKind { NONE, FIXED, KHOT };
enum class RtlCheckMode { NONE, ALL, SAMPLE };

// The names sweep files use, in the order messages list them.
const std::vector<std::pair<std::string, UnitKind>>& unit_kind_names();
const std::vector<std::pair<std::string, BnScaleKind>>& bn_scale_kind_names();
const std::vector<std::pair<std::string, AffineWeights>>& affine_weights_names();
const std::vector<std::pair<std::string, RequantMethod>>& requant_method_names();
const std::vector<std::pair<std::string, ActivationUnit>>& activation_unit_names();
const char* to_string(UnitKind k);  // "fx_mac", "fx_mac_lut", "khot", "spt", "int", "binary", ...
const char* to_string(BnScaleKind k);     // "none", "fixed", "khot"
const char* to_string(AffineWeights a);   // "per_tensor", "per_channel"
const char* to_string(RequantMethod m);   // "integer", "float"
const char* to_string(ActivationUnit u);  // "bn_act", "threshold"

// Values of one axis with the place of each in the file (for errors about one value).
template <typename T>
struct Axis {
  std::vector<T> values;
  std::vector<Location> where;  // one per value
  Location key;                 // the axis key; [axes] table when the axis is absent
};

// kind = "network": the axes of one block, [axes.layer.<name>] (docs/sweeps.md, "Network
// workloads"); an absent axis leaves the block to the global axis, or to its own value.
struct LayerAxes {
  std::string layer;  // the block's name in the network
  int block = 0;      // its index in the chain
  Location table;     // of [axes.layer.<name>]
  Axis<int> pe;
  Axis<fx::FxType> weight;
  Axis<int> k;
  Axis<BnScaleKind> bn;
};

// kind = "network": the axes of the whole network besides the engine axes of Axes (kind, weight,
// k, pe, mac_stages, bn, clock_ns, family, each applied to every MVAU block when given).
struct NetworkAxes {
  Axis<int> input_simd;  // the input stream's lanes (the first block's SIMD)
  Axis<int> fifo_depth;  // every block's stream FIFO
  // A target initiation interval (cycles an image): the folding (input_simd and every PE) comes
  // from engine::fold_network. Empty: the folding of the description and the pe axes.
  Axis<std::int64_t> target_interval;
  std::vector<LayerAxes> layers;  // in block order
  // Which global axes the file gives (absent ones leave every block its own value).
  bool kind = false, weight = false, k = false, pe = false, mac_stages = false, bn = false,
       clock_ns = false;
};

struct Axes {
  Axis<UnitKind> kind;
  Axis<fx::FxType> activation;
  Axis<fx::FxType> weight;  // fixed<W,I>; khot / spt points take its W and I with the k axis
  Axis<std::optional<fx::FxType>> accumulator;  // nullopt: "default" (exact, WRAP)
  Axis<fx::FxType> output;
  Axis<int> k;  // K of khot / spt points (not applied to fx_mac kinds)
  // int points only (a value each for the other kinds, which ignore them).
  Axis<AffineWeights> affine_weights;
  Axis<RequantMethod> requant;
  Axis<fx::Rounding> rounding;  // empty: output's own mode
  // The axis was given as `output_rounding`: its mode applies to the bn output as well (fx_mac,
  // fx_mac_lut, khot, spt points; docs/sweeps.md, "Rounding axis").
  bool rounding_bn = false;
  Axis<fx::Overflow> overflow;  // empty: output's own mode
  Axis<int> pe, simd, mac_stages;
  Axis<BnScaleKind> bn;
  // binary / ternary / xnor points only: bn_act or threshold after the array, and T of the
  // threshold points.
  Axis<ActivationUnit> activation_unit;
  Axis<int> thresholds;
  Axis<double> clock_ns;
  Axis<resources::Family> family;
  // kind = "model" without a weight axis: every layer keeps its own weight format (the weight
  // axis then holds the first layer's, for the point's columns).
  bool model_weights = false;
  // kind = "model" without a bn axis: every layer keeps its own bn_act (scale kind included).
  bool model_bn = false;
  NetworkAxes network;  // kind = "network" only
};

// The bn_act of points with bn != "none" (the [bn] table).
struct BnSpec {
  // bn = "fixed": the engine's default [bn] scale; bn = "khot": the K-hot scale of the same
  // width and integer bits with K = 2.
  fx::FxType scale = std::get<fx::FxType>(engine::BnConfig{}.scale);
  fx::KhotType khot_scale = fx::KhotType::make(fx::KhotKind::KHOT, scale.width, scale.int_bits, 2);
  fx::FxType bias = engine::BnConfig{}.bias;
  fx::FxType output = engine::BnConfig{}.output;
  units::Activation activation = units::Activation::RELU;
  double clip = 0.0;
  int stages = engine::Hardware{}.bn_stages;
  // The float layer's BN parameters are drawn uniformly from these ranges.
  double scale_min = 0.5, scale_max = 1.5;
  double bias_min = -0.25, bias_max = 0.25;
};

// The [requant] table: int_requant's knobs for int points (docs/sweeps.md, "Affine integer
// points").
struct RequantSpec {
  int m0_bits = engine::RequantConfig{}.m0_bits;
  fx::IntegerRounding rounding = engine::RequantConfig{}.rounding;
  int stages = engine::RequantConfig{}.stages;
};

struct LayerSource;    // explore/layer_workload.hpp
struct NetworkSource;  // explore/network_workload.hpp

struct Workload {
  WorkloadKind kind = WorkloadKind::RANDOM;
  // kind = "layer": taken from the model layer (in, out) and `images` (batch); kind = "model":
  // the model's first layer's in_features, its last layer's out_features, `images`.
  int in_features = 784;
  int out_features = 128;
  int batch = 1;
  engine::Distribution distribution = engine::Distribution::UNIFORM;
  // The float layer: weights and inputs drawn from these ranges (uniform: the range; normal:
  // mean at its centre, sigma = range / 4, unclamped).
  double weight_min = -0.125, weight_max = 0.125;
  double input_min = 0.0, input_max = 1.0;
  // kind = "layer": a layer of a golden model file (golden/model_file.hpp) fed with its golden
  // test images, loaded and checked by parse_sweep (docs/sweeps.md, "Layer workloads");
  // kind = "model": every layer of it, one engine per layer (docs/sweeps.md, "Model workloads").
  std::string model;  // as written in the file
  int layer = 0;      // index into the model's layers
  int images = 100;   // the first N golden test images (`images = 0` in the file: all of them)
  std::string data_dir = "/usr/share/datasets/fashion-mnist";  // as written
  std::shared_ptr<const LayerSource> source;  // null for kind = "random"; layer 0 for "model"
  // kind = "network": the description file (`network`, as written) or the model file (`model`)
  // it is built from, parsed and planned by parse_sweep; null for the other kinds.
  std::string network;
  std::shared_ptr<const NetworkSource> network_source;
};

// "metric op number", e.g. "lut_equivalent <= 20000", on the analytical estimate of a point.
struct Constraint {
  std::string text;  // as written
  std::string metric;
  std::string op;  // <=, <, >=, >, ==, !=
  double value = 0;
  Location where;
};

struct TraceSpec {
  std::vector<std::int64_t> points;  // point ids to trace
  std::vector<Location> where;       // of each id in the file
  bool csv = true;                   // DIR/traces/point_<id>.csv (transaction trace)
  bool vcd = true;                   // DIR/traces/point_<id>_model.vcd (and _rtl.vcd)
};

struct SweepSpec {
  std::string path;  // as given
  std::string text;  // the file's bytes
  // SHA-256 of the file's bytes; for a layer workload of the file's bytes, then the model
  // file's bytes, then the pixel bytes of the images used (a changed model is another sweep).
  std::string sha256;
  std::string name;
  std::uint64_t seed = 1;
  Sampling sampling = Sampling::GRID;
  std::int64_t samples = 0;  // random sampling
  RtlCheckMode rtl_check = RtlCheckMode::NONE;
  std::int64_t rtl_samples = 0;  // RtlCheckMode::SAMPLE
  bool yosys = false;
  std::string yosys_cache;  // empty: the user cache of synth/
  Workload workload;
  Axes axes;
  Location axes_table;
  BnSpec bn;
  RequantSpec requant;
  std::vector<Constraint> constraints;
  TraceSpec traces;

  // "FILE:LINE:COLUMN: " (or "FILE: " without a line).
  std::string where(const Location& l) const;
};

SweepSpec load_sweep_file(const std::string& path);  // reads, then parse_sweep
SweepSpec parse_sweep(const std::string& text, const std::string& path);

// The analytical metrics a constraint may name.
const std::vector<std::string>& constraint_metrics();

}  // namespace fxsim::explore
