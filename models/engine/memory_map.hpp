// The accelerator's memory map (docs/engine.md, "Memory map"): register addresses and bits,
// buffer regions, and the packing of elements into bytes. Initiators (testbenches, `fxsim run`)
// and the target use these and nothing else.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "models/engine/engine_config.hpp"

namespace fxsim::fx {
struct SignedDigits;
class KhotCodec;
}  // namespace fxsim::fx

namespace fxsim::engine {

// Smallest of 1, 2, 4, 8 bytes holding `bits` bits.
int element_bytes_for_bits(int bits);
int weight_element_bits(const EngineConfig& cfg);  // W_W, or K * TERM_W for K-hot weights
// The BN_PARAMS elements: bn_act's scales and biases with [bn]; with [requant], int_requant's
// multiplier words (7 + m0_bits bits, unsigned) and biases (bias_width bits, signed); with
// [threshold], threshold's directions (1 bit, unsigned) and thresholds (ACC_W + 1 bits, signed).
int bn_scale_element_bits(const EngineConfig& cfg);
int bn_bias_element_bits(const EngineConfig& cfg);
int input_element_bits(const EngineConfig& cfg);      // A_W
int output_element_bits(const EngineConfig& cfg);     // final output W
bool weight_element_signed(const EngineConfig& cfg);  // false for packed term words
bool bn_scale_element_signed(const EngineConfig& cfg);
// How many "bias" elements BN_PARAMS holds: N_out, or N_out x T thresholds with [threshold]
// (channel c's T thresholds at c x T .. c x T + T - 1); 0 without channel parameters.
std::uint64_t bn_bias_count(const EngineConfig& cfg);

struct ElementLayout {
  int bits = 8;           // meaningful bits of the element (the port width)
  int bytes = 1;          // element_bytes_for_bits(bits)
  bool is_signed = true;  // sign-extend on unpack (raw of a signed format)
};
ElementLayout weight_layout(const EngineConfig& cfg);
ElementLayout bn_scale_layout(const EngineConfig& cfg);  // requires has_channel_params()
ElementLayout bn_bias_layout(const EngineConfig& cfg);   // requires has_channel_params()
ElementLayout input_layout(const EngineConfig& cfg);
ElementLayout output_layout(const EngineConfig& cfg);

// The word an element holds, cut to its `bits` and sign- or zero-extended: what the RTL port sees.
std::int64_t normalize_element(std::int64_t word, const ElementLayout& layout);

// ---- K-hot term words (rtl_units.md: term k at [k*TERM_W +: TERM_W], {en, neg, shift}) ----------
std::int64_t pack_terms(const std::vector<fx::Term>& terms, int k, int sh_w);
// The same from `count` terms in place (fx::FixedTerms of fx::KhotCodec): no allocation.
std::int64_t pack_terms(const fx::Term* terms, std::size_t count, int k, int sh_w);
// The same from the terms as masks (fx::KhotCodec::digits), most significant power first: what
// the stimulus loops use, one word per weight with no term array in between.
std::int64_t pack_digits(const fx::SignedDigits& digits, int k, int sh_w);

// The term word of a K-hot / SPT raw value by lookup: for a codec with tables (fx::KhotCodec's
// cap) the words of every raw in [-M, M] are packed once, so a weight matrix costs one load per
// element; beyond the cap each word is packed from the codec's digits.
class TermWordEncoder {
 public:
  TermWordEncoder(const fx::KhotCodec& codec, int k, int sh_w);
  std::int64_t word(std::int64_t raw) const {
    const auto i = static_cast<std::uint64_t>(raw + offset_);
    return i < words_.size() && valid_[i] ? words_[i] : pack_slow(raw);
  }

 private:
  std::int64_t pack_slow(std::int64_t raw) const;  // throws for a raw that is no value
  const fx::KhotCodec& codec_;
  int k_, sh_w_;
  std::int64_t offset_ = 0;  // M: words_[raw + M]
  std::vector<std::int64_t> words_;
  std::vector<char> valid_;
};
// Enabled terms of a word, term 0 first; `out` is cleared first (reuse it: no allocation once its
// capacity reaches K).
void unpack_terms(std::int64_t word, int k, int sh_w, std::vector<fx::Term>* out);
// The value of a term word in raw units: sum of en ? (neg ? -1 : +1) * 2^shift.
std::int64_t term_word_value(std::int64_t word, int k, int sh_w);

// ---- int_requant multiplier words ([requant]: the "scale" elements of BN_PARAMS) ---------------
// {n, m0}: m0 unsigned in the low m.bits bits, the shift n as a 7-bit two's complement field
// (units::kIntRequantShiftBits) at bit m.bits: the low 7 + B bits of int_requant's parameter
// word {bias, n, m0} (rtl_units.md, "int_requant"). Throws std::invalid_argument for a
// multiplier that fx::IntegerMultiplier::validate refuses.
std::int64_t requant_multiplier_word(const fx::IntegerMultiplier& m);
// The multiplier of a word (its bits above 7 + m0_bits ignored); not validated (a word from the
// bus may hold any bits: units::check_channel says whether the unit can take it).
fx::IntegerMultiplier requant_multiplier_of_word(std::int64_t word, int m0_bits);

// ---- Registers: 32-bit little-endian, accessed as exactly 4 aligned bytes ----------------------
inline constexpr std::uint64_t kRegId = 0x0000;           // RO
inline constexpr std::uint64_t kRegVersion = 0x0004;      // RO
inline constexpr std::uint64_t kRegCtrl = 0x0008;         // WO
inline constexpr std::uint64_t kRegStatus = 0x000C;       // RO
inline constexpr std::uint64_t kRegCyclesLo = 0x0010;     // RO
inline constexpr std::uint64_t kRegCyclesHi = 0x0014;     // RO
inline constexpr std::uint64_t kRegBatch = 0x0018;        // RW
inline constexpr std::uint64_t kRegErrors = 0x001C;       // RO
inline constexpr std::uint64_t kRegInFeatures = 0x0020;   // RO
inline constexpr std::uint64_t kRegOutFeatures = 0x0024;  // RO
inline constexpr std::uint64_t kRegPe = 0x0028;           // RO
inline constexpr std::uint64_t kRegSimd = 0x002C;         // RO
inline constexpr std::uint64_t kRegEnd = 0x0030;          // first address past the registers

inline constexpr std::uint32_t kIdValue = 0x4658534D;  // "FXSM"
inline constexpr std::uint32_t kVersionValue = 1;
inline constexpr std::uint32_t kCtrlStart = 1u << 0;
inline constexpr std::uint32_t kStatusBusy = 1u << 0;
inline constexpr std::uint32_t kStatusDone = 1u << 1;

// ---- Buffer regions: each window is kRegionSpan bytes; only its first size() bytes exist -------
inline constexpr std::uint64_t kWeightsBase = 0x1000'0000;  // RW
// RW: N_out scales (multiplier words with [requant], directions with [threshold]), then N_out
// biases (N_out x T thresholds with [threshold])
inline constexpr std::uint64_t kBnParamsBase = 0x2000'0000;
inline constexpr std::uint64_t kInputBase = 0x3000'0000;   // RW
inline constexpr std::uint64_t kOutputBase = 0x4000'0000;  // RO
inline constexpr std::uint64_t kRegionSpan = 0x1000'0000;

// Byte sizes of the buffers for a design point and a maximum batch.
struct BufferSizes {
  std::uint64_t weights = 0, bn_scale = 0, bn_bias = 0, input = 0, output = 0;
  std::uint64_t bn_params() const { return bn_scale + bn_bias; }
};
BufferSizes buffer_sizes(const engine::EngineConfig& cfg, int max_batch);

// Byte address of element `index` of the BN scales and biases, which share the BN_PARAMS region
// (N_out scales, then N_out biases). The other buffers start at their region's base.
std::uint64_t bn_scale_address(const engine::EngineConfig& cfg, std::uint64_t index);
std::uint64_t bn_bias_address(const engine::EngineConfig& cfg, std::uint64_t index);

// ---- Element packing: little-endian, layout.bytes per element -----------------------------------
// Writes the low layout.bytes bytes of each word (two's complement, so a signed raw comes out
// sign-extended to the element size).
std::vector<unsigned char> pack_elements(const std::vector<std::int64_t>& words,
                                         const engine::ElementLayout& layout);
void pack_elements(const std::int64_t* words, std::size_t n, const engine::ElementLayout& layout,
                   unsigned char* out);
// Reads n elements and engine::normalize_element's them (cut to layout.bits, sign/zero-extended).
std::vector<std::int64_t> unpack_elements(const unsigned char* bytes, std::size_t n,
                                          const engine::ElementLayout& layout);
void unpack_elements(const unsigned char* bytes, std::size_t n, const engine::ElementLayout& layout,
                     std::int64_t* out);

inline void put_u32(unsigned char* p, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) p[i] = static_cast<unsigned char>(v >> (8 * i));
}
inline std::uint32_t get_u32(const unsigned char* p) {
  std::uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v |= std::uint32_t{p[i]} << (8 * i);
  return v;
}

}  // namespace fxsim::engine
