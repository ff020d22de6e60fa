// One design point of the layer engine (docs/engine.md): a dense layer y = act(bn(requant(W x)))
// on a PE x SIMD array of fx_mac_pe / khot_pe, optionally followed by one bn_act per PE; and the
// design-point file it is read from. The rest of the engine contract is beside it: what a point
// elaborates to (elaboration.hpp), its latency (latency.hpp), its memory map (memory_map.hpp),
// its stimulus (stimulus.hpp) and reference results (reference.hpp), the backend interface
// (backend.hpp). Plain C++, no SystemC.
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "fx/affine.hpp"
#include "fx/bipolar.hpp"
#include "fx/fx_type.hpp"
#include "fx/khot.hpp"
#include "fx/type_parser.hpp"
#include "models/units/bn_act/bn_act.hpp"

namespace fxsim::engine {

// "fx_mac" | "khot" | "spt" | "binary" | "ternary" | "xnor" (docs/engine.md, "Binary and ternary
// layers": xnor_pe in MODE 1 (binary weights x fixed-point activations), MODE 2 (ternary weights)
// and MODE 0 (binary weights and binary activations)).
enum class EngineKind { FX_MAC, KHOT, SPT, BINARY, TERNARY, XNOR };
enum class Distribution { UNIFORM, NORMAL };  // "uniform" | "normal"

// The names point and sweep files use, in the order messages list them.
const std::vector<std::pair<std::string, EngineKind>>& engine_kind_names();
const std::vector<std::pair<std::string, Distribution>>& distribution_names();
std::string_view to_string(EngineKind k);
std::string_view to_string(Distribution d);
std::string_view to_string(units::Activation a);  // "none", "relu", "relu_clip", ...

// The hardware around a layer, with the one set of defaults every entry point starts from (point
// files, `fxsim verify`, sweeps, the benchmarks).
struct Hardware {
  int pe = 8;             // output neurons in parallel (PE); SIMD comes from the layer
  int mac_stages = 2;     // PE pipeline depth
  int bn_stages = 2;      // bn_act pipeline depth
  double clock_ns = 4.0;  // 250 MHz
  int bus_bits = 64;      // data width of the TLM bus (transfer cycles)
};

// The optional [bn] table: one bn_act per PE after the MAC array.
struct BnConfig {
  fx::NumType scale = fx::FxType::make_signed(8, 2);  // FxType: SCALE_KIND 0; KhotType: 1
  fx::FxType bias = fx::FxType::make_signed(16, 8);   // always signed
  fx::FxType output = fx::FxType::make_signed(8, 3, fx::Rounding::RND, fx::Overflow::SAT);
  units::Activation activation = units::Activation::NONE;
  double clip = 0.0;  // relu_clip upper bound in output units (an exact output value)
  int stages = Hardware{}.bn_stages;
  bool khot_scale() const { return std::holds_alternative<fx::KhotType>(scale); }
};

// The optional [requant] table (docs/engine.md, "Affine integer layers"): an affine integer
// layer's requantizer, one int_requant with PE lanes after the MAC array instead of bn_act. The
// MAC array then multiplies integers (activation and weight formats with no fraction bits, the
// MAC output = the accumulator: no requant there) and int_requant turns each accumulator into
// y = clamp(requantize_integer(acc + bias_c, M0_c, n_c) + zero_point): the folded-correction form,
// the input zero point's term -z_x sum(w) being part of bias_c. The per-channel parameters travel
// in the BN_PARAMS buffer: N_out multiplier words {shift n: 7 bits two's complement, m0: m0_bits}
// (n at bit m0_bits), then N_out biases of bias_width bits.
struct RequantConfig {
  fx::AffineInt output = fx::AffineInt::make(true, 8);
  std::int32_t zero_point = 0;
  fx::IntegerRounding rounding = fx::IntegerRounding::DOUBLE;
  int m0_bits = 31;
  int lshift_max = 0;  // largest left shift (n < 0) the unit builds
  int bias_width = 32;
  bool relu = false;  // clamp below at zero_point (real 0)
  int stages = Hardware{}.bn_stages;
  // The output buffer's raws as a fixed-point format: fixed<W,W> / ufixed<W,W> (integers).
  fx::FxType output_format() const;
};

// The optional [threshold] table (docs/engine.md, "Binary and ternary layers"): one threshold unit
// (FINN's MultiThreshold) of PE lanes after an array of xnor_pe, in bn_act's place: per output
// channel c, y = #{k : acc >= t_c[k]} (direction 0) or #{k : acc <= t_c[k]} (direction 1), an
// unsigned ceil(log2(T + 1))-bit integer. The per-channel parameters travel in the BN_PARAMS
// buffer: N_out direction elements (1 bit), then N_out x T thresholds (ACC_W + 1 bits, signed,
// channel after channel, each channel's in ascending order).
struct ThresholdTable {
  int thresholds = 1;  // T
  int stages = Hardware{}.bn_stages;
  int output_bits() const;           // ceil(log2(T + 1))
  fx::FxType output_format() const;  // ufixed<B,B> (integers)
};

// Everything of the design-point file. Construct through parse_point / load_point_file, or fill
// the fields and call validate() (which throws PointFileError without a line number).
struct EngineConfig {
  std::uint64_t seed = 1;
  // Not in the file: the layer L of the RND_STOCH lanes' generators, fx::lane_state(seed, L,
  // lane) (lane_rounding.hpp): 0 for a layer-engine point, the block's index for a network's
  // mvau (network_plan.hpp).
  std::uint64_t lane_layer = 0;
  // [engine]
  EngineKind kind = EngineKind::FX_MAC;
  int pe = Hardware{}.pe;
  int simd = 8;
  int mac_stages = Hardware{}.mac_stages;
  double clock_ns = Hardware{}.clock_ns;
  int bus_bits = Hardware{}.bus_bits;
  // [layer]
  int in_features = 784;
  int out_features = 128;
  int batch = 1;
  // [types]
  fx::FxType activation = fx::FxType::make_signed(8, 1, fx::Rounding::TRN, fx::Overflow::SAT);
  // FxType for FX_MAC, KhotType for KHOT / SPT; for BINARY / TERNARY / XNOR the integer type
  // fixed<2,2> of the values v the codes stand for (-1, 0, +1), the format in `bipolar`.
  fx::NumType weight = fx::FxType::make_signed(8, 1);
  // The weight format of BINARY / TERNARY / XNOR ([types] weight = "binary<S>" / "ternary<S>",
  // S a power of two); empty for the other kinds.
  std::optional<fx::BipolarType> bipolar;
  // XNOR: activation = "binary" (one bit, 1 = +1, 0 = -1), held as the raw 0 / 1 of ufixed<1,1>.
  bool binary_activation = false;
  fx::FxType accumulator = fx::FxType::make_signed(24, 10);  // overflow mode = ACC_O
  fx::FxType output = fx::FxType::make_signed(8, 3, fx::Rounding::RND_CONV, fx::Overflow::SAT);
  // [bn]
  std::optional<BnConfig> bn;
  // [requant] (never with [bn])
  std::optional<RequantConfig> requant;
  // [threshold] (never with [bn] or [requant]; binary / ternary / xnor kinds)
  std::optional<ThresholdTable> threshold;
  // [stimulus]
  Distribution distribution = Distribution::UNIFORM;

  int synapse_fold() const { return (in_features + simd - 1) / simd; }  // SF
  int neuron_fold() const { return (out_features + pe - 1) / pe; }      // NF
  // Format of the OUTPUT buffer: bn->output with BN, the integer output with [requant], else the
  // MAC output.
  fx::FxType final_output() const {
    return bn          ? bn->output
           : requant   ? requant->output_format()
           : threshold ? threshold->output_format()
                       : output;
  }
  // The kinds of xnor_pe: the MAC output is the accumulator, an integer dot product in the
  // activation's LSBs times the weight scale.
  bool is_bipolar() const {
    return kind == EngineKind::BINARY || kind == EngineKind::TERNARY || kind == EngineKind::XNOR;
  }
  // Whether the BN_PARAMS buffer is in use (bn_act's scales / biases or int_requant's words).
  bool has_channel_params() const {
    return bn.has_value() || requant.has_value() || threshold.has_value();
  }
  // Weight as a K-hot type (KHOT / SPT kinds only).
  const fx::KhotType& khot_weight() const { return std::get<fx::KhotType>(weight); }
  const fx::FxType& fx_weight() const { return std::get<fx::FxType>(weight); }
};

// The accumulator of a binary / ternary MAC array when none is given: exact for in_features
// terms of |v x a| <= max |a| (WRAP), F_activation - log2(scale) fraction bits; nullopt when no
// such type exists. Needs cfg.bipolar with a power-of-two scale.
std::optional<fx::FxType> bipolar_default_accumulator(const EngineConfig& cfg);

// A bad design point. what() is `FILE:LINE: key: what was expected` (LINE omitted when the error
// is not tied to a line, e.g. from validate() on a hand-built config).
struct PointFileError : std::runtime_error {
  using runtime_error::runtime_error;
};

EngineConfig load_point_file(const std::string& path);  // reads, then parse_point
EngineConfig parse_point(std::string_view toml, const std::string& source_name);
// The cross checks of the contract on an already-typed config (parse_point calls them with line
// numbers). Throws PointFileError "SOURCE: key: ..." for the first violation.
void validate(const EngineConfig& cfg, const std::string& source_name = "config");

}  // namespace fxsim::engine
