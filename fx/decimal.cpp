#include "fx/decimal.hpp"

#include <algorithm>
#include <vector>

namespace fxsim::fx {
namespace {

// A non-negative big integer in base 10^9 limbs, least significant first:
// just enough arithmetic (multiply by a small factor) for exact decimals.
class Decimal {
 public:
  explicit Decimal(uint64_t v) {
    do {
      limbs_.push_back(static_cast<uint32_t>(v % kBase));
      v /= kBase;
    } while (v != 0);
  }
  void multiply(uint32_t factor) {
    uint64_t carry = 0;
    for (uint32_t& limb : limbs_) {
      const uint64_t x = uint64_t{limb} * factor + carry;
      limb = static_cast<uint32_t>(x % kBase);
      carry = x / kBase;
    }
    while (carry != 0) {
      limbs_.push_back(static_cast<uint32_t>(carry % kBase));
      carry /= kBase;
    }
  }
  std::string digits() const {
    std::string s = std::to_string(limbs_.back());
    for (size_t i = limbs_.size() - 1; i-- > 0;) {
      const std::string part = std::to_string(limbs_[i]);
      s += std::string(9 - part.size(), '0') + part;
    }
    return s;
  }

 private:
  static constexpr uint32_t kBase = 1000000000;
  std::vector<uint32_t> limbs_;
};

}  // namespace

std::string exact_decimal(int64_t raw, int frac_bits, bool is_unsigned_bits) {
  const bool negative = !is_unsigned_bits && raw < 0;
  const uint64_t magnitude =
      negative ? uint64_t{0} - static_cast<uint64_t>(raw) : static_cast<uint64_t>(raw);
  if (magnitude == 0) return "0";
  Decimal d(magnitude);
  std::string text;
  if (frac_bits <= 0) {
    for (int i = 0; i < -frac_bits; ++i) d.multiply(2);
    text = d.digits();
  } else {
    // m / 2^F = m * 5^F / 10^F: the digits of m * 5^F with F of them after the point.
    for (int i = 0; i < frac_bits; ++i) d.multiply(5);
    std::string digits = d.digits();
    const size_t f = static_cast<size_t>(frac_bits);
    if (digits.size() <= f) digits.insert(0, f - digits.size() + 1, '0');
    text = digits.substr(0, digits.size() - f) + "." + digits.substr(digits.size() - f);
    text.erase(text.find_last_not_of('0') + 1);  // trailing zeros of the fraction
    if (text.back() == '.') text.pop_back();
  }
  return negative ? "-" + text : text;
}

std::string exact_decimal(int64_t raw, const FxType& t) {
  return exact_decimal(raw, t.frac_bits(), !t.is_signed && t.width == 64);
}

}  // namespace fxsim::fx
