// Exact casts into an FxType: rounding first, then overflow, with the type's
// semantics: SystemC sc_fix / sc_ufix, or Xilinx ap_fixed for the ap_fixed /
// ap_int spellings (see docs/fixed_point.md for every mode and for the corners
// where the two differ). The source's spelling never matters, only the target's.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>

#include "fx/fx_type.hpp"

namespace fxsim::fx {

// What happened during one cast (all false for an exactly representable input).
struct CastFlags {
  bool inexact = false;   // bits were dropped by rounding
  bool tie = false;       // the dropped bits were exactly half an LSB
  bool overflow = false;  // the rounded value was outside [min, max] ([-max, max] for SAT_SYM)
};

// Counters over many casts; pass one to the array casts to collect coverage.
struct CastStats {
  uint64_t count = 0;
  uint64_t inexact = 0;
  uint64_t ties = 0;
  uint64_t overflows = 0;
  void add(const CastFlags& f) {
    ++count;
    inexact += f.inexact;
    ties += f.tie;
    overflows += f.overflow;
  }
  CastStats& operator+=(const CastStats& o) {
    count += o.count;
    inexact += o.inexact;
    ties += o.ties;
    overflows += o.overflows;
    return *this;
  }
};

// The overflow mode a cast into t applies: t.overflow, except SAT for a signed
// 1-bit SAT_SYM type with ap_fixed semantics (ap_fixed has no symmetric range
// there: -1 stays -1, where SystemC's [-max, max] = [0, 0] makes every negative
// value 0).
Overflow effective_overflow(const FxType& t);

// From a double, using its exact binary value. NaN casts to 0; +-infinity
// behaves as a value beyond every range (saturating modes clamp, WRAP gives 0).
int64_t cast_from_double(double x, const FxType& t, CastFlags* flags = nullptr);

// From a raw integer with `src_frac_bits` fraction bits (value = raw * 2^-src_frac_bits),
// e.g. an accumulator requantized to the output type. src_frac_bits may be negative.
int64_t cast_from_raw(int64_t raw, int src_frac_bits, const FxType& t, CastFlags* flags = nullptr);

// cast_from_raw(raw, src_frac_bits, to, flags) with the target format, the fraction shift and
// the mode dispatch worked out once: for a stage that casts every value it sees from the same
// format into the same type (an accumulator requantized to the MAC output, a BN sum to its
// output). Same raws and flags as cast_from_raw for every raw, bit for bit; cheap to copy.
class RawCaster {
 public:
  RawCaster(int src_frac_bits, const FxType& to);
  int64_t cast(int64_t raw, CastFlags* flags = nullptr) const;
  // out[i] = cast(in[i]) for n raws; `stats`, when given, adds every element's flags.
  void cast_array(const int64_t* in, size_t n, int64_t* out, CastStats* stats = nullptr) const;

 private:
  struct Plan;  // the target, the shift and the mode's loop (cast.cpp)
  std::shared_ptr<const Plan> plan_;
};

// From a value of another FxType (raw interpreted with from's signedness and width).
int64_t convert(int64_t raw, const FxType& from, const FxType& to, CastFlags* flags = nullptr);

// The exact value of a raw integer of type t, as a double (exact whenever it fits in 53 bits).
double to_double(int64_t raw, const FxType& t);

// Array casts: the hot path. The mode dispatch happens once per call, not per
// element; `stats`, when given, collects flags (at some extra cost).
void cast_array_from_double(const double* in, size_t n, int64_t* out, const FxType& t,
                            CastStats* stats = nullptr);
void cast_array_from_raw(const int64_t* in, size_t n, int src_frac_bits, int64_t* out,
                         const FxType& t, CastStats* stats = nullptr);
void to_double_array(const int64_t* raw, size_t n, double* out, const FxType& t);

// Quantize in the value domain: out[i] = to_double(cast_from_double(in[i])).
void quantize_array(const double* in, size_t n, double* out, const FxType& t,
                    CastStats* stats = nullptr);

}  // namespace fxsim::fx
