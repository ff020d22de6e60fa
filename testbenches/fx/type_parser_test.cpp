// The type-string parser: every accepted spelling (and the semantics it
// selects), the round trip of str() in every spelling, and every error path
// with its position and a message that names what was expected.
#include "fx/type_parser.hpp"

#include <gtest/gtest.h>

#include <initializer_list>
#include <random>
#include <string>
#include <string_view>
#include <variant>

#include "fx/fx_type.hpp"
#include "fx/khot.hpp"

namespace fx = fxsim::fx;

namespace {

using fx::FxType;
using fx::KhotKind;
using fx::KhotType;
using fx::Overflow;
using fx::Rounding;
using fx::Semantics;
using fx::Spelling;

FxType fxt(bool s, int w, int i, Rounding q = Rounding::TRN, Overflow o = Overflow::WRAP,
           int n = 0) {
  return s ? FxType::make_signed(w, i, q, o, n) : FxType::make_unsigned(w, i, q, o, n);
}

// The same format with ap_fixed semantics (spelled ap_fixed<...>).
FxType apt(bool s, int w, int i, Rounding q = Rounding::TRN, Overflow o = Overflow::WRAP,
           int n = 0) {
  return fxt(s, w, i, q, o, n).spelled(Spelling::AP_FIXED);
}

KhotType kht(KhotKind kind, int w, int i, int k) {
  KhotType t;
  t.kind = kind;
  t.width = w;
  t.int_bits = i;
  t.k = k;
  return t;
}

void expect_fx(std::string_view text, const FxType& want) {
  SCOPED_TRACE(std::string("parsing \"") + std::string(text) + "\"");
  try {
    const FxType got = fx::parse_fx_type(text);
    EXPECT_EQ(got, want) << got.str() << " vs " << want.str();
    EXPECT_EQ(got.semantics(), want.semantics()) << got.str() << " vs " << want.str();
    const fx::NumType any = fx::parse_type(text);
    ASSERT_TRUE(std::holds_alternative<FxType>(any));
    EXPECT_EQ(std::get<FxType>(any), want);
  } catch (const std::exception& e) {
    ADD_FAILURE() << "threw: " << e.what();
  }
}

void expect_khot(std::string_view text, const KhotType& want) {
  SCOPED_TRACE(std::string("parsing \"") + std::string(text) + "\"");
  try {
    const KhotType got = fx::parse_khot_type(text);
    EXPECT_EQ(got, want) << got.str() << " vs " << want.str();
    const fx::NumType any = fx::parse_type(text);
    ASSERT_TRUE(std::holds_alternative<KhotType>(any));
    EXPECT_EQ(std::get<KhotType>(any), want);
  } catch (const std::exception& e) {
    ADD_FAILURE() << "threw: " << e.what();
  }
}

// The message with the echoed input text removed, so that words checked
// below must come from the parser's own explanation.
std::string explanation(const std::string& what, std::string_view text) {
  std::string s = what;
  if (!text.empty()) {
    const size_t p = s.find(std::string(text));
    if (p != std::string::npos) s.erase(p, text.size());
  }
  return s;
}

bool contains_any(const std::string& s, std::initializer_list<const char*> words) {
  for (const char* w : words) {
    if (s.find(w) != std::string::npos) return true;
  }
  return false;
}

// A syntax error: TypeParseError at `pos`, whose explanation says "expected"
// and contains one of `words`.
void expect_syntax_error(std::string_view text, size_t pos,
                         std::initializer_list<const char*> words) {
  SCOPED_TRACE(std::string("parsing \"") + std::string(text) + "\"");
  try {
    fx::parse_type(text);
    ADD_FAILURE() << "no error";
  } catch (const fx::TypeParseError& e) {
    EXPECT_EQ(e.position(), pos) << e.what();
    const std::string ex = explanation(e.what(), text);
    EXPECT_TRUE(ex.find("expected") != std::string::npos) << e.what();
    EXPECT_TRUE(contains_any(ex, words)) << e.what();
  } catch (const std::exception& e) {
    ADD_FAILURE() << "threw something other than TypeParseError: " << e.what();
  }
}

// A semantic error (a well-formed string naming a format that cannot exist):
// TypeParseError at the field's position, or FxTypeError; either way the
// explanation names the field through one of `words`.
void expect_semantic_error(std::string_view text, size_t field_pos,
                           std::initializer_list<const char*> words) {
  SCOPED_TRACE(std::string("parsing \"") + std::string(text) + "\"");
  try {
    fx::parse_type(text);
    ADD_FAILURE() << "no error";
  } catch (const fx::TypeParseError& e) {
    EXPECT_EQ(e.position(), field_pos) << e.what();
    EXPECT_TRUE(contains_any(explanation(e.what(), text), words)) << e.what();
  } catch (const fx::FxTypeError& e) {
    EXPECT_TRUE(contains_any(explanation(e.what(), text), words)) << e.what();
  } catch (const std::exception& e) {
    ADD_FAILURE() << "threw neither TypeParseError nor FxTypeError: " << e.what();
  }
}

// ---------------------------------------------------------------------------
// Accepted spellings.

TEST(TypeParser, DefaultsAreTrnWrapZero) {
  expect_fx("fixed<8,3>", fxt(true, 8, 3, Rounding::TRN, Overflow::WRAP, 0));
  expect_fx("ufixed<8,3>", fxt(false, 8, 3, Rounding::TRN, Overflow::WRAP, 0));
  expect_fx("ap_fixed<8,3>", apt(true, 8, 3));
  expect_fx("ap_ufixed<8,3>", apt(false, 8, 3));
  expect_fx("sc_fixed<8,3>", fxt(true, 8, 3));
  expect_fx("sc_ufixed<8,3>", fxt(false, 8, 3));
  expect_fx("fixed<8,3,RND_CONV>", fxt(true, 8, 3, Rounding::RND_CONV, Overflow::WRAP, 0));
  expect_fx("fixed<8,3,RND_CONV,SAT>", fxt(true, 8, 3, Rounding::RND_CONV, Overflow::SAT, 0));
  expect_fx("fixed<8,3,RND_CONV,SAT,2>", fxt(true, 8, 3, Rounding::RND_CONV, Overflow::SAT, 2));
}

TEST(TypeParser, ModeNamesBarePrefixedAndInEveryKind) {
  const struct {
    const char* name;
    Rounding q;
  } qs[] = {{"RND", Rounding::RND},
            {"RND_ZERO", Rounding::RND_ZERO},
            {"RND_MIN_INF", Rounding::RND_MIN_INF},
            {"RND_INF", Rounding::RND_INF},
            {"RND_CONV", Rounding::RND_CONV},
            {"TRN", Rounding::TRN},
            {"TRN_ZERO", Rounding::TRN_ZERO}};
  const struct {
    const char* name;
    Overflow o;
  } os[] = {{"SAT", Overflow::SAT},
            {"SAT_ZERO", Overflow::SAT_ZERO},
            {"SAT_SYM", Overflow::SAT_SYM},
            {"WRAP", Overflow::WRAP},
            {"WRAP_SM", Overflow::WRAP_SM}};
  for (const char* prefix : {"", "AP_", "SC_"}) {
    for (const auto& q : qs) {
      EXPECT_EQ(fx::parse_rounding(std::string(prefix) + q.name), q.q) << prefix << q.name;
    }
    for (const auto& o : os) {
      EXPECT_EQ(fx::parse_overflow(std::string(prefix) + o.name), o.o) << prefix << o.name;
    }
  }
  // fixed takes either prefix; ap_fixed its own AP_ (or none), sc_fixed its own SC_ (or none).
  for (const char* kind : {"fixed", "ap_fixed", "sc_fixed", "ufixed", "ap_ufixed", "sc_ufixed"}) {
    const std::string k = kind;
    const bool s = k.find("ufixed") == std::string::npos;
    const bool ap = k.rfind("ap_", 0) == 0;
    const bool sc = k.rfind("sc_", 0) == 0;
    for (const char* qp : {"", "AP_", "SC_"}) {
      for (const char* op : {"", "AP_", "SC_"}) {
        const auto foreign = [&](const char* p) {
          return (ap && std::string(p) == "SC_") || (sc && std::string(p) == "AP_");
        };
        for (const auto& q : qs) {
          for (const auto& o : os) {
            if (!s && o.o == Overflow::WRAP_SM) continue;
            const std::string text =
                std::string(kind) + "<12,-2," + qp + q.name + "," + op + o.name + ",3>";
            if (foreign(qp) || foreign(op)) {
              SCOPED_TRACE(text);
              EXPECT_THROW(fx::parse_type(text), fx::TypeParseError);
              continue;
            }
            expect_fx(text, ap ? apt(s, 12, -2, q.q, o.o, 3) : fxt(s, 12, -2, q.q, o.o, 3));
          }
        }
      }
    }
  }
}

TEST(TypeParser, SpellingsSelectSemantics) {
  const struct {
    const char* text;
    Semantics semantics;
    Spelling spelling;
  } cases[] = {
      {"fixed<8,3>", Semantics::SYSTEMC, Spelling::FIXED},
      {"ufixed<8,3>", Semantics::SYSTEMC, Spelling::FIXED},
      {"sc_fixed<8,3>", Semantics::SYSTEMC, Spelling::SC_FIXED},
      {"sc_ufixed<8,3>", Semantics::SYSTEMC, Spelling::SC_FIXED},
      {"sc_int<8>", Semantics::SYSTEMC, Spelling::SC_INT},
      {"sc_uint<8>", Semantics::SYSTEMC, Spelling::SC_INT},
      {"ap_fixed<8,3>", Semantics::AP_FIXED, Spelling::AP_FIXED},
      {"ap_ufixed<8,3>", Semantics::AP_FIXED, Spelling::AP_FIXED},
      {"ap_int<8>", Semantics::AP_FIXED, Spelling::AP_INT},
      {"ap_uint<8>", Semantics::AP_FIXED, Spelling::AP_INT},
  };
  for (const auto& c : cases) {
    const FxType t = fx::parse_fx_type(c.text);
    EXPECT_EQ(t.semantics(), c.semantics) << c.text;
    EXPECT_EQ(t.ap_semantics(), c.semantics == Semantics::AP_FIXED) << c.text;
    EXPECT_EQ(t.spelling, c.spelling) << c.text;
  }
  // Equality is the format and the semantics, not the spelling.
  EXPECT_EQ(fx::parse_fx_type("fixed<8,3>"), fx::parse_fx_type("sc_fixed<8,3,SC_TRN>"));
  EXPECT_EQ(fx::parse_fx_type("sc_int<8>"), fx::parse_fx_type("fixed<8,8,TRN,WRAP,0>"));
  EXPECT_EQ(fx::parse_fx_type("ap_int<8>"), fx::parse_fx_type("ap_fixed<8,8>"));
  EXPECT_EQ(fx::parse_fx_type("ap_uint<5>"), fx::parse_fx_type("ap_ufixed<5,5,TRN,WRAP,0>"));
  EXPECT_NE(fx::parse_fx_type("fixed<8,3>"), fx::parse_fx_type("ap_fixed<8,3>"));
  EXPECT_NE(fx::parse_fx_type("sc_int<8>"), fx::parse_fx_type("ap_int<8>"));
  EXPECT_NE(fx::parse_fx_type("ap_int<8>"), fx::parse_fx_type("ap_uint<8>"));
}

TEST(TypeParser, IntegerSpellings) {
  expect_fx("ap_int<8>", apt(true, 8, 8));
  expect_fx("ap_uint<8>", apt(false, 8, 8));
  expect_fx("sc_int<8>", fxt(true, 8, 8));
  expect_fx("sc_uint<8>", fxt(false, 8, 8));
  expect_fx(" ap_int < 1 > ", apt(true, 1, 1));
  expect_fx("sc_uint<64>", fxt(false, 64, 64));
  expect_syntax_error("ap_int<8,3>", 8, {">"});
  expect_syntax_error("sc_uint<>", 8, {"integer"});
  expect_semantic_error("ap_int<0>", 7, {"W", "word"});
  expect_semantic_error("sc_int<65>", 7, {"W", "word"});
}

TEST(TypeParser, EverySpellingPrintsBack) {
  const char* texts[] = {"fixed<8,3,RND_CONV,SAT,0>",
                         "ufixed<8,-2,TRN,WRAP,3>",
                         "sc_fixed<8,3,SC_RND_CONV,SC_SAT,0>",
                         "sc_ufixed<16,0,SC_TRN,SC_SAT_SYM,0>",
                         "ap_fixed<16,6,AP_RND_CONV,AP_SAT,0>",
                         "ap_ufixed<4,4,AP_TRN,AP_WRAP,1>",
                         "ap_int<8>",
                         "ap_uint<1>",
                         "sc_int<64>",
                         "sc_uint<12>"};
  for (const char* text : texts) {
    EXPECT_EQ(fx::parse_fx_type(text).str(), text);
    EXPECT_EQ(fx::type_str(fx::parse_type(text)), text);
  }
  // Short forms print all five fields, in the spelling's library and mode prefix.
  EXPECT_EQ(fx::parse_fx_type("ap_fixed<16,6,AP_RND_CONV,AP_SAT>").str(),
            "ap_fixed<16,6,AP_RND_CONV,AP_SAT,0>");
  EXPECT_EQ(fx::parse_fx_type("ap_fixed<16,6,RND_CONV,SAT>").str(),
            "ap_fixed<16,6,AP_RND_CONV,AP_SAT,0>");
  EXPECT_EQ(fx::parse_fx_type("sc_ufixed<8,2>").str(), "sc_ufixed<8,2,SC_TRN,SC_WRAP,0>");
  EXPECT_EQ(fx::parse_fx_type("fixed<8,3,AP_RND,SC_SAT>").str(), "fixed<8,3,RND,SAT,0>");
  // ap_fixed<8,8> is an integer format but was spelled as a fixed one: it stays one.
  EXPECT_EQ(fx::parse_fx_type("ap_fixed<8,8>").str(), "ap_fixed<8,8,AP_TRN,AP_WRAP,0>");
  // A format derived from an integer spelling that is no longer an integer one prints as the
  // fixed-point spelling of the same library.
  FxType t = fx::parse_fx_type("ap_int<8>");
  t.int_bits = 3;
  EXPECT_EQ(t.str(), "ap_fixed<8,3,AP_TRN,AP_WRAP,0>");
  t = fx::parse_fx_type("sc_uint<8>");
  t.overflow = Overflow::SAT;
  EXPECT_EQ(t.str(), "sc_ufixed<8,8,SC_TRN,SC_SAT,0>");
  // with_semantics: unchanged when it already has them, else respelled.
  EXPECT_EQ(fx::parse_fx_type("sc_fixed<8,3>").with_semantics(Semantics::SYSTEMC).str(),
            "sc_fixed<8,3,SC_TRN,SC_WRAP,0>");
  EXPECT_EQ(fx::parse_fx_type("fixed<8,3>").with_semantics(Semantics::AP_FIXED).str(),
            "ap_fixed<8,3,AP_TRN,AP_WRAP,0>");
  EXPECT_EQ(fx::parse_fx_type("ap_uint<8>").with_semantics(Semantics::SYSTEMC).str(),
            "ufixed<8,8,TRN,WRAP,0>");
}

TEST(TypeParser, FieldValuesAndWhitespace) {
  expect_fx("fixed<8,-3>", fxt(true, 8, -3));
  expect_fx("fixed<4,10>", fxt(true, 4, 10));
  expect_fx("fixed<1,0>", fxt(true, 1, 0));
  expect_fx("ufixed<1,0>", fxt(false, 1, 0));
  expect_fx("fixed<64,64>", fxt(true, 64, 64));
  expect_fx("ufixed<64,0>", fxt(false, 64, 0));
  expect_fx("fixed<8,3,TRN,WRAP,100>", fxt(true, 8, 3, Rounding::TRN, Overflow::WRAP, 100));
  expect_fx(" fixed < 8 , 3 , RND , SAT , 1 > ", fxt(true, 8, 3, Rounding::RND, Overflow::SAT, 1));
  expect_fx("ap_ufixed< 16 ,0 ,AP_RND_CONV ,AP_SAT_SYM>",
            apt(false, 16, 0, Rounding::RND_CONV, Overflow::SAT_SYM, 0));
  expect_fx("  fixed<8,3>", fxt(true, 8, 3));
  expect_fx("fixed<8,3>  ", fxt(true, 8, 3));
  expect_fx("fixed<  7,-9>", fxt(true, 7, -9));
}

TEST(TypeParser, KhotKinds) {
  expect_khot("khot<8,1,2>", kht(KhotKind::KHOT, 8, 1, 2));
  expect_khot("ukhot<4,0,4>", kht(KhotKind::UKHOT, 4, 0, 4));
  expect_khot("spt<8,8,2>", kht(KhotKind::SPT, 8, 8, 2));
  expect_khot("ukhot<1,-3,1>", kht(KhotKind::UKHOT, 1, -3, 1));
  expect_khot(" khot < 8 , -1 , 3 > ", kht(KhotKind::KHOT, 8, -1, 3));
  expect_khot("spt<64,70,63>", kht(KhotKind::SPT, 64, 70, 63));
}

TEST(TypeParser, CanonicalStringsRoundTrip) {
  EXPECT_EQ(fxt(true, 8, 3, Rounding::RND_CONV, Overflow::SAT, 0).str(),
            "fixed<8,3,RND_CONV,SAT,0>");
  EXPECT_EQ(fxt(false, 16, -2, Rounding::TRN, Overflow::WRAP, 5).str(), "ufixed<16,-2,TRN,WRAP,5>");
  std::mt19937_64 rng(3);
  for (int k = 0; k < 3000; ++k) {
    const bool s = (rng() & 1) != 0;
    const Rounding q = fx::kAllRoundings[rng() % 7];
    Overflow o = fx::kAllOverflows[rng() % 5];
    if (!s && o == Overflow::WRAP_SM) o = Overflow::SAT_SYM;
    const Spelling spellings[] = {Spelling::FIXED, Spelling::SC_FIXED, Spelling::AP_FIXED,
                                  Spelling::AP_INT, Spelling::SC_INT};
    FxType t = fxt(s, 1 + static_cast<int>(rng() % 64), static_cast<int>(rng() % 301) - 150, q, o,
                   static_cast<int>(rng() % 70));
    t = t.spelled(spellings[rng() % 5]);
    if (k % 10 == 0) {  // an integer format, so that the integer spellings print as such
      t.int_bits = t.width;
      t.rounding = Rounding::TRN;
      t.overflow = Overflow::WRAP;
      t.sat_bits = 0;
    }
    const std::string str = t.str();
    ASSERT_EQ(fx::parse_fx_type(str), t) << str;
    ASSERT_EQ(fx::parse_fx_type(str).semantics(), t.semantics()) << str;
    ASSERT_EQ(fx::type_str(fx::parse_type(str)), str);
    ASSERT_EQ(fx::type_str(fx::NumType{t}), str);
  }
  for (KhotKind kind : {KhotKind::KHOT, KhotKind::UKHOT, KhotKind::SPT}) {
    for (int w : {2, 3, 8, 33, 64}) {
      for (int i : {-5, 0, 1, w, w + 9}) {
        const int mb = kind == KhotKind::UKHOT ? w : w - 1;
        for (int k : {1, 2, mb}) {
          if (k > mb) continue;
          const KhotType t = kht(kind, w, i, k);
          const std::string str = t.str();
          ASSERT_EQ(fx::parse_khot_type(str), t) << str;
          ASSERT_EQ(fx::type_str(fx::parse_type(str)), str);
          ASSERT_EQ(fx::type_str(fx::NumType{t}), str);
        }
      }
    }
  }
}

// ---------------------------------------------------------------------------
// Errors. Positions are 0-based character offsets in the input.

TEST(TypeParserErrors, Syntax) {
  expect_syntax_error("", 0, {"fixed", "khot", "type"});  // empty string
  // Unknown kind at 0.
  expect_syntax_error("fexed<8,3>", 0, {"fixed", "khot"});
  expect_syntax_error("int<8>", 0, {"fixed", "khot"});
  expect_syntax_error("ap_float<8>", 0, {"ap_fixed", "ap_int"});
  // Missing '<' at 5 (another character, or the end of the text).
  expect_syntax_error("fixed(8,3)", 5, {"<"});
  expect_syntax_error("fixed", 5, {"<"});
  expect_syntax_error("khot[8,1,2]", 4, {"<"});
  // A kind name run into its arguments is an unknown name (at 0).
  expect_syntax_error("fixed8,3>", 0, {"khot", "ufixed"});
  // Non-integer W at 6, non-integer I at 8 (the header's own example).
  expect_syntax_error("fixed<x,3>", 6, {"integer"});
  expect_syntax_error("fixed<8,x>", 8, {"integer"});
  try {
    fx::parse_type("fixed<8,x>");
  } catch (const fx::TypeParseError& e) {
    EXPECT_NE(std::string(e.what()).find("expected an integer"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("'x'"), std::string::npos) << e.what();
  }
  // Missing ',' between W and I at 7.
  expect_syntax_error("fixed<8;3>", 7, {","});
  // Missing I: '>' at 7 where ',' was expected; an empty I at 8.
  expect_syntax_error("fixed<8>", 7, {","});
  expect_syntax_error("fixed<8,>", 8, {"integer"});
  // Truncated input: end of text at 6 / 9.
  expect_syntax_error("fixed<", 6, {"integer"});
  expect_syntax_error("fixed<8,3", 9, {">", ","});
  // Unknown rounding name at 10; unknown overflow name at 14.
  expect_syntax_error("fixed<8,3,RND_FOO>", 10, {"rounding", "Rounding", "quantization", "TRN"});
  expect_syntax_error("fixed<8,3,>", 10, {"rounding", "Rounding", "quantization", "TRN"});
  expect_syntax_error("fixed<8,3,TRN,WRAPX>", 14, {"overflow", "Overflow", "SAT"});
  expect_syntax_error("ap_fixed<8,3,AP_TRN,AP_FOO>", 20, {"overflow", "Overflow", "SAT"});
  // The other library's mode prefix: SC_ in ap_fixed (at 13), AP_ in sc_ufixed (at 21).
  expect_syntax_error("ap_fixed<8,3,SC_RND>", 13, {"AP_", "sc_fixed"});
  expect_syntax_error("sc_ufixed<8,3,SC_RND,AP_SAT>", 21, {"SC_", "ap_fixed"});
  // A non-integer N at 19.
  expect_syntax_error("fixed<8,3,TRN,WRAP,z>", 19, {"integer"});
  // Too many fields: ',' at 20 where '>' was expected.
  expect_syntax_error("fixed<8,3,TRN,WRAP,0,1>", 20, {">"});
  expect_syntax_error("khot<8,1,2,3>", 10, {">"});
  // Missing K of khot: '>' at 8 where ',' was expected.
  expect_syntax_error("khot<8,1>", 8, {","});
  // Trailing garbage after '>' at 10.
  expect_syntax_error("fixed<8,3>x", 10, {"end", "nothing", "after"});
  // An integer too large for any field, at 6.
  expect_syntax_error("fixed<99999999999999999999,3>", 6, {"integer", "range", "W"});
}

TEST(TypeParserErrors, Semantic) {
  // W = 0 / 65 (field at 6).
  expect_semantic_error("fixed<0,3>", 6, {"W", "width", "word"});
  expect_semantic_error("fixed<65,3>", 6, {"W", "width", "word"});
  expect_semantic_error("ufixed<65,3>", 7, {"W", "width", "word"});
  // Negative N (field at 19).
  expect_semantic_error("fixed<8,3,TRN,WRAP,-1>", 19, {"N", "saturation"});
  // K = 0 and K beyond the magnitude bits (khot<4,..> has 3), field at 9.
  expect_semantic_error("khot<8,1,0>", 9, {"K"});
  expect_semantic_error("khot<4,1,4>", 9, {"K"});
  expect_semantic_error("spt<4,1,4>", 8, {"K"});
  expect_semantic_error("ukhot<4,1,5>", 10, {"K"});
  // khot with W = 1 (no magnitude bit), field at 5.
  expect_semantic_error("khot<1,0,1>", 5, {"W", "width", "magnitude"});
  // Unsigned WRAP_SM (the overflow field at 15), undefined in SystemC.
  expect_semantic_error("ufixed<8,3,TRN,WRAP_SM>", 15, {"signed"});
  expect_semantic_error("ap_ufixed<8,3,AP_TRN,AP_WRAP_SM,2>", 21, {"signed"});
}

TEST(TypeParserErrors, WrongFamilyAndModeNames) {
  EXPECT_THROW(fx::parse_fx_type("khot<8,1,2>"), std::invalid_argument);
  EXPECT_THROW(fx::parse_fx_type("spt<8,1,2>"), std::invalid_argument);
  EXPECT_THROW(fx::parse_khot_type("fixed<8,3>"), std::invalid_argument);
  EXPECT_THROW(fx::parse_khot_type("ap_ufixed<8,3>"), std::invalid_argument);
  EXPECT_THROW(fx::parse_rounding("FOO"), std::invalid_argument);
  EXPECT_THROW(fx::parse_rounding(""), std::invalid_argument);
  EXPECT_THROW(fx::parse_rounding("SAT"), std::invalid_argument);
  EXPECT_THROW(fx::parse_rounding("XX_RND"), std::invalid_argument);
  EXPECT_THROW(fx::parse_overflow("RND"), std::invalid_argument);
  EXPECT_THROW(fx::parse_overflow("AP_"), std::invalid_argument);
  EXPECT_THROW(fx::parse_overflow("WRAP_SMX"), std::invalid_argument);
}

}  // namespace
