// Element packing and the term-word layout, byte for byte.
#include "models/engine/memory_map.hpp"

#include <gtest/gtest.h>

#include <random>
#include <stdexcept>
#include <vector>

#include "fx/khot_codec.hpp"
#include "models/engine/elaboration.hpp"
#include "models/engine/layer_stages.hpp"
#include "testbenches/models/engine/points.hpp"

namespace fxsim::tlm_test {
namespace {

using engine::ElementLayout;
using engine::pack_elements;
using engine::unpack_elements;
using Bytes = std::vector<unsigned char>;

TEST(ElementPacking, SignedBytesRoundTrip) {
  const ElementLayout l{8, 1, true};
  const std::vector<std::int64_t> w = {-128, -1, 0, 1, 127};
  EXPECT_EQ(pack_elements(w, l), (Bytes{0x80, 0xFF, 0x00, 0x01, 0x7F}));
  EXPECT_EQ(unpack_elements(pack_elements(w, l).data(), w.size(), l), w);
}

TEST(ElementPacking, TwelveBitsInTwoBytesLittleEndian) {
  const ElementLayout s{12, 2, true}, u{12, 2, false};
  EXPECT_EQ(pack_elements({-2048, 2047, -3}, s), (Bytes{0x00, 0xF8, 0xFF, 0x07, 0xFD, 0xFF}));
  EXPECT_EQ(pack_elements({4095, 0x123}, u), (Bytes{0xFF, 0x0F, 0x23, 0x01}));
  // Bits above the element's width are cut and the value re-extended, as the RTL port does.
  const Bytes junk = {0xFF, 0x7F, 0x00, 0x08};
  EXPECT_EQ(unpack_elements(junk.data(), 2, s), (std::vector<std::int64_t>{-1, -2048}));
  EXPECT_EQ(unpack_elements(junk.data(), 2, u), (std::vector<std::int64_t>{4095, 2048}));
}

TEST(ElementPacking, WideElements) {
  const ElementLayout l32{24, 4, true}, l64{40, 8, false};
  EXPECT_EQ(pack_elements({-2}, l32), (Bytes{0xFE, 0xFF, 0xFF, 0xFF}));
  EXPECT_EQ(pack_elements({0x0102030405}, l64),
            (Bytes{0x05, 0x04, 0x03, 0x02, 0x01, 0x00, 0x00, 0x00}));
  const Bytes b = pack_elements({-8388608, 8388607}, l32);
  EXPECT_EQ(unpack_elements(b.data(), 2, l32), (std::vector<std::int64_t>{-8388608, 8388607}));
}

TEST(ElementPacking, ElementSizes) {
  EXPECT_EQ(engine::element_bytes_for_bits(1), 1);
  EXPECT_EQ(engine::element_bytes_for_bits(8), 1);
  EXPECT_EQ(engine::element_bytes_for_bits(9), 2);
  EXPECT_EQ(engine::element_bytes_for_bits(17), 4);
  EXPECT_EQ(engine::element_bytes_for_bits(33), 8);
  const engine::EngineConfig k = point(kKhotPoint);
  // khot<8,1,2>: 2 terms of 2 + 3 bits = 10 bits -> 2 bytes, unsigned word.
  EXPECT_EQ(engine::weight_layout(k).bits, 10);
  EXPECT_EQ(engine::weight_layout(k).bytes, 2);
  EXPECT_FALSE(engine::weight_layout(k).is_signed);
  const engine::EngineConfig c = point(kContractPoint);
  const engine::BufferSizes s = engine::buffer_sizes(c, 4);
  EXPECT_EQ(s.weights, 100352u);
  EXPECT_EQ(s.bn_scale, 128u);
  EXPECT_EQ(s.bn_bias, 256u);
  EXPECT_EQ(s.input, 3136u);
  EXPECT_EQ(s.output, 512u);
  EXPECT_EQ(engine::bn_bias_address(c, 3), 0x2000'0000u + 128 + 6);
}

TEST(TermWords, PackedLayoutExactBits) {
  // SH_W 3, TERM_W 5: term {en, neg, shift}. +2^6 -> 0b1_0_110 = 0x16; -2^1 -> 0b1_1_001 = 0x19.
  const std::vector<fx::Term> t = {{false, 6}, {true, 1}};
  EXPECT_EQ(engine::pack_terms(t, 2, 3), 0x16 | (0x19 << 5));
  EXPECT_EQ(engine::term_word_value(0x16 | (0x19 << 5), 2, 3), 64 - 2);
  std::vector<fx::Term> back;
  engine::unpack_terms(0x16 | (0x19 << 5), 2, 3, &back);
  EXPECT_EQ(back, t);
  // A disabled term contributes nothing whatever its other bits.
  EXPECT_EQ(engine::term_word_value(0x0F, 1, 3), 0);
  EXPECT_THROW(engine::pack_terms({{false, 8}}, 1, 3), std::invalid_argument);
  EXPECT_THROW(engine::pack_terms(t, 1, 3), std::invalid_argument);
}

TEST(TermWords, PackFromTermsInPlaceEqualsPackFromVector) {
  const std::vector<fx::Term> t = {{false, 6}, {true, 1}};
  EXPECT_EQ(engine::pack_terms(t.data(), t.size(), 2, 3), 0x16 | (0x19 << 5));
  EXPECT_EQ(engine::pack_terms(t.data(), 0, 1, 3), 0);
  EXPECT_THROW(engine::pack_terms(t.data(), t.size(), 1, 3), std::invalid_argument);
  const fx::Term wide{false, 8};
  EXPECT_THROW(engine::pack_terms(&wide, 1, 1, 3), std::invalid_argument);
  // What the stimulus packs: KhotCodec's terms of every spt<8,1,2> value.
  const auto st = fx::KhotType::make(fx::KhotKind::SPT, 8, 1, 2);
  const fx::KhotCodec codec(st);
  for (std::int64_t raw = -96; raw <= 96; ++raw) {
    if (!fx::khot_representable(raw, st)) continue;
    const fx::FixedTerms terms = codec.encode(raw);
    EXPECT_EQ(engine::pack_terms(terms.data(), terms.size(), 2, 3),
              engine::pack_terms(fx::khot_encode(raw, st), 2, 3))
        << raw;
  }
}

TEST(TermWords, DigitsAndEncoderEqualPackOfTheReferenceTerms) {
  // Hand-worked: +2^6 -2^1 in spt<8,1,2>, SH_W 3: {en,neg,shift} = 1_0_110, 1_1_001.
  EXPECT_EQ(engine::pack_digits(fx::SignedDigits{1u << 6, 1u << 1}, 2, 3), 0x16 | (0x19 << 5));
  EXPECT_EQ(engine::pack_digits(fx::SignedDigits{}, 1, 3), 0);
  EXPECT_THROW(engine::pack_digits(fx::SignedDigits{0x41, 0x2}, 2, 3), std::invalid_argument);
  EXPECT_THROW(engine::pack_digits(fx::SignedDigits{1u << 8, 0}, 1, 3), std::invalid_argument);
  // Every value of a grid of types (table path and, for W = 14, the fallback): the words of
  // KhotCodec::digits equal pack_terms of the reference fx::khot_encode.
  for (const fx::KhotKind kind : {fx::KhotKind::KHOT, fx::KhotKind::UKHOT, fx::KhotKind::SPT}) {
    for (const int w : {4, 8, 14}) {
      for (int k = 1; k <= 3; ++k) {
        const auto t = fx::KhotType::make(kind, w, 1, k);
        const fx::KhotCodec codec(t);
        const int sh_w = engine::khot_shift_bits(t);
        const engine::TermWordEncoder encoder(codec, k, sh_w);
        const auto m = static_cast<std::int64_t>(t.max_magnitude());
        for (std::int64_t raw = t.is_signed() ? -m : 0; raw <= m; ++raw) {
          if (!fx::khot_representable(raw, t)) {
            EXPECT_THROW(encoder.word(raw), fx::FxTypeError) << t.str() << " raw " << raw;
            continue;
          }
          const std::int64_t expected = engine::pack_terms(fx::khot_encode(raw, t), k, sh_w);
          ASSERT_EQ(engine::pack_digits(codec.digits(raw), k, sh_w), expected)
              << t.str() << " raw " << raw;
          ASSERT_EQ(encoder.word(raw), expected) << t.str() << " raw " << raw;
        }
        EXPECT_THROW(encoder.word(m + 1), fx::FxTypeError) << t.str();
      }
    }
  }
}

TEST(TermWords, DecodeByFieldTableEqualsTheWordValue) {
  // Every word of K = 2, SH_W = 3 (10 bits), and random 64-bit words of K = 3, SH_W = 6 and
  // K = 8, SH_W = 6 (the 64-bit fallback): the table decode equals term_word_value word by word.
  std::vector<std::int64_t> words(1 << 10);
  for (std::size_t w = 0; w < words.size(); ++w) words[w] = static_cast<std::int64_t>(w);
  std::vector<std::int64_t> values(words.size());
  engine::decode_term_words(words.data(), words.size(), 2, 3, values.data());
  for (std::size_t w = 0; w < words.size(); ++w) {
    ASSERT_EQ(values[w], engine::term_word_value(words[w], 2, 3)) << w;
  }
  EXPECT_EQ(values[0x16 | (0x19 << 5)], 64 - 2);  // +2^6 -2^1, hand-worked
  std::mt19937_64 rng(7);
  for (const int k : {3, 8}) {
    for (auto& w : words) w = static_cast<std::int64_t>(rng() >> (k == 3 ? 40 : 0));
    engine::decode_term_words(words.data(), words.size(), k, 6, values.data());
    for (std::size_t i = 0; i < words.size(); ++i) {
      ASSERT_EQ(values[i], engine::term_word_value(words[i], k, 6)) << k << " " << words[i];
    }
  }
}

TEST(TermWords, EveryKhotValueRoundTrips) {
  const auto kt = fx::KhotType::make(fx::KhotKind::KHOT, 8, 1, 2);
  int representable = 0;
  for (std::int64_t raw = -127; raw <= 127; ++raw) {
    if (!fx::khot_representable(raw, kt)) continue;
    ++representable;
    const std::int64_t word = engine::pack_terms(fx::khot_encode(raw, kt), 2, 3);
    EXPECT_EQ(engine::term_word_value(word, 2, 3), raw);
  }
  EXPECT_EQ(representable, 1 + 2 * (7 + 21));  // 0, and +-(7 one-bit + 21 two-bit magnitudes)
}

}  // namespace
}  // namespace fxsim::tlm_test

namespace fxsim::tlm_test {
namespace {

// int_requant's multiplier words ([requant]), worked by hand: {n: 7-bit two's complement at bit
// B, m0: the low B bits}.
TEST(RequantWords, MultiplierWordPackingHandWorked) {
  // B = 8, m0 = 0xB5, n = -2: the field 0x7E, word 0x7EB5.
  EXPECT_EQ(engine::requant_multiplier_word(fx::IntegerMultiplier{0xB5, -2, 8}), 0x7EB5);
  // B = 31, m0 = 2^30, n = 5: 5 << 31 | 2^30 = 0x2C0000000.
  EXPECT_EQ(engine::requant_multiplier_word(fx::IntegerMultiplier{1 << 30, 5, 31}), 0x2C0000000LL);
  // n = 62 (the largest), B = 2, m0 = 3: 0b0111110'11 = 0xFB.
  EXPECT_EQ(engine::requant_multiplier_word(fx::IntegerMultiplier{3, 62, 2}), 0xFB);
  // The zero multiplier.
  EXPECT_EQ(engine::requant_multiplier_word(fx::IntegerMultiplier{0, 0, 31}), 0);
  const fx::IntegerMultiplier back = engine::requant_multiplier_of_word(0x7EB5, 8);
  EXPECT_EQ(back.m0, 0xB5);
  EXPECT_EQ(back.shift, -2);
  EXPECT_EQ(back.bits, 8);
  const fx::IntegerMultiplier big = engine::requant_multiplier_of_word(0x2C0000000LL, 31);
  EXPECT_EQ(big.m0, 1 << 30);
  EXPECT_EQ(big.shift, 5);
  // Bits above 7 + B are not the word's: ignored.
  EXPECT_EQ(engine::requant_multiplier_of_word(0xF7EB5, 8).shift, -2);
  // A multiplier fx refuses (M0 below 2^(B-1)) has no word.
  EXPECT_THROW(engine::requant_multiplier_word(fx::IntegerMultiplier{0x35, 0, 8}),
               std::invalid_argument);
}

TEST(RequantWords, BnParamsLayoutAndSizes) {
  // kRequantPoint: 10 outputs, M0 31 bits -> 38-bit words in 8 bytes, unsigned; 32-bit biases.
  const engine::EngineConfig c = point(kRequantPoint);
  EXPECT_EQ(engine::bn_scale_layout(c).bits, 38);
  EXPECT_EQ(engine::bn_scale_layout(c).bytes, 8);
  EXPECT_FALSE(engine::bn_scale_layout(c).is_signed);
  EXPECT_EQ(engine::bn_bias_layout(c).bits, 32);
  EXPECT_EQ(engine::bn_bias_layout(c).bytes, 4);
  EXPECT_TRUE(engine::bn_bias_layout(c).is_signed);
  const engine::BufferSizes s = engine::buffer_sizes(c, 3);
  EXPECT_EQ(s.bn_scale, 80u);
  EXPECT_EQ(s.bn_bias, 40u);
  EXPECT_EQ(s.weights, 370u);  // 10 x 37 int8
  EXPECT_EQ(s.input, 111u);    // 3 x 37
  EXPECT_EQ(s.output, 30u);    // 3 x 10 int<8>
  EXPECT_EQ(engine::bn_bias_address(c, 3), engine::kBnParamsBase + 80 + 12);
  // kRequantUint8Point: M0 16 bits -> 23-bit words in 4 bytes; 20-bit biases in 4; uint<8> out.
  const engine::EngineConfig u = point(kRequantUint8Point);
  EXPECT_EQ(engine::bn_scale_layout(u).bytes, 4);
  EXPECT_EQ(engine::bn_bias_layout(u).bits, 20);
  EXPECT_FALSE(engine::output_layout(u).is_signed);
  EXPECT_EQ(engine::output_layout(u).bits, 8);
  // The bytes of words and biases, little-endian.
  EXPECT_EQ(pack_elements({0x2C0000000LL}, engine::bn_scale_layout(c)),
            (Bytes{0x00, 0x00, 0x00, 0xC0, 0x02, 0x00, 0x00, 0x00}));
  EXPECT_EQ(pack_elements({-2}, engine::bn_bias_layout(u)), (Bytes{0xFE, 0xFF, 0xFF, 0xFF}));
  EXPECT_EQ(unpack_elements(Bytes{0xFE, 0xFF, 0x0F, 0x00}.data(), 1, engine::bn_bias_layout(u)),
            (std::vector<std::int64_t>{-2}));
}

}  // namespace
}  // namespace fxsim::tlm_test
