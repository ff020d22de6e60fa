#include "models/engine/memory_map.hpp"

#include <stdexcept>
#include <string>

#include "fx/khot_codec.hpp"
#include "models/engine/elaboration.hpp"
#include "models/units/int_requant/int_requant.hpp"

namespace fxsim::engine {

int element_bytes_for_bits(int bits) {
  if (bits <= 8) return 1;
  if (bits <= 16) return 2;
  if (bits <= 32) return 4;
  return 8;
}

namespace {
int term_word_bits(const fx::KhotType& t) { return t.k * (2 + khot_shift_bits(t)); }
}  // namespace

int weight_element_bits(const EngineConfig& cfg) {
  if (cfg.is_bipolar()) return cfg.bipolar->code_bits();  // xnor_pe's codes
  return cfg.kind == EngineKind::FX_MAC ? cfg.fx_weight().width : term_word_bits(cfg.khot_weight());
}
bool weight_element_signed(const EngineConfig& cfg) {
  return cfg.kind == EngineKind::FX_MAC && cfg.fx_weight().is_signed;
}
int bn_scale_element_bits(const EngineConfig& cfg) {
  if (cfg.threshold) return 1;  // the direction bit
  if (cfg.requant) return units::kIntRequantShiftBits + cfg.requant->m0_bits;
  const BnConfig& bn = cfg.bn.value();
  return bn.khot_scale() ? term_word_bits(std::get<fx::KhotType>(bn.scale))
                         : std::get<fx::FxType>(bn.scale).width;
}
bool bn_scale_element_signed(const EngineConfig& cfg) {
  if (cfg.requant || cfg.threshold) return false;  // {n, m0} / a direction: bits, not numbers
  const BnConfig& bn = cfg.bn.value();
  return !bn.khot_scale() && std::get<fx::FxType>(bn.scale).is_signed;
}
int bn_bias_element_bits(const EngineConfig& cfg) {
  if (cfg.threshold) return cfg.output.width + 1;  // a threshold: TH_W = X_W + 1
  return cfg.requant ? cfg.requant->bias_width : cfg.bn.value().bias.width;
}
int input_element_bits(const EngineConfig& cfg) { return cfg.activation.width; }
int output_element_bits(const EngineConfig& cfg) { return cfg.final_output().width; }

namespace {
ElementLayout layout(int bits, bool is_signed) {
  return ElementLayout{bits, element_bytes_for_bits(bits), is_signed};
}
}  // namespace

ElementLayout weight_layout(const EngineConfig& cfg) {
  return layout(weight_element_bits(cfg), weight_element_signed(cfg));
}
ElementLayout bn_scale_layout(const EngineConfig& cfg) {
  return layout(bn_scale_element_bits(cfg), bn_scale_element_signed(cfg));
}
ElementLayout bn_bias_layout(const EngineConfig& cfg) {
  return layout(bn_bias_element_bits(cfg), true);
}
ElementLayout input_layout(const EngineConfig& cfg) {
  return layout(input_element_bits(cfg), cfg.activation.is_signed);
}
ElementLayout output_layout(const EngineConfig& cfg) {
  return layout(output_element_bits(cfg), cfg.final_output().is_signed);
}

std::int64_t normalize_element(std::int64_t word, const ElementLayout& l) {
  if (l.bits >= 64) return word;
  const std::uint64_t mask = (std::uint64_t{1} << l.bits) - 1;
  std::uint64_t v = static_cast<std::uint64_t>(word) & mask;
  if (l.is_signed && ((v >> (l.bits - 1)) & 1)) v |= ~mask;
  return static_cast<std::int64_t>(v);
}

// ---- int_requant multiplier words ---------------------------------------------------------------
std::int64_t requant_multiplier_word(const fx::IntegerMultiplier& m) {
  try {
    m.validate();
  } catch (const std::exception& e) {
    throw std::invalid_argument(std::string("requant_multiplier_word: ") + e.what());
  }
  constexpr std::uint64_t shift_mask = (std::uint64_t{1} << units::kIntRequantShiftBits) - 1;
  const std::uint64_t n =
      static_cast<std::uint64_t>(static_cast<std::int64_t>(m.shift)) & shift_mask;
  return static_cast<std::int64_t>((n << m.bits) | static_cast<std::uint64_t>(m.m0));
}

fx::IntegerMultiplier requant_multiplier_of_word(std::int64_t word, int m0_bits) {
  const auto w = static_cast<std::uint64_t>(word);
  constexpr int kShiftBits = units::kIntRequantShiftBits;
  const std::uint64_t n = (w >> m0_bits) & ((std::uint64_t{1} << kShiftBits) - 1);
  fx::IntegerMultiplier m;
  m.bits = m0_bits;
  m.m0 = static_cast<std::int32_t>(w & ((std::uint64_t{1} << m0_bits) - 1));
  // Sign-extend the 7-bit field.
  m.shift = static_cast<int>(n) - ((n >> (kShiftBits - 1)) ? (1 << kShiftBits) : 0);
  return m;
}

// ---- Term words ---------------------------------------------------------------------------------
namespace {
// One enabled term field {en, neg, shift} (rtl_units.md), the layout both packers write.
std::uint64_t term_field(bool negative, int shift, int sh_w) {
  return (std::uint64_t{1} << (sh_w + 1)) | (std::uint64_t{negative} << sh_w) |
         static_cast<std::uint64_t>(shift);
}
}  // namespace

std::int64_t pack_terms(const std::vector<fx::Term>& terms, int k, int sh_w) {
  return pack_terms(terms.data(), terms.size(), k, sh_w);
}

std::int64_t pack_terms(const fx::Term* terms, std::size_t count, int k, int sh_w) {
  if (static_cast<long long>(count) > k) {
    throw std::invalid_argument("pack_terms: " + std::to_string(count) +
                                " terms, expected at most K = " + std::to_string(k));
  }
  const int term_w = 2 + sh_w;
  std::uint64_t word = 0;
  for (std::size_t i = 0; i < count; ++i) {
    if (terms[i].shift < 0 || terms[i].shift >= (1 << sh_w)) {
      throw std::invalid_argument("pack_terms: shift " + std::to_string(terms[i].shift) +
                                  " does not fit SH_W = " + std::to_string(sh_w) + " bits");
    }
    word |= term_field(terms[i].negative, terms[i].shift, sh_w) << (i * term_w);
  }
  return static_cast<std::int64_t>(word);
}

std::int64_t pack_digits(const fx::SignedDigits& digits, int k, int sh_w) {
  const int term_w = 2 + sh_w;
  std::uint64_t word = 0;
  int i = 0;
  for (std::uint64_t powers = digits.positive | digits.negative; powers != 0; ++i) {
    const int shift = 63 - __builtin_clzll(powers);  // most significant first
    const std::uint64_t bit = std::uint64_t{1} << shift;
    powers &= ~bit;
    if (i >= k || shift >= (1 << sh_w)) {
      throw std::invalid_argument("pack_digits: the terms do not fit K = " + std::to_string(k) +
                                  ", SH_W = " + std::to_string(sh_w));
    }
    word |= term_field((digits.negative & bit) != 0, shift, sh_w) << (i * term_w);
  }
  return static_cast<std::int64_t>(word);
}

TermWordEncoder::TermWordEncoder(const fx::KhotCodec& codec, int k, int sh_w)
    : codec_(codec), k_(k), sh_w_(sh_w) {
  if (!codec.uses_table()) return;  // a huge type: pack_slow per element
  const fx::KhotType& t = codec.type();
  const auto m = static_cast<std::int64_t>(t.max_magnitude());
  offset_ = m;
  words_.assign(static_cast<std::size_t>(2 * m + 1), 0);
  valid_.assign(words_.size(), 0);
  for (std::int64_t raw = t.is_signed() ? -m : 0; raw <= m; ++raw) {
    if (!fx::khot_representable(raw, t)) continue;
    words_[static_cast<std::size_t>(raw + m)] = pack_digits(codec.digits(raw), k, sh_w);
    valid_[static_cast<std::size_t>(raw + m)] = 1;
  }
}

std::int64_t TermWordEncoder::pack_slow(std::int64_t raw) const {
  return pack_digits(codec_.digits(raw), k_, sh_w_);
}

void unpack_terms(std::int64_t word, int k, int sh_w, std::vector<fx::Term>* out) {
  out->clear();
  const int term_w = 2 + sh_w;
  const auto w = static_cast<std::uint64_t>(word);
  const std::uint64_t shift_mask = (std::uint64_t{1} << sh_w) - 1;
  for (int i = 0; i < k; ++i) {
    const std::uint64_t t = w >> (i * term_w);
    if (!((t >> (sh_w + 1)) & 1)) continue;
    out->push_back(fx::Term{((t >> sh_w) & 1) != 0, static_cast<int>(t & shift_mask)});
  }
}

std::int64_t term_word_value(std::int64_t word, int k, int sh_w) {
  const int term_w = 2 + sh_w;
  const auto w = static_cast<std::uint64_t>(word);
  const std::uint64_t shift_mask = (std::uint64_t{1} << sh_w) - 1;
  std::int64_t v = 0;
  for (int i = 0; i < k; ++i) {
    const std::uint64_t t = w >> (i * term_w);
    if (!((t >> (sh_w + 1)) & 1)) continue;
    const std::int64_t p = std::int64_t{1} << (t & shift_mask);
    v += ((t >> sh_w) & 1) ? -p : p;
  }
  return v;
}

std::uint64_t bn_bias_count(const EngineConfig& cfg) {
  const auto n_out = static_cast<std::uint64_t>(cfg.out_features);
  if (!cfg.has_channel_params()) return 0;
  return cfg.threshold ? n_out * static_cast<std::uint64_t>(cfg.threshold->thresholds) : n_out;
}

BufferSizes buffer_sizes(const engine::EngineConfig& cfg, int max_batch) {
  const auto n_in = static_cast<std::uint64_t>(cfg.in_features);
  const auto n_out = static_cast<std::uint64_t>(cfg.out_features);
  const auto b = static_cast<std::uint64_t>(max_batch);
  BufferSizes s;
  s.weights = n_out * n_in * engine::weight_layout(cfg).bytes;
  if (cfg.has_channel_params()) {
    s.bn_scale = n_out * engine::bn_scale_layout(cfg).bytes;
    s.bn_bias = bn_bias_count(cfg) * engine::bn_bias_layout(cfg).bytes;
  }
  s.input = b * n_in * engine::input_layout(cfg).bytes;
  s.output = b * n_out * engine::output_layout(cfg).bytes;
  return s;
}

std::uint64_t bn_scale_address(const engine::EngineConfig& cfg, std::uint64_t index) {
  return kBnParamsBase + index * engine::bn_scale_layout(cfg).bytes;
}
std::uint64_t bn_bias_address(const engine::EngineConfig& cfg, std::uint64_t index) {
  return kBnParamsBase +
         static_cast<std::uint64_t>(cfg.out_features) * engine::bn_scale_layout(cfg).bytes +
         index * engine::bn_bias_layout(cfg).bytes;
}

void pack_elements(const std::int64_t* words, std::size_t n, const engine::ElementLayout& layout,
                   unsigned char* out) {
  const int nb = layout.bytes;
  for (std::size_t i = 0; i < n; ++i) {
    const auto w = static_cast<std::uint64_t>(words[i]);
    for (int b = 0; b < nb; ++b) out[i * nb + b] = static_cast<unsigned char>(w >> (8 * b));
  }
}

std::vector<unsigned char> pack_elements(const std::vector<std::int64_t>& words,
                                         const engine::ElementLayout& layout) {
  std::vector<unsigned char> bytes(words.size() * static_cast<std::size_t>(layout.bytes));
  pack_elements(words.data(), words.size(), layout, bytes.data());
  return bytes;
}

void unpack_elements(const unsigned char* bytes, std::size_t n, const engine::ElementLayout& layout,
                     std::int64_t* out) {
  const int nb = layout.bytes;
  for (std::size_t i = 0; i < n; ++i) {
    std::uint64_t w = 0;
    for (int b = 0; b < nb; ++b) w |= std::uint64_t{bytes[i * nb + b]} << (8 * b);
    out[i] = engine::normalize_element(static_cast<std::int64_t>(w), layout);
  }
}

std::vector<std::int64_t> unpack_elements(const unsigned char* bytes, std::size_t n,
                                          const engine::ElementLayout& layout) {
  std::vector<std::int64_t> words(n);
  unpack_elements(bytes, n, layout, words.data());
  return words;
}

}  // namespace fxsim::engine
