// One design point of the layer engine (docs/engine.md): a dense layer y = act(bn(requant(W x)))
// on a PE x SIMD array of fx_mac_pe / khot_pe, optionally followed by one bn_act per PE.
// Everything here is plain C++ (no SystemC): the point file, the mapping to the RTL parameters of
// the units, THE latency formula, the memory element sizes and the deterministic stimulus. Both
// backends (model and rtl), `fxsim run` and the resource model read a design point through this
// header only.
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "fx/fx_type.hpp"
#include "fx/khot.hpp"
#include "fx/type_parser.hpp"
#include "models/units/bn_act/bn_act.hpp"
#include "models/units/fx_mac_pe/fx_mac_pe.hpp"
#include "models/units/fx_requant/fx_requant.hpp"
#include "models/units/khot_pe/khot_pe.hpp"
#include "models/units/unit_registry.hpp"

namespace fxsim::engine {

enum class EngineKind { FX_MAC, KHOT, SPT };  // "fx_mac" | "khot" | "spt"
enum class Distribution { UNIFORM, NORMAL };  // "uniform" | "normal"

std::string_view to_string(EngineKind k);
std::string_view to_string(Distribution d);
std::string_view to_string(units::Activation a);  // "none", "relu", "relu_clip", ...

// The optional [bn] table: one bn_act per PE after the MAC array.
struct BnConfig {
  fx::NumType scale = fx::FxType::make_signed(8, 2);  // FxType: SCALE_KIND 0; KhotType: 1
  fx::FxType bias = fx::FxType::make_signed(16, 8);   // always signed
  fx::FxType output = fx::FxType::make_signed(8, 3, fx::Rounding::RND, fx::Overflow::SAT);
  units::Activation activation = units::Activation::NONE;
  double clip = 0.0;  // relu_clip upper bound in output units (an exact output value)
  int stages = 2;
  bool khot_scale() const { return std::holds_alternative<fx::KhotType>(scale); }
};

// Everything of the design-point file. Construct through parse_point / load_point_file, or fill
// the fields and call validate() (which throws PointFileError without a line number).
struct EngineConfig {
  std::uint64_t seed = 1;
  // [engine]
  EngineKind kind = EngineKind::FX_MAC;
  int pe = 8;
  int simd = 8;
  int mac_stages = 2;
  double clock_ns = 4.0;
  int bus_bits = 64;
  // [layer]
  int in_features = 784;
  int out_features = 128;
  int batch = 1;
  // [types]
  fx::FxType activation = fx::FxType::make_signed(8, 1, fx::Rounding::TRN, fx::Overflow::SAT);
  fx::NumType weight = fx::FxType::make_signed(8, 1);  // FxType for FX_MAC, KhotType otherwise
  fx::FxType accumulator = fx::FxType::make_signed(24, 10);  // overflow mode = ACC_O
  fx::FxType output = fx::FxType::make_signed(8, 3, fx::Rounding::RND_CONV, fx::Overflow::SAT);
  // [bn]
  std::optional<BnConfig> bn;
  // [stimulus]
  Distribution distribution = Distribution::UNIFORM;

  int synapse_fold() const { return (in_features + simd - 1) / simd; }  // SF
  int neuron_fold() const { return (out_features + pe - 1) / pe; }      // NF
  // Format of the OUTPUT buffer: bn->output with BN, else the MAC output.
  const fx::FxType& final_output() const { return bn ? bn->output : output; }
  // Weight as a K-hot type (KHOT / SPT kinds only).
  const fx::KhotType& khot_weight() const { return std::get<fx::KhotType>(weight); }
  const fx::FxType& fx_weight() const { return std::get<fx::FxType>(weight); }
};

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

// ---- RTL parameters (one function for both backends and the resource model) --------------------
std::string pe_unit_name(const EngineConfig& cfg);   // "fx_mac_pe" or "khot_pe"
units::ParamMap pe_params(const EngineConfig& cfg);  // resolved (units::resolve_params)
units::ParamMap bn_params(const EngineConfig& cfg);  // resolved; throws std::logic_error w/o bn
units::MacPeConfig mac_pe_config(const EngineConfig& cfg);    // FX_MAC only
units::KhotPeConfig khot_pe_config(const EngineConfig& cfg);  // KHOT / SPT only
units::BnActConfig bn_act_config(const EngineConfig& cfg);    // with bn only
// SH_W of a K-hot type: bits that hold every shift 0..magnitude_bits-1 (at least 1).
int khot_shift_bits(const fx::KhotType& t);

// ---- Latency (docs/engine.md, "Latency") --------------------------------------------------------
// Cycle 1 is the first rising edge after CTRL.START and moves the first beat. Every unit adds its
// STAGES plus the one edge that hands its result on (to bn_act or into the output buffer):
//   beats  = batch * NF * SF          (one beat per edge: the transactor never inserts bubbles)
//   cycles = beats + (MAC_STAGES + 1) + (bn ? BN_STAGES + 1 : 0)
// e.g. 784x128, PE 8, SIMD 8, MAC_STAGES 2, BN_STAGES 2, batch 1: 98*16 + 3 + 3 = 1574.
std::uint64_t fold_beats(const EngineConfig& cfg, int batch);  // batch * NF * SF
std::uint64_t pe_fill_cycles(const EngineConfig& cfg);         // MAC_STAGES + 1
std::uint64_t bn_fill_cycles(const EngineConfig& cfg);         // BN_STAGES + 1, or 0
std::uint64_t compute_cycles(const EngineConfig& cfg, int batch);
// One b_transport of `bytes` on a bus of bus_bits: one address cycle + ceil(8 * bytes / bus_bits).
std::uint64_t transfer_cycles(std::uint64_t bytes, int bus_bits);

// ---- Memory elements (docs/engine.md, "Memory map") ---------------------------------------------
// Smallest of 1, 2, 4, 8 bytes holding `bits` bits.
int element_bytes_for_bits(int bits);
int weight_element_bits(const EngineConfig& cfg);  // W_W, or K * TERM_W for K-hot weights
int bn_scale_element_bits(const EngineConfig& cfg);
int bn_bias_element_bits(const EngineConfig& cfg);
int input_element_bits(const EngineConfig& cfg);      // A_W
int output_element_bits(const EngineConfig& cfg);     // final output W
bool weight_element_signed(const EngineConfig& cfg);  // false for packed term words
bool bn_scale_element_signed(const EngineConfig& cfg);

struct ElementLayout {
  int bits = 8;           // meaningful bits of the element (the port width)
  int bytes = 1;          // element_bytes_for_bits(bits)
  bool is_signed = true;  // sign-extend on unpack (raw of a signed format)
};
ElementLayout weight_layout(const EngineConfig& cfg);
ElementLayout bn_scale_layout(const EngineConfig& cfg);  // requires bn
ElementLayout bn_bias_layout(const EngineConfig& cfg);   // requires bn
ElementLayout input_layout(const EngineConfig& cfg);
ElementLayout output_layout(const EngineConfig& cfg);

// The word an element holds, cut to its `bits` and sign- or zero-extended: what the RTL port sees.
std::int64_t normalize_element(std::int64_t word, const ElementLayout& layout);

// ---- K-hot term words (rtl_units.md: term k at [k*TERM_W +: TERM_W], {en, neg, shift}) ----------
std::int64_t pack_terms(const std::vector<fx::Term>& terms, int k, int sh_w);
// Enabled terms of a word, term 0 first; `out` is cleared first (reuse it: no allocation once its
// capacity reaches K).
void unpack_terms(std::int64_t word, int k, int sh_w, std::vector<fx::Term>* out);
// The value of a term word in raw units: sum of en ? (neg ? -1 : +1) * 2^shift.
std::int64_t term_word_value(std::int64_t word, int k, int sh_w);

// ---- Stimulus -----------------------------------------------------------------------------------
// Deterministic across platforms and standard libraries: std::mt19937_64 (fully specified by the
// standard) and our own mapping from its 64-bit words to values, never std::*_distribution.
//   uniform: raw = lo + (u mod (hi - lo + 1)) over the format's raw range [lo, hi] (the modulo
//            bias is below 2^-40 for every width <= 24 and irrelevant for stimulus);
//   normal:  Irwin-Hall with 12 uniforms in [0, 1) (53-bit), minus 6: approximately N(0, 1);
//            scaled by sigma = (hi - lo) / 8 raw units (range / 4 in value units over the
//            symmetric half-range), centred at (lo + hi) / 2, rounded half away from zero,
//            clamped to [lo, hi].
// K-hot / SPT weights and scales: a raw drawn as above over the fixed<W,I> grid of the same W and
// I, then fx::khot_quantize of its exact value, so every value is representable; the words are
// fx::khot_encode packed. The draw order is fixed: weights (row-major), BN scales, BN biases,
// inputs (batch-major), each from its own stream seeded with seed ^ a constant per buffer, so
// changing the batch does not change the weights.
struct Stimulus {
  std::vector<std::int64_t> weights;         // raw weight values, out_features x in_features
  std::vector<std::int64_t> weight_words;    // the WEIGHTS buffer elements (raw, or term words)
  std::vector<std::int64_t> bn_scale;        // raw scale values (empty without bn)
  std::vector<std::int64_t> bn_scale_words;  // BN_PARAMS scale elements (raw, or term words)
  std::vector<std::int64_t> bn_bias;         // raw
  std::vector<std::int64_t> input;           // raw, batch x in_features
  int batch = 0;
};
Stimulus make_stimulus(const EngineConfig& cfg, std::uint64_t seed, int batch);
inline Stimulus make_stimulus(const EngineConfig& cfg, std::uint64_t seed) {
  return make_stimulus(cfg, seed, cfg.batch);
}

// ---- Reference results and coverage -------------------------------------------------------------
// What one rounding/overflow stage saw over a run.
struct StageCoverage {
  std::uint64_t count = 0;      // values that went through the stage
  std::uint64_t overflows = 0;  // overflow / saturation events (activation: values clamped)
  std::uint64_t ties = 0;       // rounding ties
  std::uint64_t inexact = 0;    // results that dropped bits
  fx::Rounding rounding = fx::Rounding::TRN;
  fx::Overflow overflow = fx::Overflow::WRAP;
  StageCoverage& operator+=(const StageCoverage& o);
};

struct Coverage {
  StageCoverage accumulator;  // one per beat: ACC_W wrap / saturation (ties, inexact: always 0)
  StageCoverage mac_requant;  // one per output of the MAC array
  StageCoverage bn_requant;   // one per output of bn_act (count 0 without bn)
  StageCoverage activation;   // overflows = outputs the activation changed
  units::Activation act = units::Activation::NONE;
  bool has_bn = false;
  std::uint64_t tlm_errors = 0;  // filled by the target, not by compute_reference
  Coverage& operator+=(const Coverage& o);
};

// The whole layer for `batch` input vectors, through models/arith (values) and fx (casts).
struct LayerReference {
  std::vector<std::int64_t> mac_output;  // raw of cfg.output, batch x out_features
  std::vector<std::int64_t> output;      // raw of cfg.final_output(), batch x out_features
  Coverage coverage;
};

// Inputs as the buffers hold them: weight_words / bn_scale_words are the memory elements (raw for
// fixed-point, term words for K-hot), already normalize_element'ed. `input` has batch x N_in.
struct LayerOperands {
  const std::int64_t* weight_words = nullptr;  // out_features x in_features
  const std::int64_t* bn_scale_words = nullptr;
  const std::int64_t* bn_bias = nullptr;
  const std::int64_t* input = nullptr;
  int batch = 1;
};
LayerReference compute_reference(const EngineConfig& cfg, const LayerOperands& ops);
LayerReference compute_reference(const EngineConfig& cfg, const Stimulus& stim);

}  // namespace fxsim::engine
