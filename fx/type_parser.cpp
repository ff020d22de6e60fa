#include "fx/type_parser.hpp"

#include <cctype>
#include <charconv>
#include <cmath>
#include <string>
#include <vector>

#include "fx/bipolar.hpp"

namespace fxsim::fx {
namespace {

std::string_view strip_mode_prefix(std::string_view name) {
  if (name.substr(0, 3) == "AP_" || name.substr(0, 3) == "SC_") name.remove_prefix(3);
  return name;
}

// A cursor over the type string that produces errors naming the position.
class Cursor {
 public:
  explicit Cursor(std::string_view text) : text_(text) {}

  [[noreturn]] void fail(const std::string& expected, size_t at) const {
    std::string found;
    if (at >= text_.size()) {
      found = "the end of the text";
    } else {
      size_t end = at;
      while (end < text_.size() && end - at < 12 && !is_delimiter(text_[end])) ++end;
      if (end == at) end = at + 1;
      found = "'" + std::string(text_.substr(at, end - at)) + "'";
    }
    throw TypeParseError("type '" + std::string(text_) + "': at character " +
                             std::to_string(at + 1) + ": expected " + expected + ", found " + found,
                         at);
  }

  void skip_space() {
    while (pos_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[pos_]))) ++pos_;
  }

  void expect(char c, const std::string& what) {
    skip_space();
    if (pos_ >= text_.size() || text_[pos_] != c) fail(what, pos_);
    ++pos_;
  }

  bool accept(char c) {
    skip_space();
    if (pos_ < text_.size() && text_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }

  std::string_view word() {
    skip_space();
    const size_t start = pos_;
    while (pos_ < text_.size() &&
           (std::isalnum(static_cast<unsigned char>(text_[pos_])) || text_[pos_] == '_')) {
      ++pos_;
    }
    return text_.substr(start, pos_ - start);
  }

  // A decimal number ("0.25", "1e-3", "2"): from_chars' general format, finite.
  double real(const std::string& what) {
    skip_space();
    const size_t start = pos_;
    double value = 0;
    const char* first = text_.data() + pos_;
    const char* last = text_.data() + text_.size();
    const auto [ptr, ec] = std::from_chars(first, last, value);
    if (ec != std::errc() || (ptr < last && (std::isalpha(static_cast<unsigned char>(*ptr)) ||
                                             *ptr == '_' || *ptr == '.'))) {
      fail("a decimal number (" + what + ")", start);
    }
    pos_ += static_cast<size_t>(ptr - first);
    return value;
  }

  int integer(const std::string& what) {
    skip_space();
    const size_t start = pos_;
    int value = 0;
    const char* first = text_.data() + pos_;
    const char* last = text_.data() + text_.size();
    const auto [ptr, ec] = std::from_chars(first, last, value);
    if (ec != std::errc() || (ptr < last && (std::isalpha(static_cast<unsigned char>(*ptr)) ||
                                             *ptr == '_' || *ptr == '.'))) {
      fail("an integer (" + what + ")", start);
    }
    pos_ += static_cast<size_t>(ptr - first);
    return value;
  }

  size_t pos() const { return pos_; }
  bool at_end() {
    skip_space();
    return pos_ >= text_.size();
  }

 private:
  static bool is_delimiter(char c) { return c == ',' || c == '>' || c == '<' || c == ' '; }
  std::string_view text_;
  size_t pos_ = 0;
};

enum class Kind { FIXED, UFIXED, INT, UINT, KHOT, UKHOT, SPT };

struct TypeName {
  Kind kind;
  Spelling spelling = Spelling::FIXED;
};

TypeName parse_kind(Cursor& cur) {
  const size_t start = (cur.skip_space(), cur.pos());
  const std::string_view name = cur.word();
  static const struct {
    const char* name;
    Kind kind;
    Spelling spelling;
  } kNames[] = {
      {"fixed", Kind::FIXED, Spelling::FIXED},
      {"ufixed", Kind::UFIXED, Spelling::FIXED},
      {"ap_fixed", Kind::FIXED, Spelling::AP_FIXED},
      {"ap_ufixed", Kind::UFIXED, Spelling::AP_FIXED},
      {"sc_fixed", Kind::FIXED, Spelling::SC_FIXED},
      {"sc_ufixed", Kind::UFIXED, Spelling::SC_FIXED},
      {"ap_int", Kind::INT, Spelling::AP_INT},
      {"ap_uint", Kind::UINT, Spelling::AP_INT},
      {"sc_int", Kind::INT, Spelling::SC_INT},
      {"sc_uint", Kind::UINT, Spelling::SC_INT},
      {"khot", Kind::KHOT, Spelling::FIXED},
      {"ukhot", Kind::UKHOT, Spelling::FIXED},
      {"spt", Kind::SPT, Spelling::FIXED},
  };
  for (const auto& n : kNames) {
    if (name == n.name) return {n.kind, n.spelling};
  }
  if (name == "binary" || name == "ternary") {
    cur.fail("a fixed-point or K-hot type name (" + std::string(name) +
                 " is a binary / ternary format, values {-1, " + (name == "ternary" ? "0, " : "") +
                 "+1} times a scale: read it with parse_bipolar_type)",
             start);
  }
  if (name == "int" || name == "uint") {
    cur.fail("a fixed-point or K-hot type name (" + std::string(name) +
                 "<W> is an affine integer format, with a scale and zero point: read it with "
                 "parse_affine_int; sc_" +
                 std::string(name) + "<W> and ap_" + std::string(name) +
                 "<W> are the fixed-point integers)",
             start);
  }
  cur.fail(
      "a type name (fixed, ufixed, ap_fixed, ap_ufixed, sc_fixed, sc_ufixed, ap_int, ap_uint, "
      "sc_int, sc_uint, khot, ukhot or spt)",
      start);
}

// ap_fixed takes AP_ mode names, sc_fixed SC_ ones (or bare names); fixed takes either.
void check_mode_prefix(const Cursor& cur, std::string_view mode, Spelling spelling,
                       const char* what, size_t at) {
  const std::string_view prefix = mode.substr(0, 3);
  if (spelling == Spelling::AP_FIXED && prefix == "SC_") {
    cur.fail(std::string("an AP_ or unprefixed ") + what + " (SC_ names belong to sc_fixed)", at);
  }
  if (spelling == Spelling::SC_FIXED && prefix == "AP_") {
    cur.fail(std::string("an SC_ or unprefixed ") + what + " (AP_ names belong to ap_fixed)", at);
  }
}

// Semantic checks are reported at the field they concern; validate() is the
// final word for anything that spans fields.
template <class T>
T validated(const T& t, const Cursor& cur, size_t at) {
  try {
    t.validate();
  } catch (const FxTypeError& e) {
    cur.fail(std::string("a valid format (") + e.what() + ")", at);
  }
  return t;
}

void check_range(const Cursor& cur, bool ok, const std::string& expected, size_t at) {
  if (!ok) cur.fail(expected, at);
}

size_t field_start(Cursor& cur) {
  cur.skip_space();
  return cur.pos();
}

// The first field of every fixed-point or integer spelling: W, in 1..64.
FxType parse_word_length(Cursor& cur, bool is_signed, Spelling spelling) {
  FxType t;
  t.is_signed = is_signed;
  t.spelling = spelling;
  const size_t at_w = field_start(cur);
  t.width = cur.integer("W, the word length");
  check_range(cur, t.width >= 1 && t.width <= 64, "a word length W in 1..64", at_w);
  return t;
}

FxType parse_fixed_args(Cursor& cur, bool is_signed, Spelling spelling, size_t open_at) {
  FxType t = parse_word_length(cur, is_signed, spelling);
  cur.expect(',', "',' and the integer bits I");
  const size_t at_i = field_start(cur);
  t.int_bits = cur.integer("I, the integer bits");
  check_range(cur, t.int_bits >= -1000 && t.int_bits <= 1000, "integer bits I in -1000..1000",
              at_i);
  if (cur.accept(',')) {
    const size_t at_q = field_start(cur);
    const std::string_view q = cur.word();
    check_mode_prefix(cur, q, spelling, "rounding mode", at_q);
    try {
      t.rounding = parse_rounding(q);
    } catch (const std::invalid_argument&) {
      cur.fail(
          "a rounding mode (RND, RND_ZERO, RND_MIN_INF, RND_INF, RND_CONV, TRN, TRN_ZERO, "
          "RND_STOCH unprefixed)",
          at_q);
    }
    if (cur.accept(',')) {
      const size_t at_o = field_start(cur);
      const std::string_view o = cur.word();
      check_mode_prefix(cur, o, spelling, "overflow mode", at_o);
      try {
        t.overflow = parse_overflow(o);
      } catch (const std::invalid_argument&) {
        cur.fail("an overflow mode (SAT, SAT_ZERO, SAT_SYM, WRAP, WRAP_SM)", at_o);
      }
      check_range(cur, is_signed || t.overflow != Overflow::WRAP_SM,
                  "an overflow mode defined for unsigned types (WRAP_SM is signed-only)", at_o);
      if (cur.accept(',')) {
        const size_t at_n = field_start(cur);
        t.sat_bits = cur.integer("N, the saturation bits");
        check_range(cur, t.sat_bits >= 0, "saturation bits N >= 0", at_n);
      }
    }
  }
  cur.expect('>', "'>' closing the format (fields are W, I, Q, O, N)");
  return validated(t, cur, open_at);
}

// ap_int<W>, sc_uint<W>, ...: an integer, I = W, TRN, WRAP, N = 0.
FxType parse_int_args(Cursor& cur, bool is_signed, Spelling spelling, size_t open_at) {
  FxType t = parse_word_length(cur, is_signed, spelling);
  t.int_bits = t.width;
  cur.expect('>', "'>' closing the integer format (its one field is W)");
  return validated(t, cur, open_at);
}

KhotType parse_khot_args(Cursor& cur, KhotKind kind, size_t open_at) {
  KhotType t;
  t.kind = kind;
  const int min_width = kind == KhotKind::UKHOT ? 1 : 2;
  const size_t at_w = field_start(cur);
  t.width = cur.integer("W, the word length");
  check_range(cur, t.width >= min_width && t.width <= 64,
              "a word length W in " + std::to_string(min_width) + "..64" +
                  (min_width == 2 ? " (one bit is the sign)" : ""),
              at_w);
  cur.expect(',', "',' and the integer bits I");
  const size_t at_i = field_start(cur);
  t.int_bits = cur.integer("I, the integer bits");
  check_range(cur, t.int_bits >= -1000 && t.int_bits <= 1000, "integer bits I in -1000..1000",
              at_i);
  cur.expect(',', "',' and K, the maximum number of terms");
  const size_t at_k = field_start(cur);
  t.k = cur.integer("K, the maximum number of terms");
  check_range(cur, t.k >= 1 && t.k <= t.magnitude_bits(),
              "K in 1.." + std::to_string(t.magnitude_bits()) +
                  " (the magnitude bits of W = " + std::to_string(t.width) + ")",
              at_k);
  cur.expect('>', "'>' closing the format (fields are W, I, K)");
  return validated(t, cur, open_at);
}

}  // namespace

AffineInt parse_affine_int(std::string_view text) {
  Cursor cur(text);
  const size_t start = (cur.skip_space(), cur.pos());
  const std::string_view name = cur.word();
  if (name != "int" && name != "uint") {
    cur.fail("an affine integer type name (int or uint)", start);
  }
  cur.expect('<', "'<' after the type name");
  const size_t at_w = field_start(cur);
  AffineInt t;
  t.is_signed = name == "int";
  t.width = cur.integer("W, the word length");
  check_range(cur, t.width >= 2 && t.width <= 32, "a word length W in 2..32", at_w);
  cur.expect('>', "'>' closing the affine integer format (its one field is W)");
  if (!cur.at_end()) cur.fail("nothing after the closing '>'", cur.pos());
  return t;
}

BipolarType parse_bipolar_type(std::string_view text) {
  Cursor cur(text);
  const size_t start = (cur.skip_space(), cur.pos());
  const std::string_view name = cur.word();
  if (name != "binary" && name != "ternary") {
    cur.fail("a binary / ternary type name (binary or ternary)", start);
  }
  BipolarType t;
  t.kind = name == "binary" ? Bipolar::BINARY : Bipolar::TERNARY;
  if (cur.accept('<')) {
    const size_t at_s = field_start(cur);
    t.scale = cur.real("S, the scale");
    check_range(cur, std::isfinite(t.scale) && t.scale > 0, "a finite scale S > 0", at_s);
    cur.expect('>', "'>' closing the format (its one field is the scale S)");
  }
  if (!cur.at_end()) cur.fail("nothing after the type (or '<S>', the scale)", cur.pos());
  return t;
}

Rounding parse_rounding(std::string_view name) {
  // RND_STOCH is fxsim's own mode: only its bare name exists (no SC_RND_STOCH, no AP_RND_STOCH).
  if (name == to_string(Rounding::RND_STOCH)) return Rounding::RND_STOCH;
  const std::string_view n = strip_mode_prefix(name);
  for (Rounding q : kAllRoundings) {
    if (to_string(q) == n) return q;
  }
  if (n == to_string(Rounding::RND_STOCH)) {
    throw std::invalid_argument("rounding mode '" + std::string(name) +
                                "': RND_STOCH is fxsim's own mode and takes no SC_/AP_ prefix");
  }
  throw std::invalid_argument("unknown rounding mode '" + std::string(name) +
                              "' (expected RND, RND_ZERO, RND_MIN_INF, RND_INF, RND_CONV, "
                              "TRN, TRN_ZERO or RND_STOCH)");
}

Overflow parse_overflow(std::string_view name) {
  const std::string_view n = strip_mode_prefix(name);
  for (Overflow o : kAllOverflows) {
    if (to_string(o) == n) return o;
  }
  throw std::invalid_argument("unknown overflow mode '" + std::string(name) +
                              "' (expected SAT, SAT_ZERO, SAT_SYM, WRAP or WRAP_SM)");
}

NumType parse_type(std::string_view text) {
  Cursor cur(text);
  const TypeName name = parse_kind(cur);
  const size_t open_at = (cur.skip_space(), cur.pos());
  cur.expect('<', "'<' after the type name");
  NumType result;
  switch (name.kind) {
    case Kind::FIXED:
      result = parse_fixed_args(cur, true, name.spelling, open_at);
      break;
    case Kind::UFIXED:
      result = parse_fixed_args(cur, false, name.spelling, open_at);
      break;
    case Kind::INT:
      result = parse_int_args(cur, true, name.spelling, open_at);
      break;
    case Kind::UINT:
      result = parse_int_args(cur, false, name.spelling, open_at);
      break;
    case Kind::KHOT:
      result = parse_khot_args(cur, KhotKind::KHOT, open_at);
      break;
    case Kind::UKHOT:
      result = parse_khot_args(cur, KhotKind::UKHOT, open_at);
      break;
    case Kind::SPT:
      result = parse_khot_args(cur, KhotKind::SPT, open_at);
      break;
  }
  if (!cur.at_end()) cur.fail("nothing after the closing '>'", cur.pos());
  return result;
}

FxType parse_fx_type(std::string_view text) {
  const NumType t = parse_type(text);
  if (const auto* fx = std::get_if<FxType>(&t)) return *fx;
  throw TypeParseError("type '" + std::string(text) +
                           "': at character 1: expected a fixed-point type "
                           "(fixed, ufixed, ap_fixed, ap_ufixed, sc_fixed, sc_ufixed, ap_int, "
                           "ap_uint, sc_int, sc_uint), found a K-hot/SPT type",
                       0);
}

KhotType parse_khot_type(std::string_view text) {
  const NumType t = parse_type(text);
  if (const auto* k = std::get_if<KhotType>(&t)) return *k;
  throw TypeParseError("type '" + std::string(text) +
                           "': at character 1: expected a K-hot/SPT type (khot, ukhot, spt), "
                           "found a fixed-point type",
                       0);
}

std::string type_str(const NumType& t) {
  if (const auto* fx = std::get_if<FxType>(&t)) return fx->str();
  return std::get<KhotType>(t).str();
}

}  // namespace fxsim::fx
